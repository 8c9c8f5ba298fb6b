package api

import (
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
	"supportbot/internal/users"
)

// meSessionShow answers GET /api/v1/me/sessions/{id}: one of the caller's
// active sessions. Someone else's session, an unknown one and an ended
// one are alike: 404, audited as access.denied (DESIGN.md invariant 2). The
// session is looked up among the caller's own, so another user's is never
// even read.
func meSessionShow(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		list, err := d.Auth.ListSessions(r.Context(), p)
		if err != nil {
			return AuthError(w, err)
		}
		var (
			found users.Session
			res   auth.Resource // the zero Resource: does not exist
		)
		for _, s := range list {
			if s.ID == r.PathValue("id") {
				found, res = s, auth.Resource{Exists: true, OwnerID: s.UserID}
				break
			}
		}
		if err := middleware.Authorize(r, res); err != nil {
			return err
		}
		return response.JSON(w, http.StatusOK, newSessionView(found, p.Claims.SessionID))
	}
}

package api

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// meSessionRevoke answers DELETE /api/v1/me/sessions/{id}: one of the
// caller's sessions ends (its refresh family is revoked; access tokens
// already issued for it run out within ACCESS_TOKEN_TTL). 204, with the
// session cookies cleared when it is the session making the request.
// Someone else's session, an unknown one and an ended one are alike: 404,
// audited as access.denied; the store checks the owner in the same
// statement that revokes.
func meSessionRevoke(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		id := r.PathValue("id")
		if err := d.Auth.RevokeSession(r.Context(), p, id, middleware.AuthMeta(r)); err != nil {
			return AuthError(w, err)
		}
		if id == p.Claims.SessionID {
			d.Cookies.Clear(w)
		}
		response.NoContent(w)
		return nil
	}
}

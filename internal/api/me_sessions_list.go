package api

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// sessionsView is the body of GET /api/v1/me/sessions.
type sessionsView struct {
	Sessions []sessionView `json:"sessions"`
}

// meSessionsList answers GET /api/v1/me/sessions: the caller's active
// sessions, most recently used first, each with when it was created and
// last used, the IP and user agent it was created from, and whether it is
// the one making this request (issue 3).
func meSessionsList(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		list, err := d.Auth.ListSessions(r.Context(), p)
		if err != nil {
			return AuthError(w, err)
		}
		out := sessionsView{Sessions: make([]sessionView, 0, len(list))}
		for _, s := range list {
			out.Sessions = append(out.Sessions, newSessionView(s, p.Claims.SessionID))
		}
		return response.JSON(w, http.StatusOK, out)
	}
}

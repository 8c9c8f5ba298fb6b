package ui

import (
	"net/http"

	"supportbot/internal/http/middleware"
)

// accountSessionRevoke answers POST /account/sessions/{id}/revoke: one of
// the user's sessions ends. Revoking the session showing the page signs
// this browser out (cookies cleared, on to the sign-in page). Someone
// else's session, an unknown one and an ended one are alike: 404, audited
// by the service.
func (u *UI) accountSessionRevoke(w http.ResponseWriter, r *http.Request) error {
	p, err := middleware.Principal(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := u.Auth.RevokeSession(r.Context(), p, id, middleware.AuthMeta(r)); err != nil {
		return authFail(w, err)
	}
	if id == p.Claims.SessionID {
		u.Cookies.Clear(w)
		return seeOther(w, r, LoginPath, "signed_out")
	}
	return seeOther(w, r, "/account", "session_revoked")
}

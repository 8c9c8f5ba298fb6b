package ui

import (
	"net/http"

	"supportbot/internal/http/middleware"
)

// accountSessionsRevokeAll answers POST /account/sessions/revoke-all,
// "sign out everywhere", as the API's DELETE /api/v1/me/sessions does:
// every session ends and every access token issued so far stops working at
// once, this browser's included (the token generation moves on), so the
// cookies are cleared and the user signs in again here.
func (u *UI) accountSessionsRevokeAll(w http.ResponseWriter, r *http.Request) error {
	p, err := middleware.Principal(r)
	if err != nil {
		return err
	}
	if err := u.Auth.LogoutEverywhere(r.Context(), p, middleware.AuthMeta(r)); err != nil {
		return authFail(w, err)
	}
	u.Cookies.Clear(w)
	return seeOther(w, r, LoginPath, "sessions_revoked")
}

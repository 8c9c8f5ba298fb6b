package ui

import (
	"net/http"

	"supportbot/internal/api"
	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
)

// logoutCreate answers POST /logout: the session's refresh family is
// revoked, the access token denied until it expires, the cookies cleared
// (as POST /api/v1/auth/logout), and the browser goes to the sign-in page.
func (u *UI) logoutCreate(w http.ResponseWriter, r *http.Request) error {
	if err := middleware.Authorize(r, auth.Resource{}); err != nil {
		return err
	}
	p, err := middleware.Principal(r)
	if err != nil {
		return err
	}
	token, _ := u.Cookies.Refresh(r)
	if err := u.Auth.Logout(r.Context(), p, token, middleware.AuthMeta(r)); err != nil {
		return api.AuthError(w, err)
	}
	u.Cookies.Clear(w)
	return seeOther(w, r, LoginPath, "signed_out")
}

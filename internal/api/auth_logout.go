package api

import (
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// authLogout answers POST /api/v1/auth/logout: the session ends. Its
// refresh family is revoked (the token from the body, else the refresh
// cookie, and in any case the session the access token was issued for)
// and the access token is denied until it expires (issue 3). 204 with the
// session cookies cleared. The caller must be signed in: a browser whose
// access token has expired refreshes first.
func authLogout(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		in, err := decodeRefresh(r)
		if err != nil {
			return err
		}
		if err := middleware.Authorize(r, auth.Resource{}); err != nil {
			return err
		}
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		if err := d.Auth.Logout(r.Context(), p, d.refreshToken(r, in.RefreshToken), middleware.AuthMeta(r)); err != nil {
			return AuthError(w, err)
		}
		d.Cookies.Clear(w)
		response.NoContent(w)
		return nil
	}
}

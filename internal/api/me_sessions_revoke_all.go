package api

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// meSessionsRevokeAll answers DELETE /api/v1/me/sessions: "log out
// everywhere". Every session of the caller ends and every access token
// issued so far stops working at once, this one included (the token
// generation moves on). 204 with the session cookies cleared.
func meSessionsRevokeAll(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		if err := d.Auth.LogoutEverywhere(r.Context(), p, middleware.AuthMeta(r)); err != nil {
			return AuthError(w, err)
		}
		d.Cookies.Clear(w)
		response.NoContent(w)
		return nil
	}
}

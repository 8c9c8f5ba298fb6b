package api

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// meShow answers GET /api/v1/me: the caller's own account.
func meShow(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		u, err := d.Auth.Me(r.Context(), p, middleware.AuthMeta(r))
		if err != nil {
			return AuthError(w, err)
		}
		return response.JSON(w, http.StatusOK, newAccountView(u))
	}
}

package api

import (
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// meShow answers GET /api/v1/me: the caller's own account, as loaded when
// this request's access token was checked.
func meShow(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := middleware.Authorize(r, auth.Resource{}); err != nil {
			return err
		}
		p, err := principal(r)
		if err != nil {
			return err
		}
		return response.JSON(w, http.StatusOK, newAccountView(p.User))
	}
}

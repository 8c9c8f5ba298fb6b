package api

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// adminUserShow answers GET /api/v1/admin/users/{id}: one account as an
// admin sees it; 404 for an unknown id.
func adminUserShow(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		u, err := d.Auth.GetUser(r.Context(), p, r.PathValue("id"), middleware.AuthMeta(r))
		if err != nil {
			return AuthError(w, err)
		}
		return response.JSON(w, http.StatusOK, newUserView(u, d.now()))
	}
}

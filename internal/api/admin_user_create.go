package api

import (
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// staffCreateRequest is the body of POST /api/v1/admin/users
// (api/schemas/admin_user_create.json).
type staffCreateRequest struct {
	Role     auth.Role `json:"role"`
	Email    string    `json:"email"`
	Name     string    `json:"name"`
	Password string    `json:"password"`
}

// adminUserCreate answers POST /api/v1/admin/users: an admin creates a
// support or admin account with an initial password, which must pass the
// password policy like any other (issue 3, "support and admin accounts are
// created by an admin"). 201 with the account and its Location. Under
// REQUIRE_2FA_FOR_STAFF the new account enrols TOTP at its first login.
// Customers register themselves.
func adminUserCreate(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in staffCreateRequest
		if err := request.DecodeJSON(r, &in, nil); err != nil {
			return err
		}
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		u, err := d.Auth.CreateStaff(r.Context(), p, auth.NewStaff{
			Role: in.Role, Email: in.Email, Name: in.Name, Password: []byte(in.Password),
		}, middleware.AuthMeta(r))
		if err != nil {
			return AuthError(w, err)
		}
		w.Header().Set("Location", "/api/v1/admin/users/"+u.ID)
		return response.JSON(w, http.StatusCreated, newUserView(u, d.now()))
	}
}

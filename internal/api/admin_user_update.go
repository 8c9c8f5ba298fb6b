package api

import (
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// userUpdateRequest is the body of PATCH /api/v1/admin/users/{id}
// (api/schemas/admin_user_update.json); absent members change nothing.
type userUpdateRequest struct {
	Role     *auth.Role `json:"role"`
	Disabled *bool      `json:"disabled"`
	Unlock   bool       `json:"unlock"`
	Reset2FA bool       `json:"reset_2fa"`
}

// adminUserUpdate answers PATCH /api/v1/admin/users/{id}: an admin changes
// an account's role, disables or enables it, lifts a lockout or resets its
// two-factor authentication; each change is audited on its own. A role
// change, disabling and a 2FA reset end every session of the user at once.
// 200 with the account as it is afterwards; 404 for an unknown id; 403
// self_change when an admin would demote, disable or reset the 2FA of
// their own account (an instance never loses its last admin by accident).
func adminUserUpdate(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in userUpdateRequest
		if err := request.DecodeJSON(r, &in, nil); err != nil {
			return err
		}
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		u, err := d.Auth.UpdateUser(r.Context(), p, r.PathValue("id"), auth.UserUpdate{
			Role: in.Role, Disabled: in.Disabled, Unlock: in.Unlock, Reset2FA: in.Reset2FA,
		}, middleware.AuthMeta(r))
		if err != nil {
			return AuthError(w, err)
		}
		return response.JSON(w, http.StatusOK, newUserView(u, d.now()))
	}
}

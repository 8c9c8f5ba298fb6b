package ui

import (
	"errors"
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// userUpdateForm is one per-account action of the user list
// (api/schemas/form_user_update.json): change is role (with role),
// disable, enable, unlock or reset_2fa.
type userUpdateForm struct {
	Change string `json:"change"`
	Role   string `json:"role"`
}

// adminUserUpdate answers POST /admin/users/{id}: one change to an account,
// audited by the auth service. A role change, disabling and a 2FA reset end
// the user's sessions at once. The guards that keep an instance from losing
// its last admin (an admin demoting, disabling or resetting themself;
// auth.ErrLastAdmin when two admins demote each other at once) show the
// list again with the reason inline (403). An unknown account is 404.
func (u *UI) adminUserUpdate(w http.ResponseWriter, r *http.Request) error {
	var in userUpdateForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	var up auth.UserUpdate
	switch in.Change {
	case "role":
		role, err := auth.ParseRole(in.Role)
		if err != nil {
			return response.BadRequest("role", "Choose the new role.", err)
		}
		up.Role = &role
	case "disable", "enable":
		off := in.Change == "disable"
		up.Disabled = &off
	case "unlock":
		up.Unlock = true
	case "reset_2fa":
		up.Reset2FA = true
	default: // the schema allows nothing else
		return response.BadRequest("change", "Unknown change.", errors.New("ui: user update: unknown change"))
	}
	if in.Role != "" && in.Change != "role" {
		return response.BadRequest("role", "A role goes only with change=role.", errors.New("ui: user update: stray role"))
	}
	p, err := middleware.Principal(r)
	if err != nil {
		return err
	}
	if _, err := u.Auth.UpdateUser(r.Context(), p, r.PathValue("id"), up, middleware.AuthMeta(r)); err != nil {
		msg, status, fail := problem(w, err)
		if fail != nil {
			return fail
		}
		return u.showUsers(w, r, status, adminUsersData{Form: staffForm{Role: string(auth.RoleSupport)}, ActionError: msg})
	}
	return seeOther(w, r, "/admin/users", "user_updated")
}

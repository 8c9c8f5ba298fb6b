package ui

import (
	"errors"
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
)

// staffCreateForm is the create-staff form (api/schemas/form_staff_create.json).
type staffCreateForm struct {
	Role     string `json:"role"`
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

// adminUserCreate answers POST /admin/users: an admin creates a support or
// admin account with an initial password, which must pass the password
// policy like any other (issue 3). A refusal — a weak password, an email
// already registered, an invalid field — shows the form again with the
// reason inline and what was typed, except the password (400).
func (u *UI) adminUserCreate(w http.ResponseWriter, r *http.Request) error {
	var in staffCreateForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	p, err := middleware.Principal(r)
	if err != nil {
		return err
	}
	// CreateStaff zeroes the password bytes after use (invariant 5).
	_, err = u.Auth.CreateStaff(r.Context(), p, auth.NewStaff{
		Role: auth.Role(in.Role), Email: in.Email, Name: in.Name, Password: []byte(in.Password),
	}, middleware.AuthMeta(r))
	if err == nil {
		return seeOther(w, r, "/admin/users", "user_created")
	}
	msg, status, fail := problem(w, err)
	if fail != nil {
		return fail
	}
	d := adminUsersData{Form: staffForm{Role: in.Role, Email: in.Email, Name: in.Name}, CreateError: msg}
	var weak *auth.PasswordError
	if errors.As(err, &weak) {
		d.CreateError, d.CreateRules = "The initial password does not meet the rules:", weak.Messages()
	}
	return u.showUsers(w, r, status, d)
}

package ui

import (
	"errors"
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
)

// registerForm is the registration form (api/schemas/form_register.json).
type registerForm struct {
	Email           string `json:"email"`
	Name            string `json:"name"`
	Phone           string `json:"phone"`
	Password        string `json:"password"`
	PasswordConfirm string `json:"password_confirm"`
}

// registerCreate answers POST /register: the account is created as a
// customer (the role is never the client's choice) and the browser goes to
// sign in. A mismatched confirmation, a weak password (every unmet rule
// listed) or a taken email shows the form again with what was typed,
// passwords excepted.
func (u *UI) registerCreate(w http.ResponseWriter, r *http.Request) error {
	var in registerForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	d := registerData{Open: u.Auth.Config().RegistrationOpen, Name: in.Name, Email: in.Email, Phone: in.Phone, MinPasswordRunes: auth.MinPasswordRunes}
	again := func(status int) error {
		p := u.newPage(r, "Create an account", d)
		p.Section = "register"
		return u.show(w, status, "register", p)
	}
	if in.Password != in.PasswordConfirm {
		d.Error = "The two passwords do not match."
		return again(http.StatusBadRequest)
	}
	_, err := u.Auth.Register(r.Context(), auth.RegisterInput{Email: in.Email, Name: in.Name, Phone: in.Phone, Password: []byte(in.Password)}, middleware.AuthMeta(r))
	if err != nil {
		var weak *auth.PasswordError
		if errors.As(err, &weak) {
			d.Error, d.Rules = "The password does not meet the rules:", weak.Messages()
			return again(http.StatusBadRequest)
		}
		msg, status, fail := problem(w, err)
		if fail != nil {
			return fail
		}
		d.Error = msg
		return again(status)
	}
	return seeOther(w, r, LoginPath, "registered")
}

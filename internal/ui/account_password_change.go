package ui

import (
	"errors"
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
)

// passwordForm is the password change form (api/schemas/form_password.json).
type passwordForm struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
	Confirm string `json:"new_password_confirm"`
}

// accountPasswordChange answers POST /account/password. The two new
// passwords must agree; a new password the policy refuses shows every
// unmet rule at once (auth.PasswordError), checked before the current
// password so a weak choice costs no attempt; a wrong current password is
// refused as by the API (and counts as a failed sign-in). On success every
// session ends, this one included (issue 3: the token generation moves
// on), so the cookies are cleared and the user signs in again with the new
// password.
func (u *UI) accountPasswordChange(w http.ResponseWriter, r *http.Request) error {
	var in passwordForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	if in.New != in.Confirm {
		return u.showAccount(w, r, http.StatusBadRequest, func(d *accountData) {
			d.PasswordError = "The new password and its confirmation are not the same."
		})
	}
	p, err := middleware.Principal(r)
	if err != nil {
		return err
	}
	err = u.Auth.ChangePassword(r.Context(), p, []byte(in.Current), []byte(in.New), middleware.AuthMeta(r))
	var weak *auth.PasswordError
	if errors.As(err, &weak) {
		return u.showAccount(w, r, http.StatusBadRequest, func(d *accountData) {
			d.PasswordError, d.PasswordRules = "Please choose another new password:", weak.Messages()
		})
	}
	if err != nil {
		msg, status, fail := problem(w, err)
		if fail != nil {
			return fail
		}
		return u.showAccount(w, r, status, func(d *accountData) { d.PasswordError = msg })
	}
	u.Cookies.Clear(w)
	return seeOther(w, r, LoginPath, "password_changed")
}

package ui

import (
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
)

// profileForm is the profile form (api/schemas/form_profile.json).
type profileForm struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

// accountProfileUpdate answers POST /account/profile: the display name and
// phone number (empty clears it). A value the service refuses shows the
// page again, 400, with the reason and what was typed.
func (u *UI) accountProfileUpdate(w http.ResponseWriter, r *http.Request) error {
	var in profileForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	p, err := middleware.Principal(r)
	if err != nil {
		return err
	}
	err = u.Auth.UpdateProfile(r.Context(), p, auth.ProfileUpdate{Name: &in.Name, Phone: &in.Phone}, middleware.AuthMeta(r))
	if err != nil {
		msg, status, fail := problem(w, err)
		if fail != nil {
			return fail
		}
		return u.showAccount(w, r, status, func(d *accountData) {
			d.Name, d.Phone, d.ProfileError = in.Name, in.Phone, msg
		})
	}
	return seeOther(w, r, "/account", "saved")
}

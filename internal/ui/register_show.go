package ui

import (
	"net/http"

	"supportbot/internal/auth"
)

// registerData is what the registration page shows.
type registerData struct {
	Open               bool // REGISTRATION_OPEN
	Name, Email, Phone string
	Error              string
	Rules              []string // unmet password rules
	MinPasswordRunes   int
}

// registerShow renders GET /register: a customer creates an account. When
// registration is closed the page says so and shows no form.
func (u *UI) registerShow(w http.ResponseWriter, r *http.Request) error {
	p := u.newPage(r, "Create an account", registerData{Open: u.Auth.Config().RegistrationOpen, MinPasswordRunes: auth.MinPasswordRunes})
	p.Section = "register"
	return u.show(w, http.StatusOK, "register", p)
}

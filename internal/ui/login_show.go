package ui

import (
	"net/http"

	"supportbot/internal/http/middleware"
)

// loginData is what the sign-in pages show.
type loginData struct {
	Next         string // where to go afterwards (already checked by safeNext)
	Email        string // kept after a failed attempt; never the password
	Error        string // why the last attempt failed
	Resume       bool   // a refresh cookie is present: offer to continue the session
	Registration bool   // REGISTRATION_OPEN: link to the register page
}

// loginShow renders GET /login. A signed-in visitor goes straight on. A
// browser that still holds a refresh cookie gets a "continue" form that
// login.js submits at once (POST /login/resume), so an expired access
// token costs a redirect, not a password.
func (u *UI) loginShow(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	if id, ok := middleware.IdentityFrom(r.Context()); ok && id.UserID != "" {
		return seeOther(w, r, landing(next, id.Role), "")
	}
	_, resume := u.Cookies.Refresh(r)
	p := u.newPage(r, "Sign in", loginData{Next: next, Resume: resume, Registration: u.Auth.Config().RegistrationOpen}, "login.js")
	p.Section = "login"
	return u.show(w, http.StatusOK, "login", p)
}

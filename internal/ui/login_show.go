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
	AutoResume   bool   // …and login.js may do it at once (not when it just tried: ?continued=1)
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
	// login.js comes back with ?continued=1 after continuing the session (or
	// finding another tab had). Still signed out then means the session is
	// gone whatever the cookie says: offer the button, never loop.
	auto := resume && r.URL.Query().Get("continued") == ""
	return u.showLogin(w, r, http.StatusOK, loginData{Next: next, Resume: resume, AutoResume: auto})
}

// showLogin renders the sign-in page with d and status; the link to
// register follows REGISTRATION_OPEN.
func (u *UI) showLogin(w http.ResponseWriter, r *http.Request, status int, d loginData) error {
	d.Registration = u.Auth.Config().RegistrationOpen
	p := u.newPage(r, "Sign in", d, "login.js")
	p.Section = "login"
	return u.show(w, status, "login", p)
}

package ui

import (
	"net/http"
	"time"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
	"supportbot/internal/users"
)

// accountData is the My account page: the profile, password and
// two-factor forms and the active sessions. After a refused form the
// page comes back with that form's message (and what was typed, except
// passwords).
type accountData struct {
	Email            string
	Name             string
	Phone            string
	TwoFactor        bool // TOTP is on
	TwoFactorPending bool // an enrolment was begun but not confirmed
	Sessions         []sessionRow

	ProfileError   string
	PasswordError  string
	PasswordRules  []string // each unmet rule of a refused new password
	TwoFactorError string
}

// sessionRow is one active session (refresh family) of the user.
type sessionRow struct {
	ID       string
	Current  bool // the session showing this page
	Created  time.Time
	LastUsed time.Time
	IP       string
	Device   string // the user agent it signed in with, shortened
}

// maxDeviceChars shortens a user agent for the sessions table.
const maxDeviceChars = 80

// accountShow answers GET /account.
func (u *UI) accountShow(w http.ResponseWriter, r *http.Request) error {
	return u.showAccount(w, r, http.StatusOK, nil)
}

// showAccount renders the account page with status; change, when set,
// adds a refused form's message and values to the loaded account.
func (u *UI) showAccount(w http.ResponseWriter, r *http.Request, status int, change func(*accountData)) error {
	p, err := middleware.Principal(r)
	if err != nil {
		return err
	}
	ctx, m := r.Context(), middleware.AuthMeta(r)
	acct, err := u.Auth.Me(ctx, p, m)
	if err != nil {
		return authFail(w, err)
	}
	list, err := u.Auth.ListSessions(ctx, p)
	if err != nil {
		return authFail(w, err)
	}
	d := accountData{
		Email: acct.Email, Name: acct.Name, Phone: acct.Phone,
		TwoFactor: acct.TOTPEnabled, TwoFactorPending: acct.HasTOTPSecret && !acct.TOTPEnabled,
		Sessions: sessionRows(list, p.Claims.SessionID),
	}
	if change != nil {
		change(&d)
	}
	pg := u.newPage(r, "My account", d)
	pg.Section = "account"
	return u.show(w, status, "account", pg)
}

// authFail is the error page of an auth error on a page with no form to
// show it on: the API's mapping (problem), a user's mistake included.
func authFail(w http.ResponseWriter, err error) error {
	msg, status, fail := problem(w, err)
	if fail != nil {
		return fail
	}
	return &response.Error{Status: status, Message: msg, Err: err}
}

// sessionRows lists the sessions with the current one first.
func sessionRows(list []users.Session, current string) []sessionRow {
	out := make([]sessionRow, 0, len(list))
	for _, s := range list {
		row := sessionRow{ID: s.ID, Current: s.ID == current, Created: s.CreatedAt, LastUsed: s.LastUsedAt, IP: s.IP, Device: shorten(s.UserAgent, maxDeviceChars)}
		if row.Current {
			out = append([]sessionRow{row}, out...)
		} else {
			out = append(out, row)
		}
	}
	return out
}

// shorten cuts s to at most n characters, marking the cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

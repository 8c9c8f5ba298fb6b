package ui

import (
	"encoding/base64"
	"html/template"
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
)

// loginForm is the sign-in form (api/schemas/form_login.json).
type loginForm struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Next     string `json:"next"`
}

// mfaData is the second-factor step of a sign-in. For a staff member who
// must enrol first (REQUIRE_2FA_FOR_STAFF), it carries the new secret and
// its QR code: the first code confirms the enrolment.
type mfaData struct {
	Challenge string // the password step's short-lived challenge token
	Next      string
	Error     string
	Enroll    bool         // set by showMFA from the challenge
	Secret    string       // base32, to type into an app that cannot scan
	QR        template.URL // data: URL of the QR code PNG we generated
}

// loginCreate answers POST /login. A correct password opens the session in
// the HttpOnly cookies and goes on (303); when a second factor is owed the
// code form follows on the same response. A wrong email or password shows
// one message whatever the reason (unknown email, wrong password, locked or
// disabled account; issue 3), and the per-IP limit answers 429 with
// Retry-After without checking the password at all.
func (u *UI) loginCreate(w http.ResponseWriter, r *http.Request) error {
	var in loginForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	next := safeNext(in.Next)
	res, err := u.Auth.Login(r.Context(), in.Email, []byte(in.Password), middleware.AuthMeta(r))
	if err != nil {
		msg, status, fail := problem(w, err)
		if fail != nil {
			return fail
		}
		return u.showLogin(w, r, status, loginData{Next: next, Email: in.Email, Error: msg})
	}
	if res.MFARequired {
		return u.showMFA(w, r, http.StatusOK, mfaData{Challenge: res.Challenge, Next: next})
	}
	u.startSession(w, *res.Tokens)
	who, err := u.Auth.Authenticate(r.Context(), res.Tokens.AccessToken)
	if err != nil {
		return err
	}
	return seeOther(w, r, landing(next, who.Role), "")
}

// showMFA renders the code step of the challenge in d. A challenge that
// expired or was spent sends the user back to the password step. For an
// enrolment a fresh secret is made each time the page is shown
// (BeginEnrollment replaces a pending one, never an enabled one), so after a
// wrong code the page shows the new QR code.
func (u *UI) showMFA(w http.ResponseWriter, r *http.Request, status int, d mfaData) error {
	pending, err := u.Auth.CheckChallenge(r.Context(), d.Challenge)
	if err != nil {
		msg, _, fail := problem(w, err)
		if fail != nil {
			return fail
		}
		return u.showLogin(w, r, http.StatusUnauthorized, loginData{Next: d.Next, Error: msg})
	}
	d.Enroll = pending.EnrollmentRequired
	if d.Enroll {
		secret, _, png, err := u.Auth.BeginEnrollment(r.Context(), pending.UserID)
		if err != nil {
			return err
		}
		d.Secret = secret
		d.QR = qrURL(png)
	}
	p := u.newPage(r, "Two-factor authentication", d)
	p.Section = "login"
	return u.show(w, status, "login_mfa", p)
}

// qrURL is the data: URL of a QR code PNG the auth service generated, for
// an <img> (the CSP's img-src allows data:).
func qrURL(png []byte) template.URL {
	// #nosec G203 -- our own PNG, base64-encoded: nothing of the user's in it
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
}

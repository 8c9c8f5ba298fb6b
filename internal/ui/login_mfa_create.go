package ui

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
)

// loginMFAForm is the code step of a sign-in (api/schemas/form_login_mfa.json).
type loginMFAForm struct {
	Challenge string `json:"challenge"`
	Code      string `json:"code"`
	Next      string `json:"next"`
}

// recoveryData is the page that shows new recovery codes, once.
type recoveryData struct {
	Codes []string
	Next  string // where "Continue" goes
}

// loginMFACreate answers POST /login/mfa: a TOTP or recovery code completes
// the sign-in. A code that confirmed a first enrolment is answered with the
// recovery codes, shown this once (they are stored hashed). A wrong code
// shows the form again and counts against the account's lockout, as in the
// API.
func (u *UI) loginMFACreate(w http.ResponseWriter, r *http.Request) error {
	var in loginMFAForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	next := safeNext(in.Next)
	res, err := u.Auth.CompleteMFA(r.Context(), in.Challenge, in.Code, middleware.AuthMeta(r))
	if err != nil {
		msg, status, fail := problem(w, err)
		if fail != nil {
			return fail
		}
		return u.showMFA(w, r, status, mfaData{Challenge: in.Challenge, Next: next, Error: msg})
	}
	u.startSession(w, res.Tokens)
	who, err := u.Auth.Authenticate(r.Context(), res.Tokens.AccessToken)
	if err != nil {
		return err
	}
	if len(res.RecoveryCodes) > 0 {
		p := u.newPage(r, "Your recovery codes", recoveryData{Codes: res.RecoveryCodes, Next: landing(next, who.Role)})
		p.Viewer = &Viewer{UserID: who.UserID, Role: who.Role, ExpiresAt: res.Tokens.AccessExpiresAt}
		p.Scripts = append(p.Scripts, "session.js")
		return u.show(w, http.StatusOK, "recovery_codes", p)
	}
	return seeOther(w, r, landing(next, who.Role), "")
}

package ui

import (
	"html/template"
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
)

// reauthForm asks for the current password (api/schemas/form_reauth.json).
type reauthForm struct {
	Password string `json:"password"`
}

// twoFactorData is the two-factor page of My account: the new secret and
// its QR code with the confirmation form, or — after the first code — the
// recovery codes, shown this once.
type twoFactorData struct {
	Secret string       // base32, for apps that cannot scan
	QR     template.URL // data: URL of our own QR code PNG
	Error  string       // why a code was refused
	Codes  []string     // the recovery codes, after confirmation
}

// accountTwoFactorEnroll answers POST /account/2fa/enroll: after the
// current password (as the API asks: a stolen session alone must not put
// someone else's authenticator on the account), a new TOTP secret, shown
// as a QR code and as text with the form for its first code. It takes
// effect only when confirmed; asking again replaces the pending secret.
func (u *UI) accountTwoFactorEnroll(w http.ResponseWriter, r *http.Request) error {
	if err := middleware.Authorize(r, auth.Resource{}); err != nil {
		return err
	}
	var in reauthForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	p, err := middleware.Principal(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if err := u.Auth.Reauthenticate(ctx, p, []byte(in.Password), "", middleware.AuthMeta(r)); err != nil {
		return u.twoFactorRefused(w, r, err)
	}
	secret, _, png, err := u.Auth.BeginEnrollment(ctx, p.UserID)
	if err != nil {
		return u.twoFactorRefused(w, r, err)
	}
	d := twoFactorData{
		Secret: secret,
		QR:     qrURL(png),
	}
	return u.showTwoFactor(w, r, http.StatusOK, "Set up two-factor authentication", d)
}

// twoFactorRefused shows the account page with why a two-factor form was
// refused, or the error page for what is no user's mistake.
func (u *UI) twoFactorRefused(w http.ResponseWriter, r *http.Request, err error) error {
	msg, status, fail := problem(w, err)
	if fail != nil {
		return fail
	}
	return u.showAccount(w, r, status, func(d *accountData) { d.TwoFactorError = msg })
}

// showTwoFactor renders the two-factor page.
func (u *UI) showTwoFactor(w http.ResponseWriter, r *http.Request, status int, title string, d twoFactorData) error {
	p := u.newPage(r, title, d)
	p.Section = "account"
	return u.show(w, status, "account_2fa", p)
}

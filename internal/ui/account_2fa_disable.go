package ui

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
)

// disableForm turns two-factor authentication off
// (api/schemas/form_2fa_disable.json).
type disableForm struct {
	Password string `json:"password"`
	Code     string `json:"code"`
}

// accountTwoFactorDisable answers POST /account/2fa/disable. The page asks
// for both factors: a current authenticator code (which proves the device
// is still at hand) and the password. Either being wrong counts as a
// failed sign-in, as in the API. Turning TOTP off drops the recovery codes
// and ends every session, this one included: the cookies are cleared and
// the user signs in again.
func (u *UI) accountTwoFactorDisable(w http.ResponseWriter, r *http.Request) error {
	var in disableForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	p, err := middleware.Principal(r)
	if err != nil {
		return err
	}
	ctx, m := r.Context(), middleware.AuthMeta(r)
	if err := u.Auth.Reauthenticate(ctx, p, nil, in.Code, m); err != nil {
		return u.twoFactorRefused(w, r, err)
	}
	if err := u.Auth.DisableMFA(ctx, p, []byte(in.Password), "", m); err != nil {
		return u.twoFactorRefused(w, r, err)
	}
	u.Cookies.Clear(w)
	return seeOther(w, r, LoginPath, "2fa_off")
}

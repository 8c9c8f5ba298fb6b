package ui

import (
	"errors"
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
)

// codeForm is an authenticator code (api/schemas/form_totp.json).
type codeForm struct {
	Code string `json:"code"`
}

// accountTwoFactorConfirm answers POST /account/2fa/confirm: the first
// code from the authenticator turns the pending secret on, and the
// recovery codes are shown on this response only (they are stored
// hashed). A wrong code shows the form again, 401, to try the next code;
// without a pending enrolment the account page says to begin one.
func (u *UI) accountTwoFactorConfirm(w http.ResponseWriter, r *http.Request) error {
	if err := middleware.Authorize(r, auth.Resource{}); err != nil {
		return err
	}
	var in codeForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	p, err := middleware.Principal(r)
	if err != nil {
		return err
	}
	codes, err := u.Auth.ConfirmEnrollment(r.Context(), p.UserID, in.Code, middleware.AuthMeta(r))
	if errors.Is(err, auth.ErrInvalidOTP) {
		return u.showTwoFactor(w, r, http.StatusUnauthorized, "Set up two-factor authentication", twoFactorData{
			Error: "The code is not valid. Check that the authenticator's clock is right and enter the next code it shows.",
		})
	}
	if err != nil {
		return u.twoFactorRefused(w, r, err)
	}
	return u.showTwoFactor(w, r, http.StatusOK, "Save your recovery codes", twoFactorData{Codes: codes})
}

package api

import (
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// meTwoFactorEnroll answers POST /api/v1/me/2fa/enroll: a new TOTP secret
// for the caller, with its otpauth:// URI and a PNG QR code, shown once
// (issue 3). It takes effect when POST /api/v1/me/2fa/confirm receives a
// first code; asking again before that replaces the pending secret. With
// TOTP already on it is 400 mfa_enabled: a session alone never swaps the
// authenticator in use (disable it first, which asks for the password).
func meTwoFactorEnroll(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := middleware.Authorize(r, auth.Resource{}); err != nil {
			return err
		}
		p, err := principal(r)
		if err != nil {
			return err
		}
		secret, uri, png, err := d.Auth.BeginEnrollment(r.Context(), p.UserID)
		if err != nil {
			return authError(w, err)
		}
		return response.JSON(w, http.StatusOK, enrollmentView{Secret: secret, OTPAuthURI: uri, QRPNGBase64: png})
	}
}

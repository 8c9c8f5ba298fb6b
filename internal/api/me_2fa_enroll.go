package api

import (
	"net/http"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// enrollRequest is the body of POST /api/v1/me/2fa/enroll
// (api/schemas/me_2fa_enroll.json).
type enrollRequest struct {
	CurrentPassword string `json:"current_password"`
}

// meTwoFactorEnroll answers POST /api/v1/me/2fa/enroll: a new TOTP secret
// for the caller, with its otpauth:// URI and a PNG QR code, shown once
// (issue 3). The current password is required in the same request (403
// reauth_failed when wrong, counted as a failed login): otherwise a stolen
// access token could put the thief's authenticator on the account and lock
// the owner out (found by review). It takes effect when POST
// /api/v1/me/2fa/confirm receives a first code; asking again before that
// replaces the pending secret. With TOTP already on it is 400 mfa_enabled.
func meTwoFactorEnroll(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := middleware.Authorize(r, auth.Resource{}); err != nil {
			return err
		}
		var in enrollRequest
		if err := request.DecodeJSON(r, &in, nil); err != nil {
			return err
		}
		p, err := middleware.Principal(r)
		if err != nil {
			return err
		}
		if err := d.Auth.Reauthenticate(r.Context(), p, []byte(in.CurrentPassword), "", middleware.AuthMeta(r)); err != nil {
			return AuthError(w, err)
		}
		secret, uri, png, err := d.Auth.BeginEnrollment(r.Context(), p.UserID)
		if err != nil {
			return AuthError(w, err)
		}
		return response.JSON(w, http.StatusOK, enrollmentView{Secret: secret, OTPAuthURI: uri, QRPNGBase64: png})
	}
}

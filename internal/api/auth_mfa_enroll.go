package api

import (
	"errors"
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// mfaEnrollRequest is the body of POST /api/v1/auth/mfa/enroll
// (api/schemas/auth_mfa_enroll.json).
type mfaEnrollRequest struct {
	Challenge string `json:"challenge"`
}

// authMFAEnroll answers POST /api/v1/auth/mfa/enroll: a staff member whose
// login answered enrollment_required (REQUIRE_2FA_FOR_STAFF, no TOTP yet)
// gets a new authenticator secret, its otpauth:// URI and a QR code, and
// confirms it by completing the login at POST /api/v1/auth/mfa with a first
// code. Only a genuine, unspent challenge of a user who owes enrolment
// gets one: a bad challenge is 401 invalid_token, a user who has TOTP
// already is 400 enrollment_not_required, so a stolen password can never
// swap the authenticator of an enrolled account.
func authMFAEnroll(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in mfaEnrollRequest
		if err := request.DecodeJSON(r, &in, nil); err != nil {
			return err
		}
		pending, err := d.Auth.CheckChallenge(r.Context(), in.Challenge)
		if err != nil {
			return AuthError(w, err)
		}
		if !pending.EnrollmentRequired {
			return &response.Error{Status: http.StatusBadRequest, Code: CodeEnrollmentNotRequired,
				Message: "Two-factor authentication is already set up; enter a code from the authenticator.",
				Err:     errors.New("api: enrolment asked for by a user with TOTP enabled")}
		}
		secret, uri, png, err := d.Auth.BeginEnrollment(r.Context(), pending.UserID)
		if err != nil {
			return AuthError(w, err)
		}
		return response.JSON(w, http.StatusOK, enrollmentView{Secret: secret, OTPAuthURI: uri, QRPNGBase64: png})
	}
}

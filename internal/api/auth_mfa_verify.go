package api

import (
	"net/http"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// mfaRequest is the body of POST /api/v1/auth/mfa (api/schemas/auth_mfa.json).
type mfaRequest struct {
	Challenge string `json:"challenge"`
	Code      string `json:"code"`
}

// mfaView is a completed two-factor login. RecoveryCodes is present only
// when the code confirmed a first enrolment: they are shown this once.
type mfaView struct {
	loginView
	RecoveryCodes []string `json:"recovery_codes,omitempty"`
}

// authMFAVerify answers POST /api/v1/auth/mfa: the second step of a login
// that answered mfa_required. code is a six-digit TOTP code or a recovery
// code. 200 with the tokens and session cookies, as a login. A TOTP code
// works once (its time step is spent), a recovery code too; a wrong or
// replayed code is 401 invalid_code and counts against the account's
// lockout like a wrong password; a challenge that is expired, spent or
// forged is 401 invalid_token; past the per-IP limit, 429.
func authMFAVerify(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in mfaRequest
		if err := request.DecodeJSON(r, &in, nil); err != nil {
			return err
		}
		res, err := d.Auth.CompleteMFA(r.Context(), in.Challenge, in.Code, middleware.AuthMeta(r))
		if err != nil {
			return AuthError(w, err)
		}
		return response.JSON(w, http.StatusOK, mfaView{
			loginView:     loginView{tokensView: d.startSession(w, res.Tokens)},
			RecoveryCodes: res.RecoveryCodes,
		})
	}
}

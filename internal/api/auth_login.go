package api

import (
	"net/http"
	"time"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// loginRequest is the body of POST /api/v1/auth/login
// (api/schemas/auth_login.json).
type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// loginView is a login that opened a session.
type loginView struct {
	MFARequired bool `json:"mfa_required"` // false
	tokensView
}

// challengeView is a login that passed the password step and owes a second
// factor: present the challenge with a code to POST /api/v1/auth/mfa. When
// EnrollmentRequired, the user (staff under REQUIRE_2FA_FOR_STAFF) has no
// authenticator yet and first gets one from POST /api/v1/auth/mfa/enroll.
type challengeView struct {
	MFARequired        bool      `json:"mfa_required"` // true
	EnrollmentRequired bool      `json:"enrollment_required"`
	Challenge          string    `json:"challenge"`
	ChallengeExpiresAt time.Time `json:"challenge_expires_at"`
}

// authLogin answers POST /api/v1/auth/login. A correct password opens a
// session: 200 with the tokens in the body (for API clients) and the same
// tokens in the session cookies (for browsers), or, when a second factor is
// owed, 200 with mfa_required and a challenge instead of a session.
//
// Every failed login, whatever the reason the audit trail keeps (unknown
// email, wrong password, locked or disabled account), answers the one 401
// invalid_credentials, byte for byte the same but for the request ID
// (issue 3). Past the per-IP limit the answer is 429 with Retry-After and no
// password is compared; a full bcrypt pool is 503 with Retry-After.
func authLogin(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in loginRequest
		if err := request.DecodeJSON(r, &in, nil); err != nil {
			return err
		}
		res, err := d.Auth.Login(r.Context(), in.Email, []byte(in.Password), middleware.AuthMeta(r))
		if err != nil {
			return AuthError(w, err)
		}
		if res.MFARequired {
			return response.JSON(w, http.StatusOK, challengeView{
				MFARequired:        true,
				EnrollmentRequired: res.EnrollmentRequired,
				Challenge:          res.Challenge,
				ChallengeExpiresAt: res.ChallengeExpiresAt.UTC(),
			})
		}
		return response.JSON(w, http.StatusOK, loginView{tokensView: d.startSession(w, *res.Tokens)})
	}
}

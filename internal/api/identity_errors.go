package api

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
	"supportbot/internal/users"
)

// Error codes of the identity API, beyond the status defaults of package
// response. They are part of the API contract (api/openapi.yaml).
const (
	CodeInvalidCredentials    = "invalid_credentials" // #nosec G101 -- an error code, not a credential
	CodeInvalidToken          = "invalid_token"
	CodeInvalidCode           = "invalid_code"
	CodeReauthFailed          = "reauth_failed"
	CodeWeakPassword          = "weak_password"
	CodeEmailTaken            = "email_taken"
	CodeRegistrationClosed    = "registration_closed"
	CodeSelfChange            = "self_change"
	CodeLastAdmin             = "last_admin"
	CodeMFAEnabled            = "mfa_enabled"
	CodeMFANotEnabled         = "mfa_not_enabled"
	CodeEnrollmentNotStarted  = "enrollment_not_started"
	CodeEnrollmentNotRequired = "enrollment_not_required"
)

// busyRetryAfter is the Retry-After of a 503 for a full bcrypt pool: the
// queue drains in well under a second at cost 12, so a client that waits
// this long finds room (issue 3, "login answers 503 with Retry-After").
const busyRetryAfter = 2 * time.Second

// AuthError maps an error of the auth service to the response it answers
// with; the error itself stays the cause, for the log only. Every message
// is ours and fixed, never the service's text, except the password rules
// and field problems, whose messages the service writes for users.
//
//   - ErrInvalidCredentials: 401 invalid_credentials, one body for an
//     unknown email, a wrong password, a locked and a disabled account
//     (issue 3: the response never says "locked" differently).
//   - *RateLimitedError: 429 with Retry-After; ErrBusy: 503 with Retry-After.
//   - ErrInvalidToken: 401 invalid_token (a refresh or challenge token that
//     is expired, spent, revoked or forged, or a user changed since).
//   - ErrInvalidOTP: 401 invalid_code (the second step of a login).
//   - ErrReauthFailed: 403 reauth_failed (the current password or code
//     confirming a sensitive change is wrong; the session itself is fine).
//   - *PasswordError: 400 weak_password at /password, listing every unmet
//     rule; *FieldError: 400 at its field.
//   - ErrEmailTaken: 400 email_taken at /email; see authRegister for the
//     enumeration trade-off.
//   - ErrForbidden 403, ErrNotFound 404 (someone else's resource answers
//     like a missing one), and the codes above for the rest.
//
// Anything else (a store that failed) is returned as is: 500, or 503 for a
// passed deadline, through the error writer.
func AuthError(w http.ResponseWriter, err error) error {
	var (
		limited *auth.RateLimitedError
		weak    *auth.PasswordError
		field   *auth.FieldError
	)
	switch {
	case errors.As(err, &limited):
		setRetryAfter(w, limited.RetryAfter)
		return response.TooManyRequests(err)
	case errors.Is(err, auth.ErrBusy):
		setRetryAfter(w, busyRetryAfter)
		return response.Unavailable(err)
	case errors.Is(err, auth.ErrInvalidCredentials):
		w.Header().Set("WWW-Authenticate", middleware.WWWAuthenticate)
		return &response.Error{Status: http.StatusUnauthorized, Code: CodeInvalidCredentials,
			Message: "The email address or password is incorrect.", Err: err}
	case errors.Is(err, auth.ErrInvalidToken):
		w.Header().Set("WWW-Authenticate", middleware.WWWAuthenticate)
		return &response.Error{Status: http.StatusUnauthorized, Code: CodeInvalidToken,
			Message: "The token is invalid or has expired. Please sign in again.", Err: err}
	case errors.Is(err, auth.ErrInvalidOTP):
		return &response.Error{Status: http.StatusUnauthorized, Code: CodeInvalidCode,
			Message: "The code is not valid.", Err: err}
	case errors.Is(err, auth.ErrReauthFailed):
		return &response.Error{Status: http.StatusForbidden, Code: CodeReauthFailed,
			Message: "The current password or code is incorrect.", Err: err}
	case errors.As(err, &weak):
		return weakPassword(weak, "/password")
	case errors.As(err, &field):
		return response.BadRequest("/"+field.Field, field.Message, err)
	case errors.Is(err, auth.ErrEmailTaken):
		return &response.Error{Status: http.StatusBadRequest, Code: CodeEmailTaken, Field: "/email",
			Message: "This email address is already registered.", Err: err}
	case errors.Is(err, auth.ErrRegistrationClosed):
		return &response.Error{Status: http.StatusForbidden, Code: CodeRegistrationClosed,
			Message: "Registration is closed.", Err: err}
	case errors.Is(err, auth.ErrLastAdmin): // before ErrForbidden, which it also matches
		return &response.Error{Status: http.StatusForbidden, Code: CodeLastAdmin,
			Message: "An instance must keep one enabled admin; add or enable another admin first.", Err: err}
	case errors.Is(err, auth.ErrSelfChange):
		return &response.Error{Status: http.StatusForbidden, Code: CodeSelfChange,
			Message: "Admins cannot demote or disable their own account or reset their own two-factor authentication; ask another admin.", Err: err}
	case errors.Is(err, auth.ErrMFAEnabled):
		return &response.Error{Status: http.StatusBadRequest, Code: CodeMFAEnabled,
			Message: "Two-factor authentication is already enabled; disable it first.", Err: err}
	case errors.Is(err, auth.ErrMFANotEnabled):
		return &response.Error{Status: http.StatusBadRequest, Code: CodeMFANotEnabled,
			Message: "Two-factor authentication is not enabled.", Err: err}
	case errors.Is(err, auth.ErrEnrollmentNotStarted):
		return &response.Error{Status: http.StatusBadRequest, Code: CodeEnrollmentNotStarted,
			Message: "Two-factor enrolment has not been started.", Err: err}
	case errors.Is(err, auth.ErrForbidden):
		return response.Forbidden(err)
	case errors.Is(err, auth.ErrNotFound), errors.Is(err, users.ErrNotFound):
		return response.NotFound(err)
	}
	return err
}

// weakPassword is the 400 of a password that breaks the policy: every unmet
// rule's message in one sentence list, so the user fixes them all at once
// (the messages are the service's, written for users; the maximum length
// one says why: bcrypt reads only 72 bytes).
func weakPassword(pe *auth.PasswordError, field string) *response.Error {
	return &response.Error{Status: http.StatusBadRequest, Code: CodeWeakPassword, Field: field,
		Message: "The password does not meet the rules: " + strings.Join(pe.Messages(), " "), Err: pe}
}

// setRetryAfter sets Retry-After in whole seconds, rounded up and at least
// one, so a client never retries too early (RFC 9110 10.2.3).
func setRetryAfter(w http.ResponseWriter, d time.Duration) {
	s := int64(math.Ceil(d.Seconds()))
	s = max(s, 1)
	w.Header().Set("Retry-After", strconv.FormatInt(s, 10))
}

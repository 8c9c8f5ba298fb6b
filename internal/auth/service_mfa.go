package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"supportbot/internal/audit"
	"supportbot/internal/securemem"
	"supportbot/internal/users"
)

// BeginEnrollment starts TOTP enrolment for user userID: it stores a new
// pending secret (encrypted; any earlier pending one is replaced) and
// returns the base32 secret for manual entry, the otpauth:// URI and a PNG
// QR code of it, to show once (issue 3, "enrolment returns the otpauth URI
// and a QR image"). TOTP takes effect only when a first code confirms it:
// ConfirmEnrollment from /me, or CompleteMFA at login.
//
// userID must come from an authenticated source: Principal.UserID for
// /me/2fa/enroll, or PendingLogin.UserID from CheckChallenge for a staff
// member enrolling at login. Either way a secret in use is never replaced:
// while TOTP is enabled this fails with ErrMFAEnabled, so a stolen password
// alone cannot swap the authenticator of an enrolled account. From /me the
// caller must Reauthenticate first (the handler asks for the current
// password in the same request): adding a factor is a 2FA change, and a
// stolen access token must not be able to put the thief's authenticator on
// the account. At login the challenge token already proves the password.
func (s *Service) BeginEnrollment(ctx context.Context, userID string) (secret, uri string, png []byte, err error) {
	u, err := s.users.Get(ctx, userID)
	if errors.Is(err, users.ErrNotFound) || err == nil && u.Disabled {
		return "", "", nil, fmt.Errorf("auth: begin enrolment: %w: %w", ErrNotFound, users.ErrNotFound)
	}
	if err != nil {
		return "", "", nil, fmt.Errorf("auth: begin enrolment: %w", err)
	}
	if u.TOTPEnabled {
		return "", "", nil, fmt.Errorf("auth: begin enrolment: %w", ErrMFAEnabled)
	}
	secret, uri, png, err = NewTOTPSecret(s.cfg.TOTPIssuer, totpAccount(u))
	if err != nil {
		return "", "", nil, err
	}
	b := []byte(secret)
	err = s.users.SetTOTPSecret(ctx, u.ID, b)
	securemem.Zero(b)
	if err != nil {
		return "", "", nil, fmt.Errorf("auth: begin enrolment: %w", err)
	}
	return secret, uri, png, nil
}

// totpAccount is the account name shown in the authenticator app: the
// email, or the user id for an address the otpauth URI cannot carry.
func totpAccount(u users.User) string {
	if u.Email == "" || strings.Contains(u.Email, ":") {
		return u.ID
	}
	return u.Email
}

// ConfirmEnrollment turns on the pending TOTP secret of userID (the caller
// of /me/2fa/confirm) with a first code from the authenticator, and returns
// RecoveryCodeCount recovery codes to show once; only their hashes are
// stored (issue 3; ASVS 4.0.3 2.6.2). The code's step becomes the last used
// one, so it cannot be replayed at the next login. A wrong code is an error
// matching ErrInvalidOTP; it does not count against the lockout, because
// the caller already holds a session and the secret; attempts are limited
// per user instead (the login limit, key "mfa_confirm:user:<id>").
func (s *Service) ConfirmEnrollment(ctx context.Context, userID, code string, m Meta) ([]string, error) {
	u, err := s.users.Get(ctx, userID)
	if errors.Is(err, users.ErrNotFound) || err == nil && u.Disabled {
		return nil, fmt.Errorf("auth: confirm enrolment: %w: %w", ErrNotFound, users.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: confirm enrolment: %w", err)
	}
	switch {
	case u.TOTPEnabled:
		return nil, fmt.Errorf("auth: confirm enrolment: %w", ErrMFAEnabled)
	case !u.HasTOTPSecret:
		return nil, ErrEnrollmentNotStarted
	}
	// A wrong code here costs no lockout (the caller holds the session),
	// so guesses are bounded per user like re-authentication: without it
	// a stolen session could guess the first code of a pending enrolment
	// (about 3 in 10^6 per try) and take the recovery codes.
	if err := s.allow(ctx, "mfa_confirm:user:"+u.ID, "auth:mfa_confirm", m); err != nil {
		return nil, err
	}
	codes, err := s.enableTOTP(ctx, u, code)
	if err != nil {
		if errors.Is(err, ErrInvalidOTP) {
			s.refused(ctx, EventMFAFailed, u, "wrong_totp_enrollment", m)
		}
		return nil, fmt.Errorf("auth: confirm enrolment: %w", err)
	}
	s.record(ctx, m, audit.Event{Type: EventMFAEnabled, Level: audit.LevelInfo, Actor: u.ID, Target: userTarget(u.ID), Status: "success"})
	return codes, nil
}

// DisableMFA turns TOTP off (or drops a pending enrolment) for the caller
// after re-authentication with the current password or a TOTP code
// (issue 3, "2FA changes require the current password (or a TOTP code)"),
// removes the recovery codes, and — through the token generation — ends
// every session including this one. A staff member under
// REQUIRE_2FA_FOR_STAFF may do it too, e.g. after losing their phone and
// logging in with a recovery code: their next login enrols a new
// authenticator.
func (s *Service) DisableMFA(ctx context.Context, p Principal, password []byte, code string, m Meta) error {
	defer securemem.Zero(password)
	if err := s.authorize(ctx, p, ActionMeTwoFactorManage, Resource{}, userTarget(p.UserID), m); err != nil {
		return err
	}
	u, err := s.currentUser(ctx, p)
	if err != nil {
		return err
	}
	if !u.TOTPEnabled && !u.HasTOTPSecret {
		return ErrMFANotEnabled
	}
	if err := s.reauthenticate(ctx, u, password, code, m); err != nil {
		return err
	}
	if err := s.users.DisableTOTP(ctx, u.ID); err != nil {
		return fmt.Errorf("auth: disable mfa: %w", err)
	}
	s.record(ctx, m, audit.Event{Type: EventMFADisabled, Level: audit.LevelWarning, Actor: u.ID, Target: userTarget(u.ID), Status: "success"})
	return nil
}

// spendTOTP accepts a TOTP code of u's enabled secret once: VerifyTOTP
// refuses steps at or before the last used one, and AdvanceTOTPStep's
// compare-and-set refuses the loser of two concurrent uses of one code.
func (s *Service) spendTOTP(ctx context.Context, u users.User, code string) error {
	secret, err := s.users.TOTPSecret(ctx, u.ID)
	if err != nil {
		return err
	}
	step, err := VerifyTOTP(string(secret), code, s.clock(), u.TOTPLastStep)
	securemem.Zero(secret)
	if err != nil {
		return err
	}
	if err := s.users.AdvanceTOTPStep(ctx, u.ID, step); err != nil {
		if errors.Is(err, users.ErrReplay) {
			return fmt.Errorf("%w: %w", ErrOTPReplayed, err)
		}
		return err
	}
	return nil
}

// spendRecoveryCode spends one of u's recovery codes and audits it with the
// number left, so an admin sees a user running out (and a stolen sheet of
// codes being used).
func (s *Service) spendRecoveryCode(ctx context.Context, u users.User, code string, m Meta) error {
	const size = RecoveryCodeGroups * RecoveryCodeGroupLen
	if len(code) > 4*size || len(NormalizeRecoveryCode(code)) != size {
		return fmt.Errorf("auth: recovery code: malformed: %w", ErrInvalidOTP)
	}
	err := s.users.UseRecoveryCode(ctx, u.ID, HashRecoveryCode(code))
	if errors.Is(err, users.ErrNotFound) {
		return fmt.Errorf("auth: recovery code: unknown or used: %w", ErrInvalidOTP)
	}
	if err != nil {
		return err
	}
	details := "remaining=unknown"
	if n, err := s.users.RecoveryCodesLeft(ctx, u.ID); err == nil {
		details = "remaining=" + strconv.Itoa(n)
	}
	s.record(ctx, m, audit.Event{Type: EventRecoveryCodeUsed, Level: audit.LevelWarning, Actor: u.ID, Target: userTarget(u.ID), Details: details, Status: "success"})
	return nil
}

// enableTOTP confirms u's pending secret with code and returns fresh
// recovery codes.
func (s *Service) enableTOTP(ctx context.Context, u users.User, code string) ([]string, error) {
	if !isTOTPCode(code) {
		return nil, fmt.Errorf("auth: enable totp: malformed code: %w", ErrInvalidOTP)
	}
	secret, err := s.users.TOTPSecret(ctx, u.ID)
	if errors.Is(err, users.ErrNotFound) {
		return nil, ErrEnrollmentNotStarted
	}
	if err != nil {
		return nil, err
	}
	step, err := VerifyTOTP(string(secret), code, s.clock(), u.TOTPLastStep)
	securemem.Zero(secret)
	if err != nil {
		return nil, err
	}
	codes, hashes, err := NewRecoveryCodes(RecoveryCodeCount)
	if err != nil {
		return nil, err
	}
	err = s.users.EnableTOTP(ctx, u.ID, step, hashes)
	switch {
	case errors.Is(err, users.ErrReplay):
		return nil, fmt.Errorf("%w: %w", ErrOTPReplayed, err)
	case errors.Is(err, users.ErrTOTPEnabled):
		return nil, err
	case errors.Is(err, users.ErrNotFound):
		return nil, ErrEnrollmentNotStarted
	case err != nil:
		return nil, err
	}
	return codes, nil
}

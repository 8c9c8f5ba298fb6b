package auth_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"strings"
	"testing"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

// Issue 3, "Two-factor authentication": staff under REQUIRE_2FA_FOR_STAFF
// enrol at their first login and complete TOTP at every login; a TOTP code
// cannot be used twice; a recovery code works once.
func TestStaffEnrolsAtLoginAndCompletesTOTP(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, require2FA)
		ctx := context.Background()
		sam := f.staff(users.RoleSupport, "sam@example.com")

		res, err := f.login("sam@example.com", testPassword)
		if err != nil {
			t.Fatal(err)
		}
		if !res.MFARequired || !res.EnrollmentRequired || res.Tokens != nil || res.Challenge == "" ||
			res.ChallengeExpiresAt != f.clock.Now().Add(auth.ChallengeTTL) {
			t.Fatalf("staff login = %+v, want an enrolment challenge and no session", res)
		}
		// The challenge is no access token.
		_, err = f.svc.Authenticate(ctx, res.Challenge)
		wantErr(t, err, auth.ErrInvalidToken)

		pending, err := f.svc.CheckChallenge(ctx, res.Challenge)
		if err != nil || pending.UserID != sam.ID || pending.Role != auth.RoleSupport || !pending.EnrollmentRequired {
			t.Fatalf("CheckChallenge = %+v, %v", pending, err)
		}
		// A code before enrolment has started is not a code at all.
		_, err = f.svc.CompleteMFA(ctx, res.Challenge, "123456", f.meta())
		wantErr(t, err, auth.ErrEnrollmentNotStarted)

		secret, uri, img, err := f.svc.BeginEnrollment(ctx, pending.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(uri, "otpauth://totp/") || !strings.Contains(uri, "issuer=supportbot") || !strings.Contains(uri, "secret="+secret) {
			t.Errorf("uri = %q", uri)
		}
		if _, err := png.Decode(bytes.NewReader(img)); err != nil {
			t.Errorf("QR code is no PNG: %v", err)
		}
		f.secrets[sam.ID] = secret

		// A wrong first code: refused, counted, no session.
		_, err = f.svc.CompleteMFA(ctx, res.Challenge, "000000", f.meta())
		wantErr(t, err, auth.ErrInvalidOTP)
		if f.user(sam.ID).TOTPEnabled {
			t.Fatal("a wrong code enabled TOTP")
		}

		code := f.code(sam.ID)
		mr, err := f.svc.CompleteMFA(ctx, res.Challenge, code, f.meta())
		if err != nil {
			t.Fatal(err)
		}
		if len(mr.RecoveryCodes) != auth.RecoveryCodeCount || mr.Tokens.AccessToken == "" || mr.Tokens.RefreshToken == "" {
			t.Fatalf("enrolment result: %d recovery codes, tokens %+v", len(mr.RecoveryCodes), mr.Tokens)
		}
		p := f.principal(mr.Tokens)
		if p.UserID != sam.ID || !p.Claims.MFA() {
			t.Errorf("principal after MFA = %+v", p)
		}
		if u := f.user(sam.ID); !u.TOTPEnabled || u.FailedLogins != 0 {
			t.Errorf("after enrolment: enabled %v, failures %d", u.TOTPEnabled, u.FailedLogins)
		}
		if len(f.audit.of(auth.EventMFAEnabled)) != 1 {
			t.Error("no auth.mfa_enabled event")
		}

		// The challenge is spent.
		_, err = f.svc.CompleteMFA(ctx, res.Challenge, code, f.meta())
		wantErr(t, err, auth.ErrInvalidToken)
		_, err = f.svc.CheckChallenge(ctx, res.Challenge)
		wantErr(t, err, auth.ErrInvalidToken)

		// The next login asks for a code, not an enrolment.
		res, err = f.login("sam@example.com", testPassword)
		if err != nil || !res.MFARequired || res.EnrollmentRequired {
			t.Fatalf("second login = %+v, %v", res, err)
		}
		// The same code again, in the same step: replay.
		_, err = f.svc.CompleteMFA(ctx, res.Challenge, code, f.meta())
		wantErr(t, err, auth.ErrOTPReplayed)
		// Enrolment cannot be restarted while TOTP is on.
		_, _, _, err = f.svc.BeginEnrollment(ctx, sam.ID)
		wantErr(t, err, auth.ErrMFAEnabled)

		// A fresh code works, once.
		f.clock.Advance(auth.TOTPPeriod * time.Second)
		fresh := f.code(sam.ID)
		if _, err := f.svc.CompleteMFA(ctx, res.Challenge, fresh, f.meta()); err != nil {
			t.Fatal(err)
		}

		// A recovery code works once, in any spelling.
		rc := mr.RecoveryCodes[3]
		res, _ = f.login("sam@example.com", testPassword)
		mr2, err := f.svc.CompleteMFA(ctx, res.Challenge, strings.ToUpper(strings.ReplaceAll(rc, "-", " ")), f.meta())
		if err != nil {
			t.Fatal(err)
		}
		if mr2.RecoveryCodes != nil || !f.principal(mr2.Tokens).Claims.MFA() {
			t.Errorf("recovery login: %+v", mr2)
		}
		if ev := f.audit.of(auth.EventRecoveryCodeUsed); len(ev) != 1 || !strings.Contains(ev[0].Details, "remaining=9") {
			t.Errorf("auth.recovery_code_used = %+v", ev)
		}
		res, _ = f.login("sam@example.com", testPassword)
		_, err = f.svc.CompleteMFA(ctx, res.Challenge, rc, f.meta())
		wantErr(t, err, auth.ErrInvalidOTP)

		var all []string
		all = append(all, secret, code, fresh, testPassword, "sam@example.com")
		all = append(all, mr.RecoveryCodes...)
		f.noSecretsInAudit(all...)
	})
}

func TestCustomerWithoutTOTPGetsTokensDirectly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, require2FA)
		f.customer("alice@example.com")
		res, err := f.login("alice@example.com", testPassword)
		if err != nil || res.MFARequired || res.Tokens == nil {
			t.Fatalf("customer login under REQUIRE_2FA_FOR_STAFF = %+v, %v", res, err)
		}
	})
}

// Guessing codes counts towards the lockout, together with wrong passwords:
// a correct password does not reset the count until the second factor is
// given, so an attacker holding the password cannot guess codes forever.
func TestMFAFailuresLockTheAccount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, require2FA)
		ctx := context.Background()
		ada := f.staff(users.RoleAdmin, "ada@example.com")
		f.session("ada@example.com") // enrols

		for range 3 {
			_, _ = f.login("ada@example.com", "Wrong-Password-1!")
		}
		res, err := f.login("ada@example.com", testPassword)
		if err != nil || !res.MFARequired {
			t.Fatalf("login = %+v, %v", res, err)
		}
		if got := f.user(ada.ID).FailedLogins; got != 3 {
			t.Fatalf("the password step reset the failure count to %d", got)
		}
		for i := range 2 {
			_, err := f.svc.CompleteMFA(ctx, res.Challenge, "000000", f.meta())
			wantErr(t, err, auth.ErrInvalidOTP)
			_ = i
		}
		if !f.user(ada.ID).Locked(f.clock.Now()) {
			t.Fatal("3 wrong passwords and 2 wrong codes did not lock the account")
		}
		if ev := f.audit.of(auth.EventLocked); len(ev) != 1 {
			t.Errorf("auth.locked events = %d", len(ev))
		}
		if ev := f.audit.of(auth.EventMFAFailed); len(ev) != 2 || !strings.Contains(ev[1].Details, "reason=wrong_totp") {
			t.Errorf("auth.mfa_failed = %+v", ev)
		}
		// The right code during the lock gets nowhere.
		f.clock.Advance(auth.TOTPPeriod * time.Second)
		_, err = f.svc.CompleteMFA(ctx, res.Challenge, f.code(ada.ID), f.meta())
		wantErr(t, err, auth.ErrInvalidOTP)
	})
}

func TestMFAIsRateLimitedPerIP(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, func(c *auth.ServiceConfig) { c.Require2FAForStaff = true; c.LockoutThreshold = 100 })
		ctx := context.Background()
		f.staff(users.RoleSupport, "sam@example.com")
		f.session("sam@example.com")
		res, _ := f.login("sam@example.com", testPassword)
		m := f.metaFrom("203.0.113.99")
		for i := range 5 {
			_, err := f.svc.CompleteMFA(ctx, res.Challenge, "000000", m)
			wantErr(t, err, auth.ErrInvalidOTP)
			_ = i
		}
		_, err := f.svc.CompleteMFA(ctx, res.Challenge, "000000", m)
		wantErr(t, err, auth.ErrRateLimited)
		if ev := f.audit.of(auth.EventRateLimited); len(ev) != 1 || ev[0].Target != "auth:mfa" {
			t.Errorf("ratelimit.exceeded = %+v", ev)
		}
	})
}

func TestChallengeDiesWithTheUsersGeneration(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, require2FA)
		ctx := context.Background()
		sam := f.staff(users.RoleSupport, "sam@example.com")
		res, _ := f.login("sam@example.com", testPassword)
		if err := f.store.BumpGeneration(ctx, sam.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.CheckChallenge(ctx, res.Challenge)
		wantErr(t, err, auth.ErrInvalidToken)
		// … and it expires on its own.
		res, _ = f.login("sam@example.com", testPassword)
		f.clock.Advance(auth.ChallengeTTL + time.Minute)
		_, err = f.svc.CheckChallenge(ctx, res.Challenge)
		wantErr(t, err, auth.ErrInvalidToken)
	})
}

// A customer enrols from /me; from then on every login asks for a code;
// disabling needs the password or a code and ends all sessions.
func TestEnrolFromMeAndDisable(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.customer("alice@example.com")
		pair := f.session("alice@example.com")
		p := f.principal(pair)

		_, err := f.svc.ConfirmEnrollment(ctx, p.UserID, "123456", f.meta())
		wantErr(t, err, auth.ErrEnrollmentNotStarted)
		secret, _, _, err := f.svc.BeginEnrollment(ctx, p.UserID)
		if err != nil {
			t.Fatal(err)
		}
		f.secrets[alice.ID] = secret
		_, err = f.svc.ConfirmEnrollment(ctx, p.UserID, "000000", f.meta())
		wantErr(t, err, auth.ErrInvalidOTP)
		codes, err := f.svc.ConfirmEnrollment(ctx, p.UserID, f.code(alice.ID), f.meta())
		if err != nil || len(codes) != auth.RecoveryCodeCount {
			t.Fatalf("ConfirmEnrollment = %d codes, %v", len(codes), err)
		}
		_, err = f.svc.ConfirmEnrollment(ctx, p.UserID, f.code(alice.ID), f.meta())
		wantErr(t, err, auth.ErrMFAEnabled)

		res, err := f.login("alice@example.com", testPassword)
		if err != nil || !res.MFARequired || res.EnrollmentRequired {
			t.Fatalf("login with TOTP on = %+v, %v", res, err)
		}

		// Disabling: a wrong password is refused and counted …
		err = f.svc.DisableMFA(ctx, p, pw("Wrong-Password-1!"), "", f.meta())
		if err != auth.ErrReauthFailed {
			t.Fatalf("wrong password: %v", err)
		}
		if f.user(alice.ID).FailedLogins != 1 {
			t.Error("wrong re-authentication was not counted")
		}
		// … a TOTP code does it, and every session ends.
		f.clock.Advance(auth.TOTPPeriod * time.Second)
		if err := f.svc.DisableMFA(ctx, p, nil, f.code(alice.ID), f.meta()); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Authenticate(ctx, pair.AccessToken)
		wantErr(t, err, auth.ErrInvalidToken)
		if u := f.user(alice.ID); u.TOTPEnabled || u.HasTOTPSecret {
			t.Errorf("after disable: %+v", u)
		}
		if len(f.audit.of(auth.EventMFADisabled)) != 1 {
			t.Error("no auth.mfa_disabled event")
		}
		res, err = f.login("alice@example.com", testPassword)
		if err != nil || res.MFARequired {
			t.Fatalf("login after disabling = %+v, %v", res, err)
		}
		err = f.svc.DisableMFA(ctx, f.principal(*res.Tokens), pw(testPassword), "", f.meta())
		if !errors.Is(err, auth.ErrMFANotEnabled) {
			t.Errorf("disable twice: %v", err)
		}
	})
}

// A staff token without a second factor (issued before
// REQUIRE_2FA_FOR_STAFF was switched on) is refused, and refreshing it
// mints nothing.
func TestStaffTokenWithoutMFARefusedUnderRequire2FA(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.staff(users.RoleSupport, "sam@example.com")
		pair := f.session("sam@example.com")
		if _, err := f.svc.Authenticate(context.Background(), pair.AccessToken); err != nil {
			t.Fatal(err)
		}

		strict := f.service(auth.ServiceConfig{Require2FAForStaff: true})
		_, err := strict.Authenticate(context.Background(), pair.AccessToken)
		wantErr(t, err, auth.ErrInvalidToken)
		_, err = strict.Refresh(context.Background(), pair.RefreshToken, f.meta())
		wantErr(t, err, auth.ErrInvalidToken)
	})
}

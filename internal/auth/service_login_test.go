package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/ratelimit"
	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

// Issue 3, "Done when": 100 wrong passwords from one IP cause at most 5
// bcrypt comparisons; the rest are refused before any work.
func TestLoginPerIPLimitStopsBcryptWork(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.customer("alice@example.com")
		ctx := context.Background()
		m := f.metaFrom("203.0.113.7")
		before := f.hasher.Comparisons()

		var invalid, limited int
		for i := range 100 {
			_, err := f.svc.Login(ctx, "alice@example.com", pw("Wrong-Password-1!"), m)
			var rl *auth.RateLimitedError
			switch {
			case err == auth.ErrInvalidCredentials:
				invalid++
			case errors.As(err, &rl):
				limited++
				if rl.RetryAfter <= 0 {
					t.Fatalf("attempt %d: RetryAfter = %v, want positive", i, rl.RetryAfter)
				}
				if !errors.Is(err, auth.ErrRateLimited) {
					t.Fatalf("attempt %d: %v does not match ErrRateLimited", i, err)
				}
			default:
				t.Fatalf("attempt %d: unexpected error %v", i, err)
			}
		}
		if got := f.hasher.Comparisons() - before; got != 5 {
			t.Errorf("bcrypt comparisons = %d, want exactly 5", got)
		}
		if invalid != 5 || limited != 95 {
			t.Errorf("invalid credentials %d, rate limited %d; want 5 and 95", invalid, limited)
		}
		// One audit event per window and IP, not 95.
		if got := f.audit.of(auth.EventRateLimited); len(got) != 1 || got[0].IP != "203.0.113.7" || got[0].Target != "auth:login" {
			t.Errorf("ratelimit.exceeded events = %+v, want one for the IP", got)
		}

		// Another address of the same IPv6 /64 shares one budget.
		for i := range 5 {
			if _, err := f.svc.Login(ctx, "nobody@example.com", pw("x"), f.metaFrom("2001:db8:1:2::"+string(rune('a'+i)))); err != auth.ErrInvalidCredentials {
				t.Fatalf("IPv6 attempt %d: %v", i, err)
			}
		}
		_, err := f.svc.Login(ctx, "nobody@example.com", pw("x"), f.metaFrom("2001:db8:1:2:ffff::1"))
		wantErr(t, err, auth.ErrRateLimited)

		// The window refills: a later attempt is allowed again.
		f.clock.Advance(15 * time.Minute)
		if _, err := f.svc.Login(ctx, "alice@example.com", pw("Wrong-Password-1!"), m); errors.Is(err, auth.ErrRateLimited) {
			t.Errorf("after the window: %v", err)
		}
	})
}

// Issue 3, "Done when": wrong passwords for one account from 20 IPs lock
// it after 5; the right password during the lock gets the very same answer
// as a wrong one; the lock ends by itself or by an admin.
func TestLoginLocksAccountAcrossIPs(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice := f.customer("alice@example.com")
		admin := f.principal(f.session(f.staff(users.RoleAdmin, "admin@example.com").Email))
		ctx := context.Background()

		var wrongErr error
		for i := range 20 {
			_, err := f.login("alice@example.com", "Wrong-Password-1!")
			if err != auth.ErrInvalidCredentials {
				t.Fatalf("attempt %d: %v", i, err)
			}
			wrongErr = err
		}
		if u := f.user(alice.ID); !u.Locked(f.clock.Now()) {
			t.Fatalf("not locked after 20 failures: %+v", u)
		}
		locked := f.audit.of(auth.EventLocked)
		if len(locked) != 1 || locked[0].Target != "user:"+alice.ID {
			t.Fatalf("auth.locked events = %+v, want exactly one for alice", locked)
		}
		failed := f.audit.of(auth.EventLoginFailed)
		if !strings.Contains(failed[4].Details, "wrong_password failures=5") || !strings.Contains(failed[5].Details, "reason=locked") {
			t.Errorf("failure reasons: 5th %q, 6th %q", failed[4].Details, failed[5].Details)
		}

		// The right password during the lock: identical error value, and
		// the same bcrypt cost as any attempt.
		before := f.hasher.Comparisons()
		_, err := f.login("alice@example.com", testPassword)
		if err != wrongErr || err.Error() != wrongErr.Error() {
			t.Fatalf("correct password while locked: %v, want exactly %v", err, wrongErr)
		}
		if got := f.hasher.Comparisons() - before; got != 1 {
			t.Errorf("comparisons while locked = %d, want 1 (timing must not reveal the lock)", got)
		}

		// After LOCKOUT_DURATION the account works again.
		f.clock.Advance(15*time.Minute + time.Second)
		if res, err := f.login("alice@example.com", testPassword); err != nil || res.Tokens == nil {
			t.Fatalf("after the lock expired: %+v, %v", res, err)
		}

		// Lock it again and let an admin unlock it.
		for range 5 {
			_, _ = f.login("alice@example.com", "Wrong-Password-1!")
		}
		if _, err := f.login("alice@example.com", testPassword); err != auth.ErrInvalidCredentials {
			t.Fatalf("relocked: %v", err)
		}
		if _, err := f.svc.UpdateUser(ctx, admin, alice.ID, auth.UserUpdate{Unlock: true}, f.meta()); err != nil {
			t.Fatal(err)
		}
		if res, err := f.login("alice@example.com", testPassword); err != nil || res.Tokens == nil {
			t.Fatalf("after unlock: %+v, %v", res, err)
		}
		if got := f.audit.of(auth.EventAdminUserUnlocked); len(got) != 1 || got[0].Actor != admin.UserID {
			t.Errorf("admin.user_unlocked events = %+v", got)
		}
		f.noSecretsInAudit(testPassword, "Wrong-Password-1!", "alice@example.com")
	})
}

// Guesses run in parallel must not outrun the lockout: a correct password
// whose comparison was already under way when other attempts locked the
// account does not log in.
func TestLoginLockedWhileComparingIsRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice := f.customer("alice@example.com")
		auth.SetBeforeHashWork(f.hasher, func() {
			for range 5 {
				if _, _, err := f.store.RecordLoginFailure(context.Background(), alice.ID, 5, 15*time.Minute); err != nil {
					t.Error(err)
				}
			}
		})
		_, err := f.login("alice@example.com", testPassword)
		auth.SetBeforeHashWork(f.hasher, nil)
		if err != auth.ErrInvalidCredentials {
			t.Fatalf("login locked during the comparison: %v", err)
		}
		if ev := f.audit.of(auth.EventLoginFailed); len(ev) != 1 || ev[0].Details != "reason=locked" {
			t.Errorf("auth.login_failed = %+v", ev)
		}
		if sessions, _ := f.store.ListSessions(context.Background(), alice.ID); len(sessions) != 0 {
			t.Errorf("%d sessions created", len(sessions))
		}
	})
}

func TestLoginCorrectPasswordResetsFailureCount(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice := f.customer("alice@example.com")
		for range 4 {
			_, _ = f.login("alice@example.com", "Wrong-Password-1!")
		}
		if _, err := f.login("alice@example.com", testPassword); err != nil {
			t.Fatal(err)
		}
		for range 4 {
			_, _ = f.login("alice@example.com", "Wrong-Password-1!")
		}
		if u := f.user(alice.ID); u.Locked(f.clock.Now()) || u.FailedLogins != 4 {
			t.Errorf("failures are consecutive: locked %v, count %d; want unlocked, 4", u.Locked(f.clock.Now()), u.FailedLogins)
		}
	})
}

// Issue 3: "Unknown users still cost one bcrypt comparison against a dummy
// hash"; the audit trail keeps nothing identifying.
func TestLoginUnknownEmailCostsOneComparison(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		before := f.hasher.Comparisons()
		_, err := f.login("ghost@example.com", testPassword)
		if err != auth.ErrInvalidCredentials {
			t.Fatalf("unknown email: %v", err)
		}
		if got := f.hasher.Comparisons() - before; got != 1 {
			t.Errorf("comparisons = %d, want 1", got)
		}
		ev := f.audit.of(auth.EventLoginFailed)
		if len(ev) != 1 || ev[0].Target != "" || ev[0].Actor != "" || !strings.Contains(ev[0].Details, "unknown_account") {
			t.Errorf("auth.login_failed = %+v", ev)
		}
		f.noSecretsInAudit("ghost", testPassword)
	})
}

func TestLoginRefusesDisabledAccountLikeWrongPassword(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice := f.customer("alice@example.com")
		if err := f.store.SetDisabled(context.Background(), alice.ID, true); err != nil {
			t.Fatal(err)
		}
		before := f.hasher.Comparisons()
		if _, err := f.login("alice@example.com", testPassword); err != auth.ErrInvalidCredentials {
			t.Fatalf("disabled: %v", err)
		}
		if got := f.hasher.Comparisons() - before; got != 1 {
			t.Errorf("comparisons = %d, want 1", got)
		}
		if ev := f.audit.of(auth.EventLoginFailed); len(ev) != 1 || !strings.Contains(ev[0].Details, "reason=disabled") {
			t.Errorf("auth.login_failed = %+v", ev)
		}
		if f.user(alice.ID).FailedLogins != 0 {
			t.Error("a refused disabled login counted as a password failure")
		}
	})
}

func TestLoginZeroesPassword(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.customer("alice@example.com")
		for name, email := range map[string]string{"known": "alice@example.com", "unknown": "ghost@example.com"} {
			p := pw(testPassword)
			_, _ = f.svc.Login(context.Background(), email, p, f.meta())
			for _, b := range p {
				if b != 0 {
					t.Fatalf("%s: password not zeroed", name)
				}
			}
		}
	})
}

func TestLoginSucceedsWithSession(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice := f.customer("alice@example.com")
		// The address is matched case-insensitively.
		res, err := f.login("  ALICE@Example.com ", testPassword)
		if err != nil || res.Tokens == nil || res.MFARequired {
			t.Fatalf("login: %+v, %v", res, err)
		}
		p := f.principal(*res.Tokens)
		if p.UserID != alice.ID || p.Role != auth.RoleCustomer || p.Claims.MFA() || p.Actor() != (auth.Actor{UserID: alice.ID, Role: auth.RoleCustomer}) {
			t.Errorf("principal = %+v", p)
		}
		if res.Tokens.RefreshExpiresAt != f.clock.Now().Add(7*24*time.Hour) || res.Tokens.AccessExpiresAt != f.clock.Now().Add(15*time.Minute) {
			t.Errorf("expiry: access %v, refresh %v", res.Tokens.AccessExpiresAt, res.Tokens.RefreshExpiresAt)
		}
		sessions, err := f.svc.ListSessions(context.Background(), p)
		if err != nil || len(sessions) != 1 || sessions[0].ID != res.Tokens.SessionID || sessions[0].UserAgent != "test-agent/1.0" {
			t.Errorf("sessions = %+v, %v", sessions, err)
		}
		if ev := f.audit.of(auth.EventLoginSucceeded); len(ev) != 1 || ev[0].Actor != alice.ID || ev[0].RequestID == "" {
			t.Errorf("auth.login_succeeded = %+v", ev)
		}
		f.noSecretsInAudit(res.Tokens.AccessToken, res.Tokens.RefreshToken, testPassword)
	})
}

// Issue 3, "Done when": a reused refresh token revokes the family; the
// legitimate holder's next refresh fails.
func TestRefreshRotatesAndDetectsReuse(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice := f.customer("alice@example.com")
		ctx := context.Background()
		first := f.session("alice@example.com")

		f.clock.Advance(time.Minute)
		second, err := f.svc.Refresh(ctx, first.RefreshToken, f.meta())
		if err != nil {
			t.Fatal(err)
		}
		if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken || second.SessionID != first.SessionID {
			t.Fatalf("rotation: %+v after %+v", second, first)
		}
		if second.RefreshExpiresAt != first.RefreshExpiresAt {
			t.Errorf("rotation moved the absolute expiry: %v, was %v", second.RefreshExpiresAt, first.RefreshExpiresAt)
		}
		if p := f.principal(second); p.UserID != alice.ID {
			t.Errorf("refreshed principal = %+v", p)
		}

		// The thief replays the first token: the family dies.
		_, err = f.svc.Refresh(ctx, first.RefreshToken, f.metaFrom("198.51.100.66"))
		wantErr(t, err, auth.ErrInvalidToken)
		reuse := f.audit.of(auth.EventRefreshReuse)
		if len(reuse) != 1 || reuse[0].Level != audit.LevelCritical || reuse[0].Actor != alice.ID || reuse[0].Target != "session:"+first.SessionID || reuse[0].IP != "198.51.100.66" {
			t.Fatalf("auth.refresh_reuse = %+v", reuse)
		}
		// … and so does the legitimate holder's current token.
		_, err = f.svc.Refresh(ctx, second.RefreshToken, f.meta())
		wantErr(t, err, auth.ErrInvalidToken)

		for name, tok := range map[string]string{"empty": "", "garbage": "not-a-token", "huge": strings.Repeat("a", 10_000), "access token": second.AccessToken} {
			if _, err := f.svc.Refresh(ctx, tok, f.meta()); !errors.Is(err, auth.ErrInvalidToken) {
				t.Errorf("%s: %v", name, err)
			}
		}
		f.noSecretsInAudit(first.RefreshToken, second.RefreshToken)
	})
}

func TestRefreshStopsAtAbsoluteExpiry(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.customer("alice@example.com")
		pair := f.session("alice@example.com")
		var err error
		for range 6 {
			f.clock.Advance(24 * time.Hour)
			if pair, err = f.svc.Refresh(context.Background(), pair.RefreshToken, f.meta()); err != nil {
				t.Fatal(err)
			}
		}
		f.clock.Advance(24 * time.Hour)
		_, err = f.svc.Refresh(context.Background(), pair.RefreshToken, f.meta())
		wantErr(t, err, auth.ErrInvalidToken)
	})
}

// Issue 3, "Done when": tokens refused after logout, a password change,
// disabling the user; also after a role change, log out everywhere and a
// 2FA reset; and a token of the wrong type.
func TestAuthenticateRefusesRevokedTokens(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		admin := f.principal(f.session(f.staff(users.RoleAdmin, "admin@example.com").Email))
		yes, support := true, auth.RoleSupport

		for _, tc := range []struct {
			name   string
			revoke func(u users.User, p auth.Principal, pair auth.TokenPair) error
		}{
			{"logout", func(_ users.User, p auth.Principal, pair auth.TokenPair) error {
				return f.svc.Logout(ctx, p, pair.RefreshToken, f.meta())
			}},
			{"password change", func(_ users.User, p auth.Principal, _ auth.TokenPair) error {
				return f.svc.ChangePassword(ctx, p, pw(testPassword), pw("Green-Teapot-77-Hums"), f.meta())
			}},
			{"disabled", func(u users.User, _ auth.Principal, _ auth.TokenPair) error {
				_, err := f.svc.UpdateUser(ctx, admin, u.ID, auth.UserUpdate{Disabled: &yes}, f.meta())
				return err
			}},
			{"role change", func(u users.User, _ auth.Principal, _ auth.TokenPair) error {
				_, err := f.svc.UpdateUser(ctx, admin, u.ID, auth.UserUpdate{Role: &support}, f.meta())
				return err
			}},
			{"log out everywhere", func(_ users.User, p auth.Principal, _ auth.TokenPair) error {
				return f.svc.LogoutEverywhere(ctx, p, f.meta())
			}},
			{"2fa reset", func(u users.User, _ auth.Principal, _ auth.TokenPair) error {
				_, err := f.svc.UpdateUser(ctx, admin, u.ID, auth.UserUpdate{Reset2FA: true}, f.meta())
				return err
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				email := strings.ReplaceAll(tc.name, " ", "-") + "@example.com"
				u := f.customer(email)
				pair := f.session(email)
				p := f.principal(pair)
				if err := tc.revoke(u, p, pair); err != nil {
					t.Fatal(err)
				}
				_, err := f.svc.Authenticate(ctx, pair.AccessToken)
				wantErr(t, err, auth.ErrInvalidToken)
				_, err = f.svc.Refresh(ctx, pair.RefreshToken, f.meta())
				wantErr(t, err, auth.ErrInvalidToken)
			})
		}

		t.Run("wrong token types", func(t *testing.T) {
			f.customer("types@example.com")
			pair := f.session("types@example.com")
			_, err := f.svc.Authenticate(ctx, pair.RefreshToken)
			wantErr(t, err, auth.ErrInvalidToken)
			_, err = f.svc.Authenticate(ctx, "")
			wantErr(t, err, auth.ErrInvalidToken)
			_, err = f.svc.CheckChallenge(ctx, pair.AccessToken)
			wantErr(t, err, auth.ErrInvalidToken)
			_, err = f.svc.CompleteMFA(ctx, pair.AccessToken, "123456", f.meta())
			wantErr(t, err, auth.ErrInvalidToken)
		})

		t.Run("expired", func(t *testing.T) {
			f.customer("expired@example.com")
			pair := f.session("expired@example.com")
			f.clock.Advance(16 * time.Minute)
			_, err := f.svc.Authenticate(ctx, pair.AccessToken)
			wantErr(t, err, auth.ErrInvalidToken)
		})
	})
}

func TestLogout(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.customer("alice@example.com")
		bob := f.customer("bob@example.com")
		a1, a2 := f.session("alice@example.com"), f.session("alice@example.com")
		b1 := f.session("bob@example.com")

		// Logging out ends this session only.
		if err := f.svc.Logout(ctx, f.principal(a1), a1.RefreshToken, f.meta()); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Refresh(ctx, a1.RefreshToken, f.meta()); !errors.Is(err, auth.ErrInvalidToken) {
			t.Errorf("refresh after logout: %v", err)
		}
		if _, err := f.svc.Authenticate(ctx, a2.AccessToken); err != nil {
			t.Errorf("the other session died too: %v", err)
		}
		if ev := f.audit.of(auth.EventLogout); len(ev) != 1 || ev[0].Actor != alice.ID || ev[0].Target != "session:"+a1.SessionID {
			t.Errorf("auth.logout = %+v", ev)
		}

		// Alice presenting Bob's refresh token: audited, and the token is dead.
		if err := f.svc.Logout(ctx, f.principal(a2), b1.RefreshToken, f.meta()); err != nil {
			t.Fatal(err)
		}
		if ev := f.audit.of(auth.EventLogoutForeignToken); len(ev) != 1 || ev[0].Actor != alice.ID || ev[0].Target != "session:"+b1.SessionID {
			t.Errorf("auth.logout_foreign_token = %+v", ev)
		}
		if _, err := f.svc.Authenticate(ctx, b1.AccessToken); err != nil {
			t.Errorf("bob's access token: %v", err)
		}
		_ = bob

		// An unknown or missing refresh token still ends the access token.
		c1 := f.session("bob@example.com")
		if err := f.svc.Logout(ctx, f.principal(c1), "", f.meta()); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Authenticate(ctx, c1.AccessToken)
		wantErr(t, err, auth.ErrInvalidToken)

		// Verification accepts a token up to MaxLeeway after it expires, so
		// its denylist entry lasts that long too: purging at the expiry
		// itself brought a logged-out token back for those seconds (found
		// by review).
		f.clock.Advance(c1.AccessExpiresAt.Sub(f.clock.Now()) + auth.MaxLeeway/2)
		if _, _, err := f.store.PurgeExpired(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Authenticate(ctx, c1.AccessToken)
		wantErr(t, err, auth.ErrInvalidToken)
	})
}

func TestRegister(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		t.Run("closed", func(t *testing.T) {
			f := newFixture(t, db, func(c *auth.ServiceConfig) { c.RegistrationOpen = false })
			p := pw(testPassword)
			_, err := f.svc.Register(ctx, auth.RegisterInput{Email: "x@example.com", Name: "X", Password: p}, f.meta())
			if err != auth.ErrRegistrationClosed {
				t.Fatalf("closed registration: %v", err)
			}
			if string(p) == testPassword {
				t.Error("password not zeroed")
			}
		})

		f := newFixture(t, db)
		u, err := f.svc.Register(ctx, auth.RegisterInput{Email: " Carol@Example.com ", Name: "Carol", Phone: "+44 20 7946 0000", Password: pw(testPassword)}, f.meta())
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != users.RoleCustomer || u.Email != "Carol@Example.com" || u.Name != "Carol" || u.Phone != "+44 20 7946 0000" {
			t.Errorf("registered %+v", u)
		}
		if ev := f.audit.of(auth.EventRegistered); len(ev) != 1 || ev[0].Actor != u.ID {
			t.Errorf("auth.registered = %+v", ev)
		}

		for name, tc := range map[string]struct {
			in   auth.RegisterInput
			want func(error) bool
		}{
			"weak password": {auth.RegisterInput{Email: "d@example.com", Name: "D", Password: pw("password")}, func(err error) bool {
				var pe *auth.PasswordError
				return errors.As(err, &pe) && pe.Has(auth.RuleMinLength)
			}},
			"password is the email": {auth.RegisterInput{Email: "Dee-Dee-1234!@example.com", Name: "D", Password: pw("Dee-Dee-1234!")}, func(err error) bool {
				var pe *auth.PasswordError
				return errors.As(err, &pe) && pe.Has(auth.RuleNotEmail)
			}},
			"bad email":  {auth.RegisterInput{Email: "no-at-sign", Name: "D", Password: pw(testPassword)}, fieldErr("email")},
			"no name":    {auth.RegisterInput{Email: "d@example.com", Password: pw(testPassword)}, fieldErr("name")},
			"bad phone":  {auth.RegisterInput{Email: "d@example.com", Name: "D", Phone: "call me", Password: pw(testPassword)}, fieldErr("phone")},
			"email case": {auth.RegisterInput{Email: "carol@EXAMPLE.com", Name: "C", Password: pw(testPassword)}, func(err error) bool { return errors.Is(err, auth.ErrEmailTaken) }},
		} {
			t.Run(name, func(t *testing.T) {
				if _, err := f.svc.Register(ctx, tc.in, f.meta()); !tc.want(err) {
					t.Errorf("err = %v", err)
				}
			})
		}

		// Probing addresses through registration spends the login budget
		// of the IP.
		m := f.metaFrom("192.0.2.9")
		for i := range 5 {
			if _, err := f.svc.Register(ctx, auth.RegisterInput{Email: "carol@example.com", Name: "C", Password: pw(testPassword)}, m); !errors.Is(err, auth.ErrEmailTaken) {
				t.Fatalf("probe %d: %v", i, err)
			}
		}
		_, err = f.svc.Register(ctx, auth.RegisterInput{Email: "carol@example.com", Name: "C", Password: pw(testPassword)}, m)
		wantErr(t, err, auth.ErrRateLimited)
		_, err = f.svc.Login(ctx, "carol@example.com", pw(testPassword), m)
		wantErr(t, err, auth.ErrRateLimited)
		f.noSecretsInAudit(testPassword, "carol", "Carol")
	})
}

func fieldErr(field string) func(error) bool {
	return func(err error) bool {
		var fe *auth.FieldError
		return errors.As(err, &fe) && fe.Field == field
	}
}

// A full bcrypt pool answers ErrBusy at once (the handler's 503), and the
// refused attempt does not count against the account.
func TestLoginBusyPool(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		alice := f.customer("alice@example.com")
		tiny, err := auth.NewHasherWith(auth.HasherConfig{Cost: 4, AllowLowCost: true, Workers: 1, Queue: 0})
		if err != nil {
			t.Fatal(err)
		}
		defer tiny.Close()
		svc, err := auth.NewService(auth.ServiceConfig{}, auth.ServiceDeps{
			Users: f.store, Hasher: tiny, Tokens: f.tokens, Limiter: ratelimit.NewMemory(f.clock.Now, 0), Audit: f.audit, Clock: f.clock.Now,
		})
		if err != nil {
			t.Fatal(err)
		}
		working, release := make(chan struct{}), make(chan struct{})
		auth.SetBeforeHashWork(tiny, func() {
			close(working)
			<-release
		})
		done := make(chan error, 1)
		go func() {
			_, err := svc.Login(context.Background(), "alice@example.com", pw("Wrong-Password-1!"), f.meta())
			done <- err
		}()
		<-working // the only worker is now busy
		_, err = svc.Login(context.Background(), "alice@example.com", pw("Wrong-Password-2!"), f.meta())
		wantErr(t, err, auth.ErrBusy)
		_, err = svc.Login(context.Background(), "ghost@example.com", pw("Wrong-Password-2!"), f.meta())
		wantErr(t, err, auth.ErrBusy)
		close(release)
		if err := <-done; err != auth.ErrInvalidCredentials {
			t.Errorf("the attempt that got the worker: %v", err)
		}
		if got := f.user(alice.ID).FailedLogins; got != 1 {
			t.Errorf("failed logins = %d, want 1 (busy refusals do not count)", got)
		}
	})
}

type brokenLimiter struct{}

func (brokenLimiter) Allow(context.Context, string, ratelimit.Limit) (ratelimit.Decision, error) {
	return ratelimit.Decision{}, errors.New("limiter store unreachable")
}

// A limiter that fails refuses the attempt: brute-force protection fails
// closed, with no bcrypt work.
func TestLoginFailsClosedWithoutLimiter(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		f.customer("alice@example.com")
		svc, err := auth.NewService(auth.ServiceConfig{RegistrationOpen: true}, auth.ServiceDeps{
			Users: f.store, Hasher: f.hasher, Tokens: f.tokens, Limiter: brokenLimiter{}, Audit: f.audit, Clock: f.clock.Now,
		})
		if err != nil {
			t.Fatal(err)
		}
		before := f.hasher.Comparisons()
		if _, err := svc.Login(context.Background(), "alice@example.com", pw(testPassword), f.meta()); err == nil || errors.Is(err, auth.ErrInvalidCredentials) {
			t.Errorf("login with a broken limiter: %v", err)
		}
		if _, err := svc.Register(context.Background(), auth.RegisterInput{Email: "b@example.com", Name: "B", Password: pw(testPassword)}, f.meta()); err == nil {
			t.Error("registration with a broken limiter succeeded")
		}
		if f.hasher.Comparisons() != before {
			t.Error("bcrypt work despite the limiter failing")
		}
	})
}

package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

func TestChangePassword(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.customer("alice@example.com")
		pair := f.session("alice@example.com")
		other := f.session("alice@example.com")
		p := f.principal(pair)
		const next = "Green-Teapot-77-Hums"

		// A wrong current password: refused, and counted like a failed login.
		cur, nxt := pw("Wrong-Password-1!"), pw(next)
		if err := f.svc.ChangePassword(ctx, p, cur, nxt, f.meta()); err != auth.ErrReauthFailed {
			t.Fatalf("wrong current password: %v", err)
		}
		if string(cur) == "Wrong-Password-1!" || string(nxt) == next {
			t.Error("passwords not zeroed")
		}
		if got := f.user(alice.ID).FailedLogins; got != 1 {
			t.Errorf("failed logins = %d, want 1", got)
		}
		if ev := f.audit.of(auth.EventReauthFailed); len(ev) != 1 || ev[0].Target != "user:"+alice.ID {
			t.Errorf("auth.reauth_failed = %+v", ev)
		}

		// Policy errors come back whole, before any bcrypt work.
		for name, tc := range map[string]struct {
			next string
			rule auth.PasswordRule
		}{
			"too short":       {"Ab1!", auth.RuleMinLength},
			"common":          {"Password123!", auth.RuleNotCommon},
			"the email":       {"alice@example.com", auth.RuleNotEmail},
			"same as current": {testPassword, auth.RuleNotCurrent},
		} {
			t.Run(name, func(t *testing.T) {
				before := f.hasher.Comparisons()
				err := f.svc.ChangePassword(ctx, p, pw(testPassword), pw(tc.next), f.meta())
				var pe *auth.PasswordError
				if !errors.As(err, &pe) || !pe.Has(tc.rule) {
					t.Fatalf("err = %v, want a violation of %s", err, tc.rule)
				}
				if f.hasher.Comparisons() != before {
					t.Error("a policy error cost a bcrypt comparison")
				}
			})
		}

		if err := f.svc.ChangePassword(ctx, p, pw(testPassword), pw(next), f.meta()); err != nil {
			t.Fatal(err)
		}
		// Every session ends, this one too.
		for _, tp := range []auth.TokenPair{pair, other} {
			_, err := f.svc.Authenticate(ctx, tp.AccessToken)
			wantErr(t, err, auth.ErrInvalidToken)
			_, err = f.svc.Refresh(ctx, tp.RefreshToken, f.meta())
			wantErr(t, err, auth.ErrInvalidToken)
		}
		if _, err := f.login("alice@example.com", testPassword); err != auth.ErrInvalidCredentials {
			t.Errorf("old password: %v", err)
		}
		if res, err := f.login("alice@example.com", next); err != nil || res.Tokens == nil {
			t.Errorf("new password: %+v, %v", res, err)
		}
		if u := f.user(alice.ID); u.FailedLogins != 0 {
			t.Errorf("failures after success = %d", u.FailedLogins)
		}
		if ev := f.audit.of(auth.EventPasswordChanged); len(ev) != 1 || ev[0].Actor != alice.ID {
			t.Errorf("auth.password_changed = %+v", ev)
		}
		f.noSecretsInAudit(testPassword, next, "Wrong-Password-1!")
	})
}

// Re-authentication failures lock the account like login failures, and
// are limited per user, so a stolen access token cannot be used to guess
// the password.
func TestReauthenticate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.customer("alice@example.com")
		p := f.principal(f.session("alice@example.com"))

		if err := f.svc.Reauthenticate(ctx, p, pw(testPassword), "", f.meta()); err != nil {
			t.Fatalf("right password: %v", err)
		}
		err := f.svc.Reauthenticate(ctx, p, nil, "", f.meta())
		wantErr(t, err, auth.ErrReauthFailed)
		// A code is no use without TOTP.
		if err := f.svc.Reauthenticate(ctx, p, nil, "123456", f.meta()); err != auth.ErrReauthFailed {
			t.Errorf("code without TOTP: %v", err)
		}
		for range 3 {
			if err := f.svc.Reauthenticate(ctx, p, pw("Wrong-Password-1!"), "", f.meta()); err != auth.ErrReauthFailed {
				t.Fatalf("wrong password: %v", err)
			}
		}
		// 4 failures so far, and 5 attempts spent: the per-user limit bites
		// even from fresh IPs.
		err = f.svc.Reauthenticate(ctx, p, pw(testPassword), "", f.meta())
		wantErr(t, err, auth.ErrRateLimited)
		f.clock.Advance(3 * time.Minute) // one attempt refills
		if err := f.svc.Reauthenticate(ctx, p, pw("Wrong-Password-1!"), "", f.meta()); err != auth.ErrReauthFailed {
			t.Fatal(err)
		}
		if !f.user(alice.ID).Locked(f.clock.Now()) {
			t.Error("5 wrong re-authentications did not lock the account")
		}
		if _, err := f.login("alice@example.com", testPassword); err != auth.ErrInvalidCredentials {
			t.Errorf("login while locked: %v", err)
		}
	})
}

func TestReauthenticateWithTOTPCodeSpendsIt(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, require2FA)
		ctx := context.Background()
		sam := f.staff(users.RoleSupport, "sam@example.com")
		p := f.principal(f.session("sam@example.com"))
		f.clock.Advance(auth.TOTPPeriod * time.Second)
		code := f.code(sam.ID)
		if err := f.svc.Reauthenticate(ctx, p, nil, code, f.meta()); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Reauthenticate(ctx, p, nil, code, f.meta()); err != auth.ErrReauthFailed {
			t.Errorf("replayed code: %v", err)
		}
		if ev := f.audit.of(auth.EventReauthFailed); len(ev) != 1 || ev[0].Details != "reason=replayed_totp failures=1" {
			t.Errorf("auth.reauth_failed = %+v", ev)
		}
	})
}

func TestChangeEmailAndProfile(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		alice := f.customer("alice@example.com")
		f.customer("bob@example.com")
		p := f.principal(f.session("alice@example.com"))

		if err := f.svc.ChangeEmail(ctx, p, "alice@new.example", pw("Wrong-Password-1!"), "", f.meta()); err != auth.ErrReauthFailed {
			t.Fatalf("wrong password: %v", err)
		}
		err := f.svc.ChangeEmail(ctx, p, "bob@example.com", pw(testPassword), "", f.meta())
		wantErr(t, err, auth.ErrEmailTaken)
		if err := f.svc.ChangeEmail(ctx, p, "not an address", pw(testPassword), "", f.meta()); !fieldErr("email")(err) {
			t.Errorf("bad address: %v", err)
		}
		if err := f.svc.ChangeEmail(ctx, p, "alice@new.example", pw(testPassword), "", f.meta()); err != nil {
			t.Fatal(err)
		}
		if res, err := f.login("alice@new.example", testPassword); err != nil || res.Tokens == nil {
			t.Errorf("login with the new address: %v", err)
		}

		name, phone := "Alice Liddell", ""
		if err := f.svc.UpdateProfile(ctx, p, auth.ProfileUpdate{Name: &name, Phone: &phone}, f.meta()); err != nil {
			t.Fatal(err)
		}
		if u := f.user(alice.ID); u.Name != name || u.Phone != "" {
			t.Errorf("profile = %q, %q", u.Name, u.Phone)
		}
		bad := "\x00"
		if err := f.svc.UpdateProfile(ctx, p, auth.ProfileUpdate{Name: &bad}, f.meta()); !fieldErr("name")(err) {
			t.Errorf("control character: %v", err)
		}
		if ev := f.audit.of(auth.EventProfileUpdated); len(ev) != 1 || ev[0].Details != "fields=name,phone" {
			t.Errorf("auth.profile_updated = %+v", ev)
		}
		f.noSecretsInAudit("alice@new.example", "Alice Liddell", testPassword)
	})
}

func TestSessionsListAndRevoke(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.customer("alice@example.com")
		f.customer("bob@example.com")
		a1 := f.session("alice@example.com")
		f.clock.Advance(time.Minute)
		a2 := f.session("alice@example.com")
		b1 := f.session("bob@example.com")
		alice := f.principal(a2)

		list, err := f.svc.ListSessions(ctx, alice)
		if err != nil || len(list) != 2 || list[0].ID != a2.SessionID || list[1].ID != a1.SessionID {
			t.Fatalf("sessions = %+v, %v", list, err)
		}

		// Bob's session is not Alice's to see or end: 404, audited.
		err = f.svc.RevokeSession(ctx, alice, b1.SessionID, f.meta())
		if !errors.Is(err, auth.ErrNotFound) || !errors.Is(err, users.ErrNotFound) {
			t.Fatalf("revoking another user's session: %v", err)
		}
		if ev := f.audit.of(auth.EventAccessDenied); len(ev) != 1 || ev[0].Actor != alice.UserID || ev[0].Target != "session:"+b1.SessionID {
			t.Errorf("access.denied = %+v", ev)
		}
		if _, err := f.svc.Refresh(ctx, b1.RefreshToken, f.meta()); err != nil {
			t.Errorf("bob's session was touched: %v", err)
		}
		err = f.svc.RevokeSession(ctx, alice, "no-such-session", f.meta())
		wantErr(t, err, auth.ErrNotFound)

		if err := f.svc.RevokeSession(ctx, alice, a1.SessionID, f.meta()); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Refresh(ctx, a1.RefreshToken, f.meta())
		wantErr(t, err, auth.ErrInvalidToken)
		if list, _ := f.svc.ListSessions(ctx, alice); len(list) != 1 {
			t.Errorf("sessions after revoking one = %d", len(list))
		}
	})
}

func TestMe(t *testing.T) {
	f := newFixture(t, storagetest.SQLite(t))
	ctx := context.Background()
	u := f.customer("me@example.com")
	p := f.principal(f.session("me@example.com"))
	got, err := f.svc.Me(ctx, p, f.meta())
	if err != nil || got.ID != u.ID || got.Email != "me@example.com" {
		t.Fatalf("Me = %+v, %v", got, err)
	}
	// A principal from before "log out everywhere" is refused.
	if err := f.svc.LogoutEverywhere(ctx, p, f.meta()); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.Me(ctx, p, f.meta())
	wantErr(t, err, auth.ErrInvalidToken)
}

// Sessions and access tokens name each other: the access token's sid is
// its session, which logout ends even without the refresh token.
func TestAccessTokensNameTheirSession(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		f.customer("sid@example.com")
		pair := f.session("sid@example.com")
		p := f.principal(pair)
		if p.Claims.SessionID != pair.SessionID || pair.SessionID == "" {
			t.Fatalf("sid = %q, session %q", p.Claims.SessionID, pair.SessionID)
		}
		next, err := f.svc.Refresh(ctx, pair.RefreshToken, f.meta())
		if err != nil {
			t.Fatal(err)
		}
		if f.principal(next).Claims.SessionID != pair.SessionID {
			t.Error("a refreshed token names another session")
		}
		if err := f.svc.Logout(ctx, f.principal(next), "", f.meta()); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Refresh(ctx, next.RefreshToken, f.meta())
		wantErr(t, err, auth.ErrInvalidToken)
		if ev := f.audit.of(auth.EventLogout); len(ev) != 1 || ev[0].Target != "session:"+pair.SessionID {
			t.Errorf("auth.logout = %+v", ev)
		}
	})
}

package server_test

import (
	"encoding/base64"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"supportbot/internal/http/cookie"
	"testing"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"supportbot/internal/auth"
	"supportbot/internal/users"
)

// My account of issue 5 through the real router: profile, password
// change, two-factor enrolment with a code computed from the secret the
// page shows, and the sessions with revoke.

var (
	sessionRow = regexp.MustCompile(`<tr data-session="([^"]+)"( class="current-session")?>`)
	shownQR    = regexp.MustCompile(`<img id="totp-qr" src="data:image/png;base64,([A-Za-z0-9+/=&#;]+)"`)
	shownKey   = regexp.MustCompile(`<code id="totp-secret" class="secret">([A-Z2-7=]+)</code>`)
	recoveryLi = regexp.MustCompile(`<li><code>([^<]+)</code></li>`)
)

// sessionIDs returns the sessions the account page lists, the current one
// first, and which is current.
func sessionIDs(t *testing.T, html string) (ids []string, current string) {
	t.Helper()
	for _, m := range sessionRow.FindAllStringSubmatch(html, -1) {
		ids = append(ids, m[1])
		if m[2] != "" {
			current = m[1]
		}
	}
	return ids, current
}

// wantSignedOut checks a response that ends the browser's session: 303 to
// the sign-in page with notice, and both cookies cleared.
func wantSignedOut(t *testing.T, res result, notice string) {
	t.Helper()
	if loc := res.seeOther(t); loc != "/login?notice="+notice {
		t.Errorf("Location %q, want /login?notice=%s", loc, notice)
	}
	for _, name := range []string{cookie.AccessName, cookie.RefreshName} {
		if c := res.cookie(name); c == nil || c.MaxAge >= 0 || c.Value != "" {
			t.Errorf("cookie %s not cleared: %+v", name, c)
		}
	}
}

func TestAccountPage(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	as := f.browser(alice)

	page := f.page(t, "/account", as).want(t, http.StatusOK).Body
	wantParts(t, page, `id="profile-form"`, `value="Name alice"`, "alice@example.com", `id="password-form"`,
		`id="twofa-enroll-form"`, `id="twofa-password"`, `id="twofa-enroll-submit"`, `<table id="sessions"`, `id="revoke-all"`,
		`<a href="/account" aria-current="page">`)
	wantNone(t, page, "Download my data", "Delete my account", "twofa-disable-form")
	if ids, cur := sessionIDs(t, page); len(ids) != 1 || cur != ids[0] {
		t.Errorf("sessions %v, current %q: want this one session, marked", ids, cur)
	}

	t.Run("the profile is saved", func(t *testing.T) {
		res := f.postForm("/account/profile", url.Values{"name": {"Alice Liddell"}, "phone": {"+31 20 555 0100"}}, as)
		res.wantSeeOther(t, "/account?notice=saved")
		page := f.page(t, "/account?notice=saved", as).want(t, http.StatusOK).Body
		wantParts(t, page, `value="Alice Liddell"`, `value="&#43;31 20 555 0100"`, `class="flash"`)
	})
	t.Run("a refused profile comes back with the reason and what was typed", func(t *testing.T) {
		res := f.postForm("/account/profile", url.Values{"name": {""}, "phone": {"+31 20"}}, as).want(t, http.StatusBadRequest)
		assertStrictHTML(t, res.Body)
		if !strings.Contains(res.Body, `role="alert" id="profile-error">Name is required.`) || !strings.Contains(res.Body, `value="&#43;31 20"`) {
			t.Errorf("no inline reason or the typed phone lost:\n%s", res.Body)
		}
	})
	t.Run("form rules", func(t *testing.T) {
		f.postForm("/account/profile", url.Values{"name": {"X"}}, as, withHeader("Sec-Fetch-Site", "cross-site")).want(t, http.StatusForbidden)
		f.call("POST", "/account/profile", map[string]string{"name": "X"}, as, withHeader("Sec-Fetch-Site", "same-origin")).want(t, http.StatusUnsupportedMediaType)
		f.call("POST", "/account/profile", "name=a&name=b", as, withHeader("Content-Type", "application/x-www-form-urlencoded"),
			withHeader("Sec-Fetch-Site", "same-origin")).want(t, http.StatusBadRequest)
	})
}

func TestAccountPasswordChange(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	as := f.browser(alice)
	change := func(current, next, confirm string) result {
		return f.postForm("/account/password", url.Values{"current_password": {current}, "new_password": {next}, "new_password_confirm": {confirm}}, as)
	}

	t.Run("a weak password shows every unmet rule", func(t *testing.T) {
		res := change(testPassword, "alice", "alice").want(t, http.StatusBadRequest)
		assertStrictHTML(t, res.Body)
		pe, ok := auth.CheckPassword("alice", alice.Email, alice.Name).(*auth.PasswordError)
		if !ok || len(pe.Messages()) < 2 {
			t.Fatalf("expected several broken rules, got %v", pe)
		}
		for _, msg := range pe.Messages() {
			if !strings.Contains(res.Body, "<li>"+msg+"</li>") {
				t.Errorf("rule %q not shown", msg)
			}
		}
		if !strings.Contains(res.Body, `role="alert" id="password-error"`) {
			t.Error("no alert")
		}
	})
	t.Run("the two new passwords must agree", func(t *testing.T) {
		res := change(testPassword, "Green-Teapot-17-Whistles", "Green-Teapot-17-Whistle").want(t, http.StatusBadRequest)
		if !strings.Contains(res.Body, "The new password and its confirmation are not the same.") {
			t.Error("no message")
		}
	})
	t.Run("a wrong current password is refused inline", func(t *testing.T) {
		res := change("Wrong-Password-99-x", "Green-Teapot-17-Whistles", "Green-Teapot-17-Whistles")
		if res.Status != http.StatusForbidden && res.Status != http.StatusUnauthorized {
			t.Fatalf("status %d", res.Status)
		}
		assertStrictHTML(t, res.Body)
		if !strings.Contains(res.Body, "The current password or code is incorrect.") || strings.Contains(res.Body, "Wrong-Password-99-x") {
			t.Error("no message, or the password came back")
		}
	})
	t.Run("a good change signs out everywhere", func(t *testing.T) {
		wantSignedOut(t, change(testPassword, "Green-Teapot-17-Whistles", "Green-Teapot-17-Whistles"), "password_changed")
		if loc := f.call("GET", "/account", nil, as).seeOther(t); !strings.HasPrefix(loc, "/login?next=") {
			t.Errorf("the old session still opens the account (Location %q)", loc)
		}
		f.postForm("/login", url.Values{"email": {alice.Email}, "password": {"Green-Teapot-17-Whistles"}}).want(t, http.StatusSeeOther)
	})
}

func TestAccountTwoFactor(t *testing.T) {
	// Each step re-authenticates; room for all of them under the per-user
	// limit (its own tests are the auth package's).
	f := newIdentityFixture(t, func(s *idSetup) { s.cfg.LoginMaxAttempts = 20 })
	alice := f.account(users.RoleCustomer, "alice@example.com")
	as := f.browser(alice)

	t.Run("enrolment needs the password", func(t *testing.T) {
		res := f.postForm("/account/2fa/enroll", url.Values{"password": {"Wrong-Password-99-x"}}, as)
		if res.Status != http.StatusForbidden && res.Status != http.StatusUnauthorized {
			t.Fatalf("status %d", res.Status)
		}
		assertStrictHTML(t, res.Body)
		if !strings.Contains(res.Body, `id="twofa-error"`) || strings.Contains(res.Body, "totp-secret") {
			t.Error("no inline reason, or a secret shown anyway")
		}
	})

	var secret string
	t.Run("the page shows the QR code and the secret", func(t *testing.T) {
		res := f.postForm("/account/2fa/enroll", url.Values{"password": {testPassword}}, as).want(t, http.StatusOK)
		assertStrictHTML(t, res.Body)
		qr := shownQR.FindStringSubmatch(res.Body)
		key := shownKey.FindStringSubmatch(res.Body)
		if qr == nil || key == nil || !strings.Contains(res.Body, `id="twofa-confirm-form"`) {
			t.Fatalf("no QR, secret or form:\n%s", res.Body)
		}
		png, err := base64.StdEncoding.DecodeString(html.UnescapeString(qr[1]))
		if err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
			t.Errorf("QR is not a PNG: %v", err)
		}
		secret = key[1]
	})
	codeAt := func(t *testing.T) string {
		t.Helper()
		c, err := totp.GenerateCodeCustom(secret, f.clock.Now(), totp.ValidateOpts{Period: auth.TOTPPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	t.Run("a wrong code is refused inline", func(t *testing.T) {
		wrong := "000000"
		if codeAt(t) == wrong {
			wrong = "111111"
		}
		res := f.postForm("/account/2fa/confirm", url.Values{"code": {wrong}}, as).want(t, http.StatusUnauthorized)
		assertStrictHTML(t, res.Body)
		if !strings.Contains(res.Body, "The code is not valid.") || !strings.Contains(res.Body, `id="twofa-code"`) {
			t.Error("no inline reason or no form")
		}
	})
	t.Run("the right code turns it on and shows the recovery codes once", func(t *testing.T) {
		f.nextStep()
		res := f.postForm("/account/2fa/confirm", url.Values{"code": {codeAt(t)}}, as).want(t, http.StatusOK)
		assertStrictHTML(t, res.Body)
		if !strings.Contains(res.Body, `<ol id="recovery-codes"`) {
			t.Fatalf("no recovery codes:\n%s", res.Body)
		}
		if n := len(recoveryLi.FindAllString(res.Body, -1)); n != auth.RecoveryCodeCount {
			t.Errorf("%d recovery codes, want %d", n, auth.RecoveryCodeCount)
		}
		page := f.page(t, "/account", as).want(t, http.StatusOK).Body
		if !strings.Contains(page, `id="twofa-disable-form"`) || strings.Contains(page, "recovery-codes") {
			t.Error("account page does not show two-factor as on, or shows the codes again")
		}
		// Signing in now asks for a code.
		res = f.postForm("/login", url.Values{"email": {alice.Email}, "password": {testPassword}}).want(t, http.StatusOK)
		if !strings.Contains(res.Body, `id="mfa-form"`) {
			t.Error("sign-in does not ask for the second factor")
		}
	})
	t.Run("turning it off needs the password and a code, and signs out", func(t *testing.T) {
		f.nextStep()
		res := f.postForm("/account/2fa/disable", url.Values{"password": {testPassword}, "code": {"123"}}, as)
		if res.Status != http.StatusForbidden && res.Status != http.StatusUnauthorized {
			t.Fatalf("a bad code: status %d", res.Status)
		}
		if !strings.Contains(res.Body, `id="twofa-error"`) {
			t.Error("no inline reason")
		}
		f.nextStep()
		res = f.postForm("/account/2fa/disable", url.Values{"password": {"Wrong-Password-99-x"}, "code": {codeAt(t)}}, as)
		if res.Status != http.StatusForbidden && res.Status != http.StatusUnauthorized {
			t.Fatalf("a wrong password: status %d", res.Status)
		}
		f.nextStep()
		wantSignedOut(t, f.postForm("/account/2fa/disable", url.Values{"password": {testPassword}, "code": {codeAt(t)}}, as), "2fa_off")
		f.postForm("/login", url.Values{"email": {alice.Email}, "password": {testPassword}}).want(t, http.StatusSeeOther)
	})
}

func TestAccountSessions(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	bob := f.account(users.RoleCustomer, "bob@example.com")
	here, there := f.browser(alice), f.browser(alice)
	asBob := f.browser(bob)
	_, bobSession := sessionIDs(t, f.page(t, "/account", asBob).want(t, http.StatusOK).Body)

	ids, current := sessionIDs(t, f.page(t, "/account", here).want(t, http.StatusOK).Body)
	if len(ids) != 2 || current == "" || ids[0] != current {
		t.Fatalf("sessions %v, current %q: want two, this one first", ids, current)
	}
	other := ids[1]

	t.Run("another session is revoked", func(t *testing.T) {
		res := f.call("POST", "/account/sessions/"+other+"/revoke", nil, here, withHeader("Sec-Fetch-Site", "same-origin"))
		res.wantSeeOther(t, "/account?notice=session_revoked")
		if res.cookie(cookie.AccessName) != nil {
			t.Error("revoking another session touched this browser's cookies")
		}
		if ids, _ := sessionIDs(t, f.page(t, "/account", here).want(t, http.StatusOK).Body); len(ids) != 1 || ids[0] != current {
			t.Errorf("sessions after revoke = %v", ids)
		}
		// Its refresh token no longer works.
		f.call("POST", "/session/refresh", nil, there, withHeader("Sec-Fetch-Site", "same-origin")).want(t, http.StatusUnauthorized)
	})
	t.Run("someone else's session is not found", func(t *testing.T) {
		for _, id := range []string{bobSession, other, "no-such-session"} {
			res := f.call("POST", "/account/sessions/"+id+"/revoke", nil, here, withHeader("Sec-Fetch-Site", "same-origin")).want(t, http.StatusNotFound)
			assertStrictHTML(t, res.Body)
		}
		if ids, _ := sessionIDs(t, f.page(t, "/account", asBob).want(t, http.StatusOK).Body); len(ids) != 1 {
			t.Error("bob's session was revoked")
		}
	})
	t.Run("a cross-site revoke is refused", func(t *testing.T) {
		f.call("POST", "/account/sessions/"+current+"/revoke", nil, here, withHeader("Sec-Fetch-Site", "cross-site")).want(t, http.StatusForbidden)
		f.call("POST", "/account/sessions/revoke-all", nil, here, withHeader("Sec-Fetch-Site", "cross-site")).want(t, http.StatusForbidden)
	})
	t.Run("revoking this session signs this browser out", func(t *testing.T) {
		wantSignedOut(t, f.call("POST", "/account/sessions/"+current+"/revoke", nil, here, withHeader("Sec-Fetch-Site", "same-origin")), "signed_out")
	})
	t.Run("sign out everywhere ends every session at once", func(t *testing.T) {
		one, two := f.browser(alice), f.browser(alice)
		wantSignedOut(t, f.call("POST", "/account/sessions/revoke-all", nil, one, withHeader("Sec-Fetch-Site", "same-origin")), "sessions_revoked")
		for _, as := range []reqOpt{one, two} {
			if loc := f.call("GET", "/account", nil, as).seeOther(t); !strings.HasPrefix(loc, "/login?next=") {
				t.Errorf("a session survived: Location %q", loc)
			}
		}
	})
}

package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"supportbot/internal/http/cookie"
	"testing"

	"supportbot/internal/auth"
	"supportbot/internal/users"
)

// Sign-in pages of issue 5: real form posts through the real router, the
// session in the HttpOnly cookies of issue 3.

var hiddenChallenge = regexp.MustCompile(`name="challenge" value="([^"]+)"`)

func TestLoginPage(t *testing.T) {
	f := newIdentityFixture(t, nil)
	page := f.call("GET", "/login?next=/orders", nil).want(t, 200)
	assertStrictHTML(t, page.Body)
	wantParts(t, page.Body, `id="login-form"`, `action="/login"`, `name="next" value="/orders"`, `href="/register"`)
	// An unsafe next never reaches the page, so it cannot be posted back.
	for _, next := range []string{"//evil.example/", "/\\evil.example", "https://evil.example/", "/login", "javascript:alert(1)"} {
		b := f.call("GET", "/login?next="+url.QueryEscape(next), nil).want(t, 200).Body
		if !strings.Contains(b, `name="next" value=""`) {
			t.Errorf("next %q kept on the page", next)
		}
	}
}

func TestLoginFormSignsInWithCookies(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	agent := f.account(users.RoleSupport, "agent@example.com")

	t.Run("a customer lands in the chat, tokens only in cookies", func(t *testing.T) {
		res := f.postForm("/login", url.Values{"email": {alice.Email}, "password": {testPassword}})
		res.wantSeeOther(t, "/chat")
		cs := sessionCookies(t, res)
		if strings.Contains(res.Body, cs[0].Value) || strings.Contains(res.Header.Get("Location"), cs[0].Value) {
			t.Error("the access token appears outside its cookie")
		}
		// The cookie alone signs the browser in.
		f.call("GET", "/account", nil, withCookies(cs...)).want(t, 200)
	})
	t.Run("a safe next is followed", func(t *testing.T) {
		f.postForm("/login", url.Values{"email": {agent.Email}, "password": {testPassword}, "next": {"/account?tab=2fa"}}).wantSeeOther(t, "/account?tab=2fa")
	})
	t.Run("an open redirect is not", func(t *testing.T) {
		for _, next := range []string{"//evil.example/x", "/\\evil.example", "https://evil.example", "/\r\nSet-Cookie:x", "/ x"} {
			t.Run(next, func(t *testing.T) { // to the role's home
				f.postForm("/login", url.Values{"email": {agent.Email}, "password": {testPassword}, "next": {next}}).wantSeeOther(t, "/staff")
			})
		}
	})
	t.Run("a wrong password shows one message and no session", func(t *testing.T) {
		for _, email := range []string{alice.Email, "nobody@example.com"} {
			res := f.postForm("/login", url.Values{"email": {email}, "password": {"Wrong-Password-1"}}).want(t, http.StatusUnauthorized)
			assertStrictHTML(t, res.Body)
			if !strings.Contains(res.Body, "The email address or password is incorrect.") || !strings.Contains(res.Body, `value="`+email+`"`) {
				t.Errorf("no message or email lost:\n%s", res.Body)
			}
			if strings.Contains(res.Body, "Wrong-Password-1") || res.cookie(cookie.AccessName) != nil {
				t.Error("the password came back, or a session was set")
			}
			if res.Header.Get("WWW-Authenticate") != "" {
				t.Error("a page answered with an API challenge")
			}
		}
	})
	t.Run("cross-origin and non-form posts are refused", func(t *testing.T) {
		vals := url.Values{"email": {alice.Email}, "password": {testPassword}}
		f.postForm("/login", vals, withHeader("Sec-Fetch-Site", "cross-site")).want(t, http.StatusForbidden)
		f.call("POST", "/login", map[string]string{"email": alice.Email, "password": testPassword}, withHeader("Sec-Fetch-Site", "same-origin")).want(t, http.StatusUnsupportedMediaType)
		f.call("POST", "/login", "email=a&email=b&password=x", withHeader("Content-Type", "application/x-www-form-urlencoded"),
			withHeader("Sec-Fetch-Site", "same-origin")).want(t, http.StatusBadRequest)
	})
}

func TestLoginWithTOTP(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "carol@example.com")
	f.enableTOTP(u)
	res := f.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {"/orders"}}).want(t, 200)
	assertStrictHTML(t, res.Body)
	if res.cookie(cookie.AccessName) != nil {
		t.Fatal("a session before the second factor")
	}
	m := hiddenChallenge.FindStringSubmatch(res.Body)
	if m == nil || !strings.Contains(res.Body, `id="mfa-form"`) {
		t.Fatalf("no code form:\n%s", res.Body)
	}
	bad := f.postForm("/login/mfa", url.Values{"challenge": {m[1]}, "code": {"000000"}}).want(t, http.StatusUnauthorized)
	if !strings.Contains(bad.Body, "The code is not valid.") || !strings.Contains(bad.Body, `id="mfa-form"`) {
		t.Errorf("a wrong code does not show the form again with the reason:\n%s", bad.Body)
	}
	f.nextStep()
	ok := f.postForm("/login/mfa", url.Values{"challenge": {m[1]}, "code": {f.code(u.ID)}, "next": {"/orders"}})
	ok.wantSeeOther(t, "/orders")
	sessionCookies(t, ok)
}

func TestStaffEnrolAtLoginAndSeeRecoveryCodesOnce(t *testing.T) {
	f := newIdentityFixture(t, func(s *idSetup) { s.cfg.Require2FAForStaff = true })
	agent := f.account(users.RoleSupport, "agent@example.com")
	res := f.postForm("/login", url.Values{"email": {agent.Email}, "password": {testPassword}}).want(t, 200)
	assertStrictHTML(t, res.Body)
	secret := regexp.MustCompile(`id="totp-secret"[^>]*>([A-Z2-7]+)<`).FindStringSubmatch(res.Body)
	if secret == nil || !strings.Contains(res.Body, `<img id="totp-qr" src="data:image/png;base64,iVBOR`) {
		t.Fatalf("no secret or QR image:\n%s", res.Body)
	}
	m := hiddenChallenge.FindStringSubmatch(res.Body)
	f.totp[agent.ID] = secret[1]
	f.nextStep()
	done := f.postForm("/login/mfa", url.Values{"challenge": {m[1]}, "code": {f.code(agent.ID)}}).want(t, 200)
	assertStrictHTML(t, done.Body)
	codes := regexp.MustCompile(`<li><code>([^<]+)</code></li>`).FindAllStringSubmatch(done.Body, -1)
	if len(codes) != auth.RecoveryCodeCount || !strings.Contains(done.Body, `id="continue" href="/staff"`) {
		t.Fatalf("recovery codes page: %d codes\n%s", len(codes), done.Body)
	}
	cs := sessionCookies(t, done)
	// The codes are shown once: nowhere else on the site.
	acct := f.call("GET", "/account", nil, withCookies(cs...)).want(t, 200)
	if strings.Contains(acct.Body, codes[0][1]) {
		t.Error("a recovery code is shown again")
	}
}

func TestRegisterForm(t *testing.T) {
	f := newIdentityFixture(t, nil)
	page := f.call("GET", "/register", nil).want(t, 200)
	assertStrictHTML(t, page.Body)
	vals := url.Values{"name": {"Dana"}, "email": {"dana@example.com"}, "password": {testPassword}, "password_confirm": {testPassword}}

	mismatch := url.Values{"name": {"Dana"}, "email": {"dana@example.com"}, "password": {testPassword}, "password_confirm": {"other"}}
	res := f.postForm("/register", mismatch).want(t, http.StatusBadRequest)
	if !strings.Contains(res.Body, "The two passwords do not match.") || !strings.Contains(res.Body, `value="dana@example.com"`) {
		t.Errorf("mismatch:\n%s", res.Body)
	}
	weak := url.Values{"name": {"Dana"}, "email": {"dana@example.com"}, "password": {"short"}, "password_confirm": {"short"}}
	res = f.postForm("/register", weak).want(t, http.StatusBadRequest)
	if strings.Count(res.Body, "<li>") < 2 || strings.Contains(res.Body, `value="short"`) {
		t.Errorf("a weak password does not list its rules, or comes back:\n%s", res.Body)
	}
	if _, err := f.store.GetByEmail(t.Context(), "dana@example.com"); err == nil {
		t.Fatal("a refused registration created the account")
	}
	// A role field is not part of the form: the schema refuses it.
	withRole := url.Values{"role": {"admin"}}
	for k, v := range vals {
		withRole[k] = v
	}
	f.postForm("/register", withRole).want(t, http.StatusBadRequest)

	f.postForm("/register", vals).wantSeeOther(t, "/login?notice=registered")
	u, err := f.store.GetByEmail(t.Context(), "dana@example.com")
	if err != nil || u.Role != users.RoleCustomer {
		t.Fatalf("account %+v, %v", u, err)
	}
	if b := f.call("GET", "/login?notice=registered", nil).want(t, 200).Body; !strings.Contains(b, "Your account is ready.") {
		t.Error("no confirmation after registering")
	}
	if b := f.call("GET", "/login?notice=%3Cscript%3E", nil).want(t, 200).Body; strings.Contains(b, "<script>") || strings.Contains(b, `class="flash"`) {
		t.Error("an unknown notice put text on the page")
	}
}

func TestLogoutEndsTheSession(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "erin@example.com")
	cs := sessionCookies(t, f.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}}).want(t, http.StatusSeeOther))
	res := f.call("POST", "/logout", nil, withCookies(cs...), withHeader("Sec-Fetch-Site", "same-origin"))
	res.wantSeeOther(t, "/login?notice=signed_out")
	if c := res.cookie(cookie.AccessName); c == nil || c.MaxAge >= 0 {
		t.Errorf("access cookie not cleared: %+v", c)
	}
	// Both tokens are dead, whatever the browser still holds.
	if loc := f.call("GET", "/account", nil, withCookies(cs...)).want(t, http.StatusSeeOther).Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Errorf("after logout the old cookie still opens pages: %q", loc)
	}
	f.call("POST", "/session/refresh", nil, withCookies(cs[1]), withHeader("Sec-Fetch-Site", "same-origin")).want(t, http.StatusUnauthorized)
	// A cross-site logout (a link on another site) is refused.
	cs = sessionCookies(t, f.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}}).want(t, http.StatusSeeOther))
	f.call("POST", "/logout", nil, withCookies(cs...), withHeader("Sec-Fetch-Site", "cross-site")).want(t, http.StatusForbidden)
	f.call("GET", "/account", nil, withCookies(cs...)).want(t, 200)
}

func TestSessionRefreshKeepsTokensFromScripts(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "finn@example.com")
	cs := sessionCookies(t, f.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}}).want(t, http.StatusSeeOther))
	res := f.call("POST", "/session/refresh", nil, withCookies(cs[1]), withHeader("Sec-Fetch-Site", "same-origin")).want(t, 200)
	var body map[string]any
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil || len(body) != 1 || body["expires_at"] == nil {
		t.Fatalf("body %s: want only expires_at", res.Body)
	}
	fresh := sessionCookies(t, res)
	if strings.Contains(res.Body, fresh[0].Value) || strings.Contains(res.Body, fresh[1].Value) {
		t.Error("a token in the body")
	}
	// The old refresh token was rotated: presenting it again is reuse, which
	// ends the session.
	f.call("POST", "/session/refresh", nil, withCookies(cs[1]), withHeader("Sec-Fetch-Site", "same-origin")).want(t, http.StatusUnauthorized)
	f.call("POST", "/session/refresh", nil, withCookies(fresh[1]), withHeader("Sec-Fetch-Site", "same-origin")).want(t, http.StatusUnauthorized)
	// Cross-site, nothing happens.
	f.call("POST", "/session/refresh", nil, withCookies(fresh[1]), withHeader("Sec-Fetch-Site", "cross-site")).want(t, http.StatusForbidden)
}

func TestResumeContinuesOrEndsTheSession(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "gail@example.com")
	cs := sessionCookies(t, f.postForm("/login", url.Values{"email": {u.Email}, "password": {testPassword}}).want(t, http.StatusSeeOther))
	page := f.call("GET", "/login?next=/orders", nil, withCookies(cs[1])).want(t, 200)
	if !strings.Contains(page.Body, `id="resume-form"`) {
		t.Fatal("a browser holding a refresh cookie is not offered to continue")
	}
	if !strings.Contains(page.Body, `data-auto-submit`) {
		t.Error("login.js is not asked to continue the session")
	}
	// Back from continuing, still signed out: the button only, no loop.
	again := f.call("GET", "/login?continued=1&next=/orders", nil, withCookies(cs[1])).want(t, 200)
	if !strings.Contains(again.Body, `id="resume-form"`) || strings.Contains(again.Body, `data-auto-submit`) {
		t.Error("after one try the page continues again by itself")
	}
	res := f.postForm("/login/resume", url.Values{"next": {"/orders"}}, withCookies(cs[1]))
	res.wantSeeOther(t, "/orders")
	sessionCookies(t, res)
	// The spent token: the sign-in form again, cookies cleared.
	dead := f.postForm("/login/resume", url.Values{"next": {"/orders"}}, withCookies(cs[1])).want(t, http.StatusUnauthorized)
	if !strings.Contains(dead.Body, `id="login-form"`) {
		t.Error("no sign-in form after a dead session")
	}
	if c := dead.cookie(cookie.RefreshName); c == nil || c.MaxAge >= 0 {
		t.Errorf("refresh cookie not cleared: %+v", c)
	}
}

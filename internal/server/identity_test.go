package server_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/users"
)

// Issue 3, "Done when": 100 wrong passwords from one IP cost at most 5
// bcrypt comparisons; the rest are 429 with Retry-After.
func TestLoginFloodFromOneIPCostsAtMostFiveComparisons(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "flood@example.com")
	before := f.hasher.Comparisons()
	var unauthorized, limited int
	for i := range 100 {
		res := f.call("POST", "/api/v1/auth/login", loginBody(u.Email, "Wrong-Password-"+string(rune('a'+i%26))), fromIP("203.0.113.9"))
		switch res.Status {
		case http.StatusUnauthorized:
			unauthorized++
			if code := res.errorCode(t); code != "invalid_credentials" {
				t.Fatalf("401 code = %q", code)
			}
		case http.StatusTooManyRequests:
			limited++
			if res.Header.Get("Retry-After") == "" {
				t.Fatalf("429 without Retry-After: %v", res.Header)
			}
			if code := res.errorCode(t); code != "rate_limited" {
				t.Fatalf("429 code = %q", code)
			}
		default:
			t.Fatalf("attempt %d: status %d, body %s", i, res.Status, res.Body)
		}
	}
	if n := f.hasher.Comparisons() - before; n > 5 {
		t.Errorf("%d bcrypt comparisons for 100 attempts from one IP, want at most 5", n)
	}
	if unauthorized != 5 || limited != 95 {
		t.Errorf("401s = %d, 429s = %d; want 5 and 95", unauthorized, limited)
	}
	// Even the right password waits: the limit is per IP, not per guess.
	if res := f.call("POST", "/api/v1/auth/login", loginBody(u.Email, testPassword), fromIP("203.0.113.9")); res.Status != 429 {
		t.Errorf("right password from the flooding IP: status %d, want 429", res.Status)
	}
	// Another IP is not affected (and the flood did lock the account, since
	// the five wrong passwords counted; see the lockout test).
	if len(f.events(auth.EventRateLimited)) != 1 {
		t.Errorf("ratelimit.exceeded audited %d times, want once per window", len(f.events(auth.EventRateLimited)))
	}
}

// Issue 3, "Done when": wrong passwords for one account spread over 20 IPs
// (each from the trusted proxy, X-Forwarded-For) lock it after 5; a correct
// password during the lock does not log in; an unauthenticated caller
// cannot tell the lock from a wrong password, nor from an unknown account.
func TestLockoutAcrossTwentyIPs(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "target@example.com")
	var wrongBody string
	for i := range 20 {
		client := "192.0.2." + itoa(10+i)
		res := f.call("POST", "/api/v1/auth/login", loginBody(u.Email, "Not-The-Password-1!"), viaProxy(client)).want(t, 401)
		body := stripID(t, res.Body)
		if wrongBody == "" {
			wrongBody = body
		} else if body != wrongBody {
			t.Fatalf("attempt %d answered %s, the first %s", i, body, wrongBody)
		}
	}
	if got := f.events(auth.EventLocked); len(got) != 1 {
		t.Fatalf("auth.locked events = %v, want exactly one", got)
	}
	// The attempts were attributed to the forwarded clients, not the proxy.
	for _, e := range f.audit.Events() {
		if e.Type == auth.EventLoginFailed && !strings.HasPrefix(e.IP, "192.0.2.") {
			t.Fatalf("login failure audited from %q, want the forwarded client", e.IP)
		}
	}
	if !f.user(u.ID).Locked(f.clock.Now()) {
		t.Fatal("account not locked after 20 failures")
	}
	failures := 0
	for _, e := range f.audit.Events() {
		if e.Type == auth.EventLocked {
			break
		}
		if e.Type == auth.EventLoginFailed {
			failures++
		}
	}
	if failures != auth.DefaultLockoutThreshold {
		t.Errorf("locked after %d failures, want %d", failures, auth.DefaultLockoutThreshold)
	}

	// The right password during the lock, from a fresh IP: the very same
	// answer as a wrong password, headers included.
	right := f.call("POST", "/api/v1/auth/login", loginBody(u.Email, testPassword), viaProxy("198.51.100.77")).want(t, 401)
	if got := stripID(t, right.Body); got != wrongBody {
		t.Errorf("locked account answered %s, a wrong password %s", got, wrongBody)
	}
	unknown := f.call("POST", "/api/v1/auth/login", loginBody("nobody@example.com", testPassword), viaProxy("198.51.100.78")).want(t, 401)
	if got := stripID(t, unknown.Body); got != wrongBody {
		t.Errorf("unknown account answered %s, a wrong password %s", got, wrongBody)
	}
	for _, h := range []string{"WWW-Authenticate", "Content-Type", "Cache-Control", "Retry-After"} {
		if right.Header.Get(h) != unknown.Header.Get(h) {
			t.Errorf("%s differs: locked %q, unknown %q", h, right.Header.Get(h), unknown.Header.Get(h))
		}
	}
	if strings.Contains(strings.ToLower(right.Body), "lock") {
		t.Errorf("the body says locked: %s", right.Body)
	}
	if len(right.cookies()) != 0 {
		t.Error("a refused login set cookies")
	}

	// After LOCKOUT_DURATION the right password works again.
	f.clock.Advance(auth.DefaultLockoutDuration + time.Second)
	f.login(u)
}

// Issue 3, "Done when": tokens refused with 401 on /api/v1/me.
func TestRefusedAccessTokens(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "tokens@example.com")
	admin := f.account(users.RoleAdmin, "admin@example.com")
	session, _ := f.login(u)
	good := session.AccessToken
	if st := f.me(good); st != 200 {
		t.Fatalf("the genuine token: status %d", st)
	}
	header, payload, sig := splitJWT(t, good)

	// Tokens from Tokens that share our key but not our settings.
	other := func(change func(*auth.TokensConfig)) *auth.Tokens {
		cfg := auth.TokensConfig{Current: bytes.Clone(f.secret), Issuer: "supportbot", Audience: "supportbot-api", Clock: f.clock.Now}
		change(&cfg)
		tk, err := auth.NewTokens(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	issue := func(tk *auth.Tokens, challenge bool) string {
		c := auth.Claims{Subject: u.ID, Role: auth.RoleCustomer, Generation: u.TokenGeneration, AMR: []string{auth.AMRPassword}}
		var s string
		var err error
		if challenge {
			s, _, err = tk.IssueChallenge(c)
		} else {
			s, _, err = tk.IssueAccess(c)
		}
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	now := f.clock.Now()
	otherKey := bytes.Repeat([]byte{0x5a}, 64)

	// A control: the forging machinery reproduces a token the server
	// accepts when nothing is changed, so each refusal below is about the
	// one thing changed.
	if st := f.me(issue(other(func(*auth.TokensConfig) {}), false)); st != 200 {
		t.Fatalf("control token from the same key and settings: status %d", st)
	}

	cases := []struct {
		name  string
		token string
	}{
		{"alg none", joinJWT(jsonPart(t, map[string]any{"alg": "none", "typ": "JWT", "kid": kidOf(t, header)}), payload, "")},
		{"alg none without a signature", jsonPart(t, map[string]any{"alg": "none", "typ": "JWT"}) + "." + payload},
		{"HS256 signed with another key, our kid", signHS256(t, otherKey, header, payload)},
		{"HS256 from another secret (its own kid)", issue(other(func(c *auth.TokensConfig) { c.Current = otherKey }), false)},
		{"RS256 header", joinJWT(jsonPart(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": kidOf(t, header)}), payload, sig)},
		{"ES256 header", joinJWT(jsonPart(t, map[string]any{"alg": "ES256", "typ": "JWT", "kid": kidOf(t, header)}), payload, sig)},
		{"expired", issue(other(func(c *auth.TokensConfig) { c.Clock = func() time.Time { return now.Add(-time.Hour) } }), false)},
		{"nbf in the future", issue(other(func(c *auth.TokensConfig) { c.Clock = func() time.Time { return now.Add(10 * time.Minute) } }), false)},
		{"wrong iss", issue(other(func(c *auth.TokensConfig) { c.Issuer = "someone-else" }), false)},
		{"wrong aud", issue(other(func(c *auth.TokensConfig) { c.Audience = "another-api" }), false)},
		{"wrong typ (an MFA challenge)", issue(other(func(*auth.TokensConfig) {}), true)},
		{"tampered payload (role admin)", joinJWT(header, tamper(t, payload, func(c map[string]any) { c["role"] = "admin" }), sig)},
		{"tampered payload (another subject)", joinJWT(header, tamper(t, payload, func(c map[string]any) { c["sub"] = admin.ID }), sig)},
		{"unknown kid", joinJWT(jsonPart(t, map[string]any{"alg": "HS256", "typ": "JWT", "kid": "deadbeef"}), payload, sig)},
		{"refresh token as access token", session.RefreshToken},
		{"truncated signature", good[:len(good)-4]},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := f.call("GET", "/api/v1/me", nil, withBearer(tc.token)).want(t, 401)
			if res.errorCode(t) != "unauthorized" || res.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("body %s, WWW-Authenticate %q", res.Body, res.Header.Get("WWW-Authenticate"))
			}
		})
	}

	t.Run("expired by the clock", func(t *testing.T) {
		s, _ := f.login(u)
		f.clock.Advance(15*time.Minute + auth.MaxLeeway + time.Second)
		if st := f.me(s.AccessToken); st != 401 {
			t.Errorf("status %d, want 401", st)
		}
	})
	t.Run("after logout", func(t *testing.T) {
		s, _ := f.login(u)
		f.call("POST", "/api/v1/auth/logout", map[string]string{"refresh_token": s.RefreshToken}, withBearer(s.AccessToken)).want(t, 204)
		if st := f.me(s.AccessToken); st != 401 {
			t.Errorf("status %d, want 401", st)
		}
	})
	t.Run("after a password change", func(t *testing.T) {
		s, _ := f.login(u)
		other, _ := f.login(u)
		f.call("POST", "/api/v1/me/password", map[string]string{"current_password": testPassword, "new_password": "Green-Teapot-77-Hums"},
			withBearer(s.AccessToken)).want(t, 204)
		if st := f.me(s.AccessToken); st != 401 {
			t.Errorf("the token that changed it: status %d, want 401", st)
		}
		if st := f.me(other.AccessToken); st != 401 {
			t.Errorf("another session's token: status %d, want 401", st)
		}
		// Back to the shared password for the next cases.
		setPassword(t, f, u.ID, testPassword)
	})
	t.Run("after the user is disabled", func(t *testing.T) {
		s, _ := f.login(u)
		a, _ := f.login(admin)
		f.call("PATCH", "/api/v1/admin/users/"+u.ID, map[string]bool{"disabled": true}, withBearer(a.AccessToken)).want(t, 200)
		if st := f.me(s.AccessToken); st != 401 {
			t.Errorf("status %d, want 401", st)
		}
		f.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": s.RefreshToken}).want(t, 401)
	})
}

// setPassword stores password for user id directly (test set-up).
func setPassword(t *testing.T, f *idFixture, id, password string) {
	t.Helper()
	hash, err := f.hasher.Hash(t.Context(), []byte(password))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetPassword(t.Context(), id, hash); err != nil {
		t.Fatal(err)
	}
}

func (f *idFixture) user(id string) users.User {
	f.t.Helper()
	u, err := f.store.Get(f.t.Context(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return u
}

// Issue 3, "Done when": a reused refresh token revokes the family; the
// legitimate holder's next refresh fails.
func TestRefreshReuseRevokesTheFamily(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "rotate@example.com")
	first, _ := f.login(u)

	// The legitimate holder rotates.
	rotated := decodeAs[tokensBody](t, f.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": first.RefreshToken}).want(t, 200))
	if rotated.RefreshToken == first.RefreshToken || rotated.AccessToken == first.AccessToken || rotated.TokenType != "Bearer" {
		t.Fatalf("refresh did not rotate: %+v", rotated)
	}
	if !rotated.RefreshExpiresAt.Equal(first.RefreshExpiresAt) {
		t.Errorf("rotation moved the absolute expiry from %s to %s", first.RefreshExpiresAt, rotated.RefreshExpiresAt)
	}
	if st := f.me(rotated.AccessToken); st != 200 {
		t.Fatalf("rotated access token: status %d", st)
	}

	// A thief replays the old one: refused, cookies cleared, family revoked.
	replay := f.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": first.RefreshToken}).want(t, 401)
	if replay.errorCode(t) != "invalid_token" {
		t.Errorf("code = %q", replay.errorCode(t))
	}
	assertCookiesCleared(t, replay, true)
	if got := f.events(auth.EventRefreshReuse); len(got) != 1 {
		t.Errorf("auth.refresh_reuse events = %v", got)
	}

	// The legitimate holder's next refresh fails too.
	f.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": rotated.RefreshToken}).want(t, 401)
	if sessions := listSessions(t, f, rotated.AccessToken); len(sessions) != 0 {
		t.Errorf("sessions after reuse = %+v, want none", sessions)
	}
}

func listSessions(t *testing.T, f *idFixture, access string) []sessionBody {
	t.Helper()
	return decodeAs[struct {
		Sessions []sessionBody `json:"sessions"`
	}](t, f.call("GET", "/api/v1/me/sessions", nil, withBearer(access)).want(t, 200)).Sessions
}

// Issue 3, "Done when": a TOTP code cannot be used twice, over HTTP.
func TestTOTPCodeWorksOnceOverHTTP(t *testing.T) {
	f := newIdentityFixture(t, func(s *idSetup) { s.cfg.Require2FAForStaff = true })
	staff := f.account(users.RoleSupport, "agent@example.com")

	// The first login enrols: enrollment_required, the QR code, the first
	// code, and recovery codes with the session.
	res := f.call("POST", "/api/v1/auth/login", loginBody(staff.Email, testPassword)).want(t, 200)
	ch := decodeAs[challengeBody](t, res)
	if !ch.MFARequired || !ch.EnrollmentRequired || ch.Challenge == "" || len(res.cookies()) != 0 {
		t.Fatalf("first staff login = %+v, cookies %v; want an enrolment challenge and no session", ch, res.cookies())
	}
	en := decodeAs[enrollmentBody](t, f.call("POST", "/api/v1/auth/mfa/enroll", map[string]string{"challenge": ch.Challenge}).want(t, 200))
	if !strings.HasPrefix(en.OTPAuthURI, "otpauth://totp/") || !bytes.HasPrefix(en.QRPNGBase64, []byte("\x89PNG")) || en.Secret == "" {
		t.Fatalf("enrolment = uri %q, png %d bytes", en.OTPAuthURI, len(en.QRPNGBase64))
	}
	f.totp[staff.ID] = en.Secret
	done := decodeAs[tokensBody](t, f.call("POST", "/api/v1/auth/mfa", map[string]string{"challenge": ch.Challenge, "code": f.code(staff.ID)}).want(t, 200))
	if len(done.RecoveryCodes) != auth.RecoveryCodeCount || done.AccessToken == "" {
		t.Fatalf("enrolment login = %+v", done)
	}
	if st := f.me(done.AccessToken); st != 200 {
		t.Fatalf("/me with the enrolled session: %d", st)
	}
	// The enrolled user cannot be given a new authenticator at login.
	again := decodeAs[challengeBody](t, f.call("POST", "/api/v1/auth/login", loginBody(staff.Email, testPassword)).want(t, 200))
	if again.EnrollmentRequired {
		t.Fatal("an enrolled user is asked to enrol again")
	}
	if code := f.call("POST", "/api/v1/auth/mfa/enroll", map[string]string{"challenge": again.Challenge}).want(t, 400).errorCode(t); code != "enrollment_not_required" {
		t.Errorf("enrol with TOTP on: code %q", code)
	}

	// The code that confirmed the enrolment is spent: same time step, new
	// challenge, refused.
	used := f.code(staff.ID)
	res = f.call("POST", "/api/v1/auth/mfa", map[string]string{"challenge": again.Challenge, "code": used}).want(t, 401)
	if res.errorCode(t) != "invalid_code" {
		t.Errorf("replayed code: %s", res.Body)
	}
	// A fresh step's code works, once.
	f.nextStep()
	ch3 := decodeAs[challengeBody](t, f.call("POST", "/api/v1/auth/login", loginBody(staff.Email, testPassword)).want(t, 200))
	fresh := f.code(staff.ID)
	f.call("POST", "/api/v1/auth/mfa", map[string]string{"challenge": ch3.Challenge, "code": fresh}).want(t, 200)
	ch4 := decodeAs[challengeBody](t, f.call("POST", "/api/v1/auth/login", loginBody(staff.Email, testPassword)).want(t, 200))
	f.call("POST", "/api/v1/auth/mfa", map[string]string{"challenge": ch4.Challenge, "code": fresh}).want(t, 401)
	// A spent challenge opens nothing, even with a good code.
	f.nextStep()
	f.call("POST", "/api/v1/auth/mfa", map[string]string{"challenge": ch3.Challenge, "code": f.code(staff.ID)}).want(t, 401)
}

// Issue 3, "Done when": a recovery code works once.
func TestRecoveryCodeWorksOnceOverHTTP(t *testing.T) {
	f := newIdentityFixture(t, func(s *idSetup) { s.cfg.Require2FAForStaff = true })
	admin := f.account(users.RoleAdmin, "boss@example.com")
	f.enableTOTP(admin)
	code := f.recovery[admin.ID][3]

	ch := decodeAs[challengeBody](t, f.call("POST", "/api/v1/auth/login", loginBody(admin.Email, testPassword)).want(t, 200))
	s := decodeAs[tokensBody](t, f.call("POST", "/api/v1/auth/mfa", map[string]string{"challenge": ch.Challenge, "code": strings.ToUpper(code)}).want(t, 200))
	// A recovery code is a second factor: the admin routes open.
	f.call("GET", "/api/v1/admin/users", nil, withBearer(s.AccessToken)).want(t, 200)

	ch2 := decodeAs[challengeBody](t, f.call("POST", "/api/v1/auth/login", loginBody(admin.Email, testPassword)).want(t, 200))
	res := f.call("POST", "/api/v1/auth/mfa", map[string]string{"challenge": ch2.Challenge, "code": code}).want(t, 401)
	if res.errorCode(t) != "invalid_code" {
		t.Errorf("reused recovery code: %s", res.Body)
	}
	if got := f.events(auth.EventRecoveryCodeUsed); len(got) != 1 || !strings.Contains(got[0], "remaining=9") {
		t.Errorf("auth.recovery_code_used = %v", got)
	}
}

// Issue 3, "Tokens and sessions": the browser flow with production cookies.
func TestCookieSessionFlow(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "browser@example.com")
	_, res := f.login(u)

	access, refresh := res.cookie("__Host-sb_access"), res.cookie("__Host-sb_refresh")
	for _, c := range []*http.Cookie{access, refresh} {
		if c == nil {
			t.Fatalf("login cookies = %v, want __Host-sb_access and __Host-sb_refresh", res.cookies())
		}
		if !c.Secure || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/" || c.Domain != "" || c.MaxAge <= 0 || c.Value == "" {
			t.Errorf("cookie %s = %+v; want Secure, HttpOnly, SameSite=Strict, Path=/, no Domain, a lifetime", c.Name, c)
		}
	}
	if access.MaxAge > int((15 * time.Minute).Seconds()) {
		t.Errorf("access cookie lives %ds, longer than the token", access.MaxAge)
	}

	// The cookie alone authenticates.
	me := decodeAs[accountBody](t, f.call("GET", "/api/v1/me", nil, withCookies(access)).want(t, 200))
	if me.ID != u.ID || me.Email != u.Email {
		t.Errorf("/me = %+v", me)
	}

	// A cross-site POST carrying the cookies is refused before the handler.
	cross := f.call("POST", "/api/v1/auth/logout", "{}", withCookies(access, refresh),
		withHeader("Origin", "https://evil.example"), withHeader("Sec-Fetch-Site", "cross-site")).want(t, 403)
	if cross.errorCode(t) != "forbidden" {
		t.Errorf("cross-site logout: %s", cross.Body)
	}
	f.call("GET", "/api/v1/me", nil, withCookies(access)).want(t, 200) // still signed in

	// Refresh with the cookie alone (no body): rotated cookies.
	ref := f.call("POST", "/api/v1/auth/refresh", nil, withCookies(refresh), withHeader("Sec-Fetch-Site", "same-origin")).want(t, 200)
	access2, refresh2 := ref.cookie("__Host-sb_access"), ref.cookie("__Host-sb_refresh")
	if access2 == nil || refresh2 == nil || refresh2.Value == refresh.Value {
		t.Fatalf("refresh cookies = %v", ref.cookies())
	}

	// A same-origin logout with the cookies alone clears them and ends the
	// session.
	out := f.call("POST", "/api/v1/auth/logout", nil, withCookies(access2, refresh2), withHeader("Sec-Fetch-Site", "same-origin")).want(t, 204)
	assertCookiesCleared(t, out, true)
	f.call("GET", "/api/v1/me", nil, withCookies(access2)).want(t, 401)
	f.call("POST", "/api/v1/auth/refresh", nil, withCookies(refresh2)).want(t, 401)
}

func TestDevelopmentCookieNames(t *testing.T) {
	f := newIdentityFixture(t, func(s *idSetup) { s.opts.DevCookies = true })
	u := f.account(users.RoleCustomer, "dev@example.com")
	_, res := f.login(u)
	access := res.cookie("sb_access")
	if access == nil || res.cookie("sb_refresh") == nil || access.Secure || !access.HttpOnly || access.SameSite != http.SameSiteStrictMode {
		t.Fatalf("development cookies = %v", res.cookies())
	}
	f.call("GET", "/api/v1/me", nil, withCookies(access)).want(t, 200)
}

// assertCookiesCleared checks that res deletes both session cookies.
func assertCookiesCleared(t *testing.T, res result, secure bool) {
	t.Helper()
	names := []string{"sb_access", "sb_refresh"}
	if secure {
		names = []string{"__Host-sb_access", "__Host-sb_refresh"}
	}
	for _, n := range names {
		c := res.cookie(n)
		if c == nil || c.Value != "" || c.MaxAge >= 0 || c.Secure != secure || c.Path != "/" {
			t.Errorf("cookie %s = %+v, want it deleted with the original attributes", n, c)
		}
	}
}

// JWT surgery for the refused-token cases.

func splitJWT(t *testing.T, s string) (header, payload, sig string) {
	t.Helper()
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", s)
	}
	return parts[0], parts[1], parts[2]
}

func joinJWT(header, payload, sig string) string { return header + "." + payload + "." + sig }

func jsonPart(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodePart(t *testing.T, part string) map[string]any {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func kidOf(t *testing.T, header string) string {
	t.Helper()
	kid, _ := decodePart(t, header)["kid"].(string)
	if kid == "" {
		t.Fatal("token without kid")
	}
	return kid
}

func tamper(t *testing.T, payload string, change func(map[string]any)) string {
	t.Helper()
	c := decodePart(t, payload)
	change(c)
	return jsonPart(t, c)
}

// signHS256 signs header.payload with key, as an attacker holding another
// key would.
func signHS256(t *testing.T, key []byte, header, payload string) string {
	t.Helper()
	m := hmac.New(sha256.New, key)
	m.Write([]byte(header + "." + payload))
	return joinJWT(header, payload, base64.RawURLEncoding.EncodeToString(m.Sum(nil)))
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/server"
	"supportbot/internal/users"
)

func TestRegister(t *testing.T) {
	f := newIdentityFixture(t, nil)
	res := f.call("POST", "/api/v1/auth/register", map[string]string{
		"email": "new@example.com", "name": "New Customer", "phone": "+44 20 7946 0000", "password": testPassword,
	}).want(t, http.StatusCreated)
	acc := decodeAs[accountBody](t, res)
	if acc.Role != "customer" || acc.Email != "new@example.com" || acc.Name != "New Customer" || acc.Phone != "+44 20 7946 0000" || acc.TwoFactorEnabled || acc.ID == "" {
		t.Errorf("account = %+v", acc)
	}
	if len(res.cookies()) != 0 {
		t.Error("registration opened a session; the customer signs in next")
	}
	f.login(users.User{Email: "new@example.com", ID: acc.ID})

	t.Run("weak password lists every unmet rule", func(t *testing.T) {
		res := f.call("POST", "/api/v1/auth/register", map[string]string{"email": "weak@example.com", "name": "Weak", "password": "short"}).want(t, 400)
		e := decodeError(t, res.Body).Error
		if e.Code != "weak_password" || e.Field != "/password" {
			t.Fatalf("error = %+v", e)
		}
		for _, rule := range []string{"12 characters", "upper", "digit", "symbol"} {
			if !strings.Contains(strings.ToLower(e.Message), strings.ToLower(rule)) {
				t.Errorf("message %q does not mention %q", e.Message, rule)
			}
		}
	})
	t.Run("a password over 72 bytes says why", func(t *testing.T) {
		long := strings.Repeat("Ab1!", 19)
		res := f.call("POST", "/api/v1/auth/register", map[string]string{"email": "long@example.com", "name": "Long", "password": long}).want(t, 400)
		if e := decodeError(t, res.Body).Error; e.Code != "weak_password" || !strings.Contains(e.Message, "72 bytes") {
			t.Errorf("error = %+v", e)
		}
	})
	t.Run("taken address", func(t *testing.T) {
		res := f.call("POST", "/api/v1/auth/register", map[string]string{"email": "NEW@example.com", "name": "Again", "password": testPassword}).want(t, 400)
		if e := decodeError(t, res.Body).Error; e.Code != "email_taken" || e.Field != "/email" {
			t.Errorf("error = %+v", e)
		}
	})
	t.Run("schema refusals", func(t *testing.T) {
		for name, body := range map[string]string{
			"unknown member":    `{"email":"x@example.com","name":"X","password":"` + testPassword + `","role":"admin"}`,
			"name too long":     `{"email":"x@example.com","name":"` + strings.Repeat("n", 101) + `","password":"` + testPassword + `"}`,
			"email too long":    `{"email":"` + strings.Repeat("e", 250) + `@example.com","name":"X","password":"` + testPassword + `"}`,
			"control character": `{"email":"x@example.com","name":"X\u0007","password":"` + testPassword + `"}`,
			"password missing":  `{"email":"x@example.com","name":"X"}`,
		} {
			if res := f.call("POST", "/api/v1/auth/register", body); res.Status != 400 || res.errorCode(t) != "bad_request" {
				t.Errorf("%s: status %d body %s", name, res.Status, res.Body)
			}
		}
	})
	t.Run("registration spends the login budget of the IP", func(t *testing.T) {
		ip := "203.0.113.50"
		for i := range 5 {
			f.call("POST", "/api/v1/auth/register", map[string]string{"email": "p" + itoa(i) + "@example.com", "name": "P", "password": testPassword}, fromIP(ip)).want(t, 201)
		}
		res := f.call("POST", "/api/v1/auth/register", map[string]string{"email": "p9@example.com", "name": "P", "password": testPassword}, fromIP(ip)).want(t, 429)
		if res.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
	})
}

func TestRegistrationClosed(t *testing.T) {
	f := newIdentityFixture(t, func(s *idSetup) { s.cfg.RegistrationOpen = false })
	res := f.call("POST", "/api/v1/auth/register", map[string]string{"email": "x@example.com", "name": "X", "password": testPassword}).want(t, 403)
	if res.errorCode(t) != "registration_closed" {
		t.Errorf("body %s", res.Body)
	}
}

// Public views never carry password hashes, TOTP secrets or the token
// generation: the decoders refuse unknown members, and the raw bodies are
// searched too.
func TestViewsHoldNoSecrets(t *testing.T) {
	f := newIdentityFixture(t, nil)
	admin := f.account(users.RoleAdmin, "admin@example.com")
	cust := f.account(users.RoleCustomer, "cust@example.com")
	f.enableTOTP(cust)
	a, _ := f.login(admin)
	bodies := []string{
		f.call("GET", "/api/v1/me", nil, withBearer(a.AccessToken)).want(t, 200).Body,
		f.call("GET", "/api/v1/admin/users/"+cust.ID, nil, withBearer(a.AccessToken)).want(t, 200).Body,
		f.call("GET", "/api/v1/admin/users", nil, withBearer(a.AccessToken)).want(t, 200).Body,
	}
	stored := f.user(cust.ID)
	for _, b := range bodies {
		for _, secret := range []string{stored.PasswordHash, "$2a$", f.totp[cust.ID], "password_hash", "generation", "totp_secret", "totp_last_step"} {
			if strings.Contains(b, secret) {
				t.Errorf("body %s contains %q", b, secret)
			}
		}
	}
	var u userBody
	dec := json.NewDecoder(strings.NewReader(bodies[1]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&u); err != nil || !u.TwoFactorEnabled || u.Email != cust.Email {
		t.Errorf("admin view %s: %v", bodies[1], err)
	}
}

func TestMeUpdate(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "me@example.com")
	f.account(users.RoleCustomer, "taken@example.com")
	s, _ := f.login(u)
	bearer := withBearer(s.AccessToken)

	acc := decodeAs[accountBody](t, f.call("PATCH", "/api/v1/me", map[string]string{"name": "Renamed", "phone": "555 0100"}, bearer).want(t, 200))
	if acc.Name != "Renamed" || acc.Phone != "555 0100" || acc.Email != u.Email {
		t.Errorf("after update: %+v", acc)
	}
	acc = decodeAs[accountBody](t, f.call("PATCH", "/api/v1/me", map[string]string{"phone": ""}, bearer).want(t, 200))
	if acc.Phone != "" || acc.Name != "Renamed" {
		t.Errorf("after clearing the phone: %+v", acc)
	}
	if e := decodeError(t, f.call("PATCH", "/api/v1/me", map[string]string{"phone": "12"}, bearer).want(t, 400).Body).Error; e.Field != "/phone" {
		t.Errorf("bad phone: %+v", e)
	}
	f.call("PATCH", "/api/v1/me", `{}`, bearer).want(t, 400)

	// The email is the login name: it needs the password in the request.
	if e := decodeError(t, f.call("PATCH", "/api/v1/me", map[string]string{"email": "new@example.com"}, bearer).want(t, 400).Body).Error; e.Field != "/current_password" {
		t.Errorf("email without password: %+v", e)
	}
	res := f.call("PATCH", "/api/v1/me", map[string]string{"email": "new@example.com", "name": "Not Applied", "current_password": "Wrong-Password-1!"}, bearer).want(t, 403)
	if res.errorCode(t) != "reauth_failed" {
		t.Errorf("wrong password: %s", res.Body)
	}
	if got := f.user(u.ID); got.Email != u.Email || got.Name != "Renamed" || got.FailedLogins != 1 {
		t.Errorf("after a refused change: email %q name %q failures %d; want unchanged and one failure counted", got.Email, got.Name, got.FailedLogins)
	}
	if code := f.call("PATCH", "/api/v1/me", map[string]string{"email": "taken@example.com", "current_password": testPassword}, bearer).want(t, 400).errorCode(t); code != "email_taken" {
		t.Errorf("taken: %s", code)
	}
	acc = decodeAs[accountBody](t, f.call("PATCH", "/api/v1/me", map[string]string{"email": "new@example.com", "current_password": testPassword}, bearer).want(t, 200))
	if acc.Email != "new@example.com" {
		t.Errorf("after email change: %+v", acc)
	}
	f.login(users.User{ID: u.ID, Email: "new@example.com"})
	f.call("POST", "/api/v1/auth/login", loginBody(u.Email, testPassword)).want(t, 401)
}

func TestPasswordChange(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "pw@example.com")
	s, res := f.login(u)
	bearer := withBearer(s.AccessToken)

	weak := f.call("POST", "/api/v1/me/password", map[string]string{"current_password": testPassword, "new_password": "pw@example.com"}, bearer).want(t, 400)
	if e := decodeError(t, weak.Body).Error; e.Code != "weak_password" || e.Field != "/new_password" {
		t.Errorf("weak: %+v", e)
	}
	same := f.call("POST", "/api/v1/me/password", map[string]string{"current_password": testPassword, "new_password": testPassword}, bearer).want(t, 400)
	if e := decodeError(t, same.Body).Error; e.Code != "weak_password" || !strings.Contains(e.Message, "differ") {
		t.Errorf("unchanged: %+v", e)
	}
	wrong := f.call("POST", "/api/v1/me/password", map[string]string{"current_password": "Wrong-Password-1!", "new_password": "Green-Teapot-77-Hums"}, bearer).want(t, 403)
	if wrong.errorCode(t) != "reauth_failed" {
		t.Errorf("wrong current: %s", wrong.Body)
	}
	done := f.call("POST", "/api/v1/me/password", map[string]string{"current_password": testPassword, "new_password": "Green-Teapot-77-Hums"},
		withCookies(res.cookie("__Host-sb_access"), res.cookie("__Host-sb_refresh")), withHeader("Sec-Fetch-Site", "same-origin")).want(t, 204)
	assertCookiesCleared(t, done, true)
	if st := f.me(s.AccessToken); st != 401 {
		t.Errorf("old token after the change: %d", st)
	}
	f.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": s.RefreshToken}).want(t, 401)
	f.call("POST", "/api/v1/auth/login", loginBody(u.Email, testPassword)).want(t, 401)
	f.call("POST", "/api/v1/auth/login", loginBody(u.Email, "Green-Teapot-77-Hums")).want(t, 200)
}

func TestTwoFactorThroughMe(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "totp@example.com")
	s, _ := f.login(u)
	bearer := withBearer(s.AccessToken)

	f.call("POST", "/api/v1/me/2fa/confirm", map[string]string{"code": "123456"}, bearer).want(t, 400)
	// A session alone cannot add a second factor (review finding: a stolen
	// token could lock the owner out); the password must come with it.
	f.call("POST", "/api/v1/me/2fa/enroll", nil, bearer).want(t, 400)
	if code := f.call("POST", "/api/v1/me/2fa/enroll", map[string]string{"current_password": "Wrong-Password-99!"}, bearer).want(t, 403).errorCode(t); code != "reauth_failed" {
		t.Errorf("wrong password: code %q, want reauth_failed", code)
	}
	en := decodeAs[enrollmentBody](t, f.call("POST", "/api/v1/me/2fa/enroll", map[string]string{"current_password": testPassword}, bearer).want(t, 200))
	if en.Secret == "" || !strings.Contains(en.OTPAuthURI, "secret=") || len(en.QRPNGBase64) < 100 {
		t.Fatalf("enrolment = %+v", en)
	}
	if acc := decodeAs[accountBody](t, f.call("GET", "/api/v1/me", nil, bearer).want(t, 200)); !acc.TwoFactorPending || acc.TwoFactorEnabled {
		t.Errorf("pending enrolment: %+v", acc)
	}
	f.totp[u.ID] = en.Secret
	bad := f.call("POST", "/api/v1/me/2fa/confirm", map[string]string{"code": "000000"}, bearer).want(t, 400)
	if e := decodeError(t, bad.Body).Error; e.Code != "invalid_code" || e.Field != "/code" {
		t.Errorf("wrong code: %+v", e)
	}
	codes := decodeAs[struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}](t, f.call("POST", "/api/v1/me/2fa/confirm", map[string]string{"code": f.code(u.ID)}, bearer).want(t, 200)).RecoveryCodes
	if len(codes) != auth.RecoveryCodeCount {
		t.Fatalf("recovery codes = %v", codes)
	}
	if code := f.call("POST", "/api/v1/me/2fa/enroll", map[string]string{"current_password": testPassword}, bearer).want(t, 400).errorCode(t); code != "mfa_enabled" {
		t.Errorf("enrol again: %s", code)
	}

	// Login now asks for the second factor.
	ch := decodeAs[challengeBody](t, f.call("POST", "/api/v1/auth/login", loginBody(u.Email, testPassword)).want(t, 200))
	if !ch.MFARequired || ch.EnrollmentRequired {
		t.Fatalf("login after enrolment: %+v", ch)
	}
	// The challenge is no access token.
	f.call("GET", "/api/v1/me", nil, withBearer(ch.Challenge)).want(t, 401)
	f.nextStep()
	s2 := decodeAs[tokensBody](t, f.call("POST", "/api/v1/auth/mfa", map[string]string{"challenge": ch.Challenge, "code": f.code(u.ID)}).want(t, 200))

	// Disabling needs the password or a code.
	wrong := f.call("POST", "/api/v1/me/2fa/disable", map[string]string{"current_password": "Wrong-Password-1!"}, withBearer(s2.AccessToken)).want(t, 403)
	if wrong.errorCode(t) != "reauth_failed" {
		t.Errorf("wrong password: %s", wrong.Body)
	}
	f.nextStep()
	f.call("POST", "/api/v1/me/2fa/disable", map[string]string{"totp_code": f.code(u.ID)}, withBearer(s2.AccessToken)).want(t, 204)
	if st := f.me(s2.AccessToken); st != 401 {
		t.Errorf("session after disabling 2FA: %d, want 401", st)
	}
	if st := f.me(s.AccessToken); st != 401 {
		t.Errorf("older session after disabling 2FA: %d, want 401", st)
	}
	if _, res := f.login(u); strings.Contains(res.Body, "challenge") {
		t.Error("login still asks for a second factor")
	}
}

func TestSessionsListAndRevoke(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "sessions@example.com")
	laptop, _ := f.login(u, withHeader("User-Agent", "Laptop Browser/1.0"), fromIP("198.51.100.10"))
	f.clock.Advance(time.Minute)
	phone, _ := f.login(u, withHeader("User-Agent", "Phone App/2.0 \x01"), fromIP("198.51.100.20"))

	list := listSessions(t, f, laptop.AccessToken)
	if len(list) != 2 {
		t.Fatalf("sessions = %+v", list)
	}
	var current, other sessionBody
	for _, s := range list {
		if s.Current {
			current = s
		} else {
			other = s
		}
	}
	if current.IP != "198.51.100.10" || current.UserAgent != "Laptop Browser/1.0" || other.IP != "198.51.100.20" || other.UserAgent != "Phone App/2.0 ?" {
		t.Errorf("current %+v, other %+v", current, other)
	}
	if current.CreatedAt.IsZero() || current.LastUsedAt.IsZero() || !current.ExpiresAt.After(current.CreatedAt) {
		t.Errorf("times of %+v", current)
	}
	one := decodeAs[sessionBody](t, f.call("GET", "/api/v1/me/sessions/"+other.ID, nil, withBearer(laptop.AccessToken)).want(t, 200))
	if one.ID != other.ID || one.Current {
		t.Errorf("one session = %+v", one)
	}

	// Ending the phone's session from the laptop.
	res := f.call("DELETE", "/api/v1/me/sessions/"+other.ID, nil, withBearer(laptop.AccessToken)).want(t, 204)
	if len(res.cookies()) != 0 {
		t.Error("ending another session cleared this one's cookies")
	}
	f.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": phone.RefreshToken}).want(t, 401)
	f.call("DELETE", "/api/v1/me/sessions/"+other.ID, nil, withBearer(laptop.AccessToken)).want(t, 404)
	if got := listSessions(t, f, laptop.AccessToken); len(got) != 1 || got[0].ID != current.ID {
		t.Errorf("sessions after revoking one = %+v", got)
	}

	// Log out everywhere.
	again, _ := f.login(u)
	all := f.call("DELETE", "/api/v1/me/sessions", nil, withBearer(laptop.AccessToken)).want(t, 204)
	assertCookiesCleared(t, all, true)
	for _, s := range []tokensBody{laptop, again} {
		if st := f.me(s.AccessToken); st != 401 {
			t.Errorf("token after logging out everywhere: %d", st)
		}
		f.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": s.RefreshToken}).want(t, 401)
	}
}

// Logout by an API client that does not send its refresh token still ends
// the session (the access token's sid), not only the access token.
func TestLogoutWithoutTheRefreshToken(t *testing.T) {
	f := newIdentityFixture(t, nil)
	u := f.account(users.RoleCustomer, "api@example.com")
	s, _ := f.login(u)
	f.call("POST", "/api/v1/auth/logout", nil, withBearer(s.AccessToken)).want(t, 204)
	f.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": s.RefreshToken}).want(t, 401)
	if st := f.me(s.AccessToken); st != 401 {
		t.Errorf("access token after logout: %d", st)
	}
	// An anonymous logout is 401, not a silent success.
	f.call("POST", "/api/v1/auth/logout", nil).want(t, 401)
}

func TestRefreshFailures(t *testing.T) {
	f := newIdentityFixture(t, nil)
	for name, opts := range map[string][]reqOpt{
		"no token at all":   nil,
		"unknown cookie":    {withCookies(&http.Cookie{Name: "__Host-sb_refresh", Value: "bm90LWEtdG9rZW4"})},
		"duplicate cookies": {withCookies(&http.Cookie{Name: "__Host-sb_refresh", Value: "a"}, &http.Cookie{Name: "__Host-sb_refresh", Value: "b"})},
	} {
		res := f.call("POST", "/api/v1/auth/refresh", nil, opts...).want(t, 401)
		if res.errorCode(t) != "invalid_token" || res.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: %s", name, res.Body)
		}
		assertCookiesCleared(t, res, true)
	}
	f.call("POST", "/api/v1/auth/refresh", `{"refresh_token":""}`).want(t, 400)
	f.call("POST", "/api/v1/auth/refresh", `{"refresh_token":"`+strings.Repeat("a", 4097)+`"}`).want(t, 400)
	f.call("POST", "/api/v1/auth/refresh", `{"refresh":"x"}`).want(t, 400)
}

func TestAdminUsers(t *testing.T) {
	f := newIdentityFixture(t, nil)
	admin := f.account(users.RoleAdmin, "admin@example.com")
	a, _ := f.login(admin)
	bearer := withBearer(a.AccessToken)

	// Create a support agent.
	res := f.call("POST", "/api/v1/admin/users", map[string]string{"role": "support", "email": "agent@example.com", "name": "Agent", "password": testPassword}, bearer).want(t, 201)
	agent := decodeAs[userBody](t, res)
	if agent.Role != "support" || agent.Disabled || agent.Locked || res.Header.Get("Location") != "/api/v1/admin/users/"+agent.ID {
		t.Errorf("created %+v, Location %q", agent, res.Header.Get("Location"))
	}
	if code := f.call("POST", "/api/v1/admin/users", map[string]string{"role": "customer", "email": "c@example.com", "name": "C", "password": testPassword}, bearer).want(t, 400).errorCode(t); code != "bad_request" {
		t.Errorf("customer via admin: %s", code)
	}
	if code := f.call("POST", "/api/v1/admin/users", map[string]string{"role": "admin", "email": "agent@example.com", "name": "Dup", "password": testPassword}, bearer).want(t, 400).errorCode(t); code != "email_taken" {
		t.Errorf("duplicate: %s", code)
	}
	if code := f.call("POST", "/api/v1/admin/users", map[string]string{"role": "admin", "email": "weak@example.com", "name": "W", "password": "password"}, bearer).want(t, 400).errorCode(t); code != "weak_password" {
		t.Errorf("weak: %s", code)
	}

	// List, filter, page.
	cust := f.account(users.RoleCustomer, "cust@example.com")
	list := decodeAs[struct {
		Users  []userBody `json:"users"`
		Limit  int        `json:"limit"`
		Offset int        `json:"offset"`
	}](t, f.call("GET", "/api/v1/admin/users?role=support", nil, bearer).want(t, 200))
	if len(list.Users) != 1 || list.Users[0].ID != agent.ID || list.Limit != 50 {
		t.Errorf("support list = %+v", list)
	}
	page := decodeAs[struct {
		Users  []userBody `json:"users"`
		Limit  int        `json:"limit"`
		Offset int        `json:"offset"`
	}](t, f.call("GET", "/api/v1/admin/users?limit=1&offset=1", nil, bearer).want(t, 200))
	if len(page.Users) != 1 || page.Limit != 1 || page.Offset != 1 {
		t.Errorf("page = %+v", page)
	}
	for _, q := range []string{"role=root", "limit=0", "limit=201", "offset=-1", "limit=x", "limit=1&limit=2"} {
		res := f.call("GET", "/api/v1/admin/users?"+q, nil, bearer).want(t, 400)
		if field := decodeError(t, res.Body).Error.Field; !strings.Contains(q, field) || field == "" {
			t.Errorf("%s: field %q", q, field)
		}
	}
	f.call("GET", "/api/v1/admin/users/0123456789abcdef0123456789abcdef", nil, bearer).want(t, 404)
	f.call("GET", "/api/v1/admin/users/"+strings.Repeat("x", 65), nil, bearer).want(t, 404)
	f.call("PATCH", "/api/v1/admin/users/0123456789abcdef0123456789abcdef", map[string]bool{"unlock": true}, bearer).want(t, 404)

	// A role change ends the user's sessions.
	cs, _ := f.login(cust)
	up := decodeAs[userBody](t, f.call("PATCH", "/api/v1/admin/users/"+cust.ID, map[string]string{"role": "support"}, bearer).want(t, 200))
	if up.Role != "support" {
		t.Errorf("after role change: %+v", up)
	}
	if st := f.me(cs.AccessToken); st != 401 {
		t.Errorf("token after role change: %d", st)
	}

	// Lock, see it, unlock.
	for range auth.DefaultLockoutThreshold {
		f.call("POST", "/api/v1/auth/login", loginBody(cust.Email, "Wrong-Password-1!")).want(t, 401)
	}
	locked := decodeAs[userBody](t, f.call("GET", "/api/v1/admin/users/"+cust.ID, nil, bearer).want(t, 200))
	if !locked.Locked || locked.LockedUntil == nil {
		t.Fatalf("after 5 failures: %+v", locked)
	}
	f.call("POST", "/api/v1/auth/login", loginBody(cust.Email, testPassword)).want(t, 401)
	if u := decodeAs[userBody](t, f.call("PATCH", "/api/v1/admin/users/"+cust.ID, map[string]bool{"unlock": true}, bearer).want(t, 200)); u.Locked || u.FailedLogins != 0 {
		t.Errorf("after unlock: %+v", u)
	}
	f.login(cust)

	// Reset 2FA.
	f.enableTOTP(cust)
	if u := decodeAs[userBody](t, f.call("PATCH", "/api/v1/admin/users/"+cust.ID, map[string]bool{"reset_2fa": true}, bearer).want(t, 200)); u.TwoFactorEnabled {
		t.Errorf("after reset: %+v", u)
	}

	// An admin cannot demote, disable or reset themself.
	for _, body := range []any{map[string]string{"role": "support"}, map[string]bool{"disabled": true}, map[string]bool{"reset_2fa": true}} {
		if code := f.call("PATCH", "/api/v1/admin/users/"+admin.ID, body, bearer).want(t, 403).errorCode(t); code != "self_change" {
			t.Errorf("%v on self: %s", body, code)
		}
	}
	f.call("PATCH", "/api/v1/admin/users/"+admin.ID, `{}`, bearer).want(t, 400)

	// Disabled: no login, the same answer as a wrong password.
	f.call("PATCH", "/api/v1/admin/users/"+cust.ID, map[string]bool{"disabled": true}, bearer).want(t, 200)
	wrong := f.call("POST", "/api/v1/auth/login", loginBody(cust.Email, "Wrong-Password-1!")).want(t, 401)
	disabled := f.call("POST", "/api/v1/auth/login", loginBody(cust.Email, testPassword)).want(t, 401)
	if stripID(t, wrong.Body) != stripID(t, disabled.Body) {
		t.Errorf("disabled %s, wrong password %s", disabled.Body, wrong.Body)
	}

	var types []string
	for _, e := range f.audit.Events() {
		if strings.HasPrefix(e.Type, "admin.") {
			types = append(types, e.Type)
		}
	}
	for _, want := range []string{auth.EventAdminUserCreated, auth.EventAdminRoleChanged, auth.EventAdminUserUnlocked, auth.EventAdminTwoFactorReset, auth.EventAdminUserDisabled} {
		if !slices.Contains(types, want) {
			t.Errorf("audit lacks %s: %v", want, types)
		}
	}
}

// Under REQUIRE_2FA_FOR_STAFF a staff member never gets a session from a
// password alone, and the admin routes are open to a second-factor session.
func TestStaffNeedTheSecondFactor(t *testing.T) {
	f := newIdentityFixture(t, func(s *idSetup) { s.cfg.Require2FAForStaff = true })
	admin := f.account(users.RoleAdmin, "admin@example.com")
	res := f.call("POST", "/api/v1/auth/login", loginBody(admin.Email, testPassword)).want(t, 200)
	if ch := decodeAs[challengeBody](t, res); !ch.MFARequired || !ch.EnrollmentRequired || len(res.cookies()) != 0 {
		t.Fatalf("staff login without TOTP = %+v", ch)
	}
	s, _ := f.login(admin) // enrols
	f.call("GET", "/api/v1/admin/users", nil, withBearer(s.AccessToken)).want(t, 200)
	// A customer is not asked for anything.
	c := f.account(users.RoleCustomer, "c@example.com")
	if _, res := f.login(c); strings.Contains(res.Body, "challenge") {
		t.Error("customer asked for a second factor")
	}
}

func TestAuthAndAuthenticatorAreExclusive(t *testing.T) {
	f := newIdentityFixture(t, nil)
	_, err := server.New(server.Options{}, server.Deps{
		Logger: discard(), DB: fakeDB{}, Audit: &audit.Memory{}, Limiter: &fakeLimiter{},
		Auth: f.svc, Authenticator: fakeAuthenticator{},
	})
	if err == nil || !strings.Contains(err.Error(), "not both") {
		t.Fatalf("err = %v", err)
	}
}

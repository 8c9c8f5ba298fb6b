package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/server"
)

// fakeAuthenticator issues identities for fixed test tokens.
type fakeAuthenticator struct{}

var testIdentities = map[string]middleware.Identity{
	"customer-token":      {UserID: "u-cust", Role: auth.RoleCustomer, TokenID: "jti-cust"},
	"customer2-token":     {UserID: "u-cust2", Role: auth.RoleCustomer},
	"support-token":       {UserID: "u-sup", Role: auth.RoleSupport, MFA: true},
	"support-nomfa-token": {UserID: "u-sup-nomfa", Role: auth.RoleSupport},
	"admin-token":         {UserID: "u-admin", Role: auth.RoleAdmin, MFA: true},
	"admin-nomfa-token":   {UserID: "u-admin-nomfa", Role: auth.RoleAdmin},
	"limited-token":       {UserID: "u-limited", Role: auth.RoleCustomer},
	"unusable-token":      {UserID: "u-odd", Role: "root"},
}

func (fakeAuthenticator) Authenticate(_ context.Context, token string) (middleware.Identity, error) {
	switch token {
	case "expired-token":
		return middleware.Identity{}, fmt.Errorf("auth: verify access token: %w: token has expired 3m ago", auth.ErrInvalidToken)
	case "store-down-token":
		return middleware.Identity{}, errors.New("users: is revoked: dial tcp 10.0.0.5:5432: connection refused")
	}
	if id, ok := testIdentities[token]; ok {
		id.ExpiresAt = time.Date(2026, 1, 2, 3, 19, 5, 0, time.UTC)
		return id, nil
	}
	return middleware.Identity{}, fmt.Errorf("auth: verify access token: %w: signature is invalid", auth.ErrInvalidToken)
}

// testOrders are the probe's orders and their owners.
var testOrders = map[string]string{"ORD-A": "u-cust", "ORD-B": "u-cust2"}

// authRoutes are probe routes with every kind of access rule.
func authRoutes(ran *atomic.Int64) []middleware.Route {
	whoami := func(w http.ResponseWriter, r *http.Request) error {
		ran.Add(1)
		id, ok := middleware.IdentityFrom(r.Context())
		return writeJSON(w, map[string]any{"signed_in": ok, "user_id": id.UserID, "role": id.Role, "mfa": id.MFA})
	}
	done := func(w http.ResponseWriter, r *http.Request) error {
		ran.Add(1)
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return []middleware.Route{
		{Method: "GET", Pattern: "/api/v1/probe/whoami", Policy: middleware.PolicyPublic, Handler: whoami},
		{Method: "GET", Pattern: "/api/v1/probe/me", Policy: middleware.PolicyAuthenticated, Action: auth.ActionMeRead, Handler: whoami},
		{Method: "POST", Pattern: "/api/v1/probe/me", Policy: middleware.PolicyAuthenticated, Action: auth.ActionMeUpdate, NoBody: true, Handler: done},
		{Method: "POST", Pattern: "/api/v1/probe/me/echo", Policy: middleware.PolicyAuthenticated, Action: auth.ActionMeUpdate, Schema: "probe", Handler: done},
		{Method: "GET", Pattern: "/api/v1/probe/admin", Policy: middleware.PolicyAdmin, Action: auth.ActionUsersList, Handler: whoami},
		{Method: "GET", Pattern: "/api/v1/probe/queue", Policy: middleware.PolicyStaff, Action: auth.ActionHandoffQueueRead, Handler: whoami},
		{Method: "GET", Pattern: "/api/v1/probe/sessions", Policy: middleware.PolicyAuthenticated, Action: auth.ActionSessionsManage, RequireMFA: true, Handler: whoami},
		{Method: "GET", Pattern: "/api/v1/probe/orders/{id}", Policy: middleware.PolicyAuthenticated, Action: auth.ActionOrderRead,
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				owner, exists := testOrders[r.PathValue("id")]
				if err := middleware.Authorize(r, auth.Resource{Exists: exists, OwnerID: owner}); err != nil {
					return err
				}
				ran.Add(1)
				return writeJSON(w, map[string]string{"id": r.PathValue("id")})
			}},
		{Method: "GET", Pattern: "/probe/account", Policy: middleware.PolicyAuthenticated, Action: auth.ActionMeRead,
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				ran.Add(1)
				id, _ := middleware.IdentityFrom(r.Context())
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				_, err := w.Write([]byte("account of " + id.UserID))
				return err
			}},
	}
}

type authSetup struct {
	opts    server.Options
	limiter *fakeLimiter
}

// authFixture is the real server with the probe routes, the access probes
// and the fake authenticator.
type authFixture struct {
	*fixture
	ran *atomic.Int64 // how many times an access probe's handler ran
}

func newAuthFixture(t testing.TB, change func(*authSetup)) *authFixture {
	t.Helper()
	s := &authSetup{
		opts: server.Options{
			StrictCSP:          true,
			TrustedProxies:     []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")},
			CORSAllowedOrigins: []string{"https://shop.example"},
		},
		limiter: &fakeLimiter{deny: map[string]bool{"user:u-limited": true}},
	}
	if change != nil {
		change(s)
	}
	f := &authFixture{
		fixture: &fixture{log: &syncBuffer{}, limiter: s.limiter, audit: &fakeRecorder{}, probed: &atomic.Int64{}},
		ran:     &atomic.Int64{},
	}
	srv, err := server.New(s.opts, server.Deps{
		Logger:        slog.New(slog.NewJSONHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		DB:            fakeDB{},
		Audit:         f.audit,
		Limiter:       f.limiter,
		Clock:         func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		Schemas:       schemasWithProbe(t),
		Authenticator: fakeAuthenticator{},
	}, slices.Concat(probeRoutes(f.probed, nil, nil), authRoutes(f.ran))...)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	f.srv, f.h = srv, srv.Handler()
	return f
}

// withAuth adds an Authorization header.
func withAuth(value string, mk func() *http.Request) func() *http.Request {
	return func() *http.Request {
		r := mk()
		r.Header.Add("Authorization", value)
		return r
	}
}

// withCookie adds a Cookie header.
func withCookie(value string, mk func() *http.Request) func() *http.Request {
	return func() *http.Request {
		r := mk()
		r.Header.Add("Cookie", value)
		return r
	}
}

func bearerFor(token string, mk func() *http.Request) func() *http.Request {
	return withAuth("Bearer "+token, mk)
}

// denials returns the access.denied audit events.
// decide sends r and checks the answer: status; for a refusal, the error
// code and exactly one access.denied event recorded for it (returned with
// the error); for an allowed request, no such event.
func decide(t *testing.T, f *authFixture, r *http.Request, status int, code string) (apiError, audit.Event, bool) {
	t.Helper()
	before := len(denials(f))
	resp := f.do(r)
	b := body(t, resp)
	if resp.StatusCode != status {
		t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, status, b)
	}
	got := denials(f)[before:]
	if status == http.StatusOK {
		if len(got) != 0 {
			t.Errorf("allowed request audited as denied: %+v", got)
		}
		return apiError{}, audit.Event{}, false
	}
	e := decodeError(t, b)
	if e.Error.Code != code {
		t.Errorf("code = %q, want %s", e.Error.Code, code)
	}
	if len(got) != 1 {
		t.Fatalf("access.denied events = %+v, want one", got)
	}
	return e, got[0], true
}

func denials(f *authFixture) []audit.Event {
	var out []audit.Event
	for _, e := range f.audit.all() {
		if e.Type == "access.denied" {
			out = append(out, e)
		}
	}
	return out
}

func TestAuthenticationFailuresAreOne401(t *testing.T) {
	f := newAuthFixture(t, nil)
	me := get("/api/v1/probe/me")
	tests := []struct {
		name   string
		req    func() *http.Request
		reason string // what the log must say, never the client
	}{
		{"no token", me, "no credentials"},
		{"Bearer without token", withAuth("Bearer", me), "no token after Bearer"},
		{"Basic credentials", withAuth("Basic Y3VzdG9tZXI6aHVudGVyMg==", me), "not of the Bearer scheme"},
		{"two tokens in one header", withAuth("Bearer customer-token admin-token", me), "malformed bearer token"},
		{"two Authorization headers", withAuth("Bearer customer-token", withAuth("Bearer admin-token", me)), "2 Authorization headers"},
		{"unknown token", bearerFor("forged-token", me), "signature is invalid"},
		{"expired token", bearerFor("expired-token", me), "token has expired"},
		{"bad cookie", withCookie("__Host-sb_access=forged-token", me), "cookie token refused"},
		{"two access cookies", withCookie("__Host-sb_access=customer-token; __Host-sb_access=admin-token", me), "2 __Host-sb_access cookies"},
		{"development cookie in production", withCookie("sb_access=customer-token", me), "no credentials"},
		{"refresh cookie is no access token", withCookie("__Host-sb_refresh=customer-token", me), "no credentials"},
		{"malformed header beats a good cookie", withAuth("Basic eA==", withCookie("__Host-sb_access=customer-token", me)), "not of the Bearer scheme"},
	}
	var first string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.do(tt.req())
			b := body(t, resp)
			if resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("status = %d, want 401; body %s", resp.StatusCode, b)
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != `Bearer realm="supportbot"` {
				t.Errorf("WWW-Authenticate = %q", got)
			}
			assertSecurityHeaders(t, resp)
			e := decodeError(t, b)
			if e.Error.Code != "unauthorized" || e.Error.Field != "" {
				t.Errorf("error = %+v", e.Error)
			}
			// Every failure answers the very same body but for the request ID.
			same := strings.Replace(b, e.Error.RequestID, "ID", 1)
			if first == "" {
				first = same
			} else if same != first {
				t.Errorf("body %s differs from %s: the client must not learn why", same, first)
			}
			for _, leak := range []string{"expired", "invalid", "signature", "Bearer", "cookie", "token"} {
				if strings.Contains(strings.ToLower(b), strings.ToLower(leak)) {
					t.Errorf("body %s says %q", b, leak)
				}
			}
			if !strings.Contains(f.log.String(), tt.reason) {
				t.Errorf("log lacks the reason %q", tt.reason)
			}
		})
	}
	if n := f.ran.Load(); n != 0 {
		t.Errorf("handler ran %d times for unauthenticated requests", n)
	}
	for _, secret := range []string{"customer-token", "admin-token", "forged-token", "expired-token", "Y3VzdG9tZXI6aHVudGVyMg"} {
		if strings.Contains(f.log.String(), secret) {
			t.Errorf("log contains the credential %q", secret)
		}
	}
	if n := len(denials(f)); n != 0 {
		t.Errorf("%d access.denied events for anonymous callers, want none (the log has them)", n)
	}
}

func TestAuthenticatorFailures(t *testing.T) {
	f := newAuthFixture(t, nil)
	tests := []struct {
		name   string
		token  string
		status int
		code   string
	}{
		{"token store unreachable fails closed", "store-down-token", 503, "service_unavailable"},
		{"an identity without a valid role is never a pass", "unusable-token", 500, "internal_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.do(bearerFor(tt.token, get("/api/v1/probe/me"))())
			b := body(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.status, b)
			}
			if e := decodeError(t, b); e.Error.Code != tt.code {
				t.Errorf("code = %q, want %q", e.Error.Code, tt.code)
			}
			if strings.Contains(b, "10.0.0.5") || strings.Contains(b, "root") {
				t.Errorf("body leaks the cause: %s", b)
			}
		})
	}
	if n := f.ran.Load(); n != 0 {
		t.Errorf("handler ran %d times", n)
	}
}

type whoami struct {
	SignedIn bool   `json:"signed_in"`
	UserID   string `json:"user_id"`
	Role     string `json:"role"`
}

func decodeWhoami(t *testing.T, resp *http.Response) whoami {
	t.Helper()
	b := body(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("status = %d, want 200; body %s", resp.StatusCode, b)
	}
	var w whoami
	if err := json.Unmarshal([]byte(b), &w); err != nil {
		t.Fatalf("body %s: %v", b, err)
	}
	return w
}

func TestAuthenticationSucceeds(t *testing.T) {
	f := newAuthFixture(t, nil)
	me := get("/api/v1/probe/me")
	tests := []struct {
		name string
		req  func() *http.Request
		user string
	}{
		{"bearer header", bearerFor("customer-token", me), "u-cust"},
		{"lower-case scheme", withAuth("bearer customer-token", me), "u-cust"},
		{"session cookie", withCookie("__Host-sb_access=customer-token", me), "u-cust"},
		{"session cookie among others", withCookie("theme=dark; __Host-sb_refresh=r; __Host-sb_access=admin-token", me), "u-admin"},
		{"header beats cookie", bearerFor("admin-token", withCookie("__Host-sb_access=customer-token", me)), "u-admin"},
		{"a mismatched bad cookie is no error", bearerFor("customer-token", withCookie("__Host-sb_access=forged-token", me)), "u-cust"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if w := decodeWhoami(t, f.do(tt.req())); !w.SignedIn || w.UserID != tt.user {
				t.Errorf("identity = %+v, want %s", w, tt.user)
			}
		})
	}
	t.Run("cookie on a UI page", func(t *testing.T) {
		resp := f.do(withCookie("__Host-sb_access=customer-token", get("/probe/account"))())
		if b := body(t, resp); resp.StatusCode != 200 || b != "account of u-cust" {
			t.Errorf("status %d body %q", resp.StatusCode, b)
		}
		// A browser without a session is sent to sign in, and back.
		resp = f.do(get("/probe/account?tab=2")())
		_ = body(t, resp)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Fprobe%2Faccount%3Ftab%3D2" {
			t.Errorf("anonymous UI page: status %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		// A forged cookie is no session either: the same redirect, never the page.
		resp = f.do(withCookie("__Host-sb_access=forged-token", get("/probe/account"))())
		if b := body(t, resp); resp.StatusCode != http.StatusSeeOther || strings.Contains(b, "account of") {
			t.Errorf("forged cookie on a UI page: status %d body %q", resp.StatusCode, b)
		}
	})
}

func TestDevelopmentCookies(t *testing.T) {
	f := newAuthFixture(t, func(s *authSetup) { s.opts.DevCookies = true })
	me := get("/api/v1/probe/me")
	if w := decodeWhoami(t, f.do(withCookie("sb_access=customer-token", me)())); w.UserID != "u-cust" {
		t.Errorf("development cookie: %+v", w)
	}
	if resp := f.do(withCookie("__Host-sb_access=customer-token", me)()); resp.StatusCode != 401 {
		t.Errorf("production cookie name in development: status %d, want 401", resp.StatusCode)
	}
}

func TestPublicRoutesTakeAnOptionalIdentity(t *testing.T) {
	f := newAuthFixture(t, nil)
	whoamiReq := get("/api/v1/probe/whoami")
	tests := []struct {
		name string
		req  func() *http.Request
		user string // "" anonymous
	}{
		{"no token", whoamiReq, ""},
		{"valid token attaches the identity", bearerFor("customer-token", whoamiReq), "u-cust"},
		{"valid cookie attaches the identity", withCookie("__Host-sb_access=admin-token", whoamiReq), "u-admin"},
		{"bad token is ignored", bearerFor("forged-token", whoamiReq), ""},
		{"expired token is ignored", bearerFor("expired-token", whoamiReq), ""},
		{"malformed header is ignored", withAuth("Basic eA==", whoamiReq), ""},
		{"unreachable token store is ignored", bearerFor("store-down-token", whoamiReq), ""},
		{"unusable identity is ignored", bearerFor("unusable-token", whoamiReq), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := decodeWhoami(t, f.do(tt.req()))
			if w.SignedIn != (tt.user != "") || w.UserID != tt.user {
				t.Errorf("identity = %+v, want %q", w, tt.user)
			}
		})
	}
	// The real public routes too.
	if resp := f.do(bearerFor("forged-token", get("/healthz"))()); resp.StatusCode != 200 {
		t.Errorf("/healthz with a bad token: status %d", resp.StatusCode)
	}
}

func TestTokensInTheQueryStringAreRefused(t *testing.T) {
	f := newAuthFixture(t, nil)
	const secret = "SECRET-QUERY-VALUE"
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"access_token on a public API route", get("/api/v1/probe/whoami?access_token=" + secret), 400},
		{"token on a signed-in route, even with a good header", bearerFor("customer-token", get("/api/v1/probe/me?token="+secret)), 400},
		{"refresh_token", get("/api/v1/probe/whoami?page=2&refresh_token=" + secret), 400},
		{"id_token", get("/api/v1/probe/whoami?id_token=" + secret), 400},
		{"upper case", get("/api/v1/probe/whoami?ACCESS_TOKEN=" + secret), 400},
		{"percent-encoded name", get("/api/v1/probe/whoami?%74oken=" + secret), 400},
		{"after a semicolon", get("/api/v1/probe/whoami?a=1;token=" + secret), 400},
		{"on a body route", post("/api/v1/csp-report?token="+secret, "application/csp-report", validLegacyReport), 400},
		{"an ordinary parameter passes", get("/api/v1/probe/whoami?page=2&sort=token"), 200},
		{"outside the API the rule does not apply", get("/healthz?token=" + secret), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.do(tt.req())
			b := body(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.status, b)
			}
			if tt.status == 400 {
				if e := decodeError(t, b); e.Error.Code != "bad_request" {
					t.Errorf("code = %q", e.Error.Code)
				}
				if strings.Contains(b, secret) {
					t.Errorf("body echoes the token: %s", b)
				}
			}
		})
	}
	if strings.Contains(f.log.String(), secret) {
		t.Error("the log holds a token from a query string")
	}
	if n := f.probed.Load() + f.ran.Load(); n != 1 {
		t.Errorf("handlers ran %d times, want once (the ordinary parameter)", n)
	}
}

func TestRoleGating(t *testing.T) {
	f := newAuthFixture(t, nil)
	tests := []struct {
		route, token string
		status       int
	}{
		{"/api/v1/probe/admin", "admin-token", 200},
		{"/api/v1/probe/admin", "support-token", 403},
		{"/api/v1/probe/admin", "customer-token", 403},
		{"/api/v1/probe/queue", "support-token", 200},
		{"/api/v1/probe/queue", "admin-token", 200},
		{"/api/v1/probe/queue", "customer-token", 403},
		{"/api/v1/probe/me", "customer-token", 200},
		{"/api/v1/probe/me", "support-token", 200},
	}
	for _, tt := range tests {
		t.Run(tt.token+" "+tt.route, func(t *testing.T) {
			e, ev, denied := decide(t, f, from("198.51.100.7:1234", bearerFor(tt.token, get(tt.route)))(), tt.status, "forbidden")
			if !denied {
				return
			}
			if ev.Actor != testIdentities[tt.token].UserID || ev.IP != "198.51.100.7" || ev.RequestID != e.Error.RequestID ||
				ev.Target != "route:GET "+tt.route || ev.Status != "denied" || ev.Level != audit.LevelWarning ||
				!strings.Contains(ev.Details, string(testIdentities[tt.token].Role)) {
				t.Errorf("audit event = %+v", ev)
			}
		})
	}
}

func TestOwnershipThroughAuthorize(t *testing.T) {
	f := newAuthFixture(t, nil)
	tests := []struct {
		name, token, order string
		status             int
	}{
		{"customer reads their own order", "customer-token", "ORD-A", 200},
		{"customer reads someone else's order", "customer-token", "ORD-B", 404},
		{"customer reads a missing order", "customer-token", "ORD-X", 404},
		{"support reads an unassigned order", "support-token", "ORD-A", 404},
		{"admin reads anyone's order", "admin-token", "ORD-B", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, ev, denied := decide(t, f, bearerFor(tt.token, get("/api/v1/probe/orders/"+tt.order))(), tt.status, "not_found")
			if !denied {
				return
			}
			if ev.Actor != testIdentities[tt.token].UserID || ev.RequestID != e.Error.RequestID ||
				ev.Target != "path:/api/v1/probe/orders/"+tt.order || !strings.Contains(ev.Details, string(auth.ActionOrderRead)) {
				t.Errorf("access.denied event = %+v", ev)
			}
		})
	}
	// Someone else's order and a missing one answer alike.
	other := body(t, f.do(bearerFor("customer-token", get("/api/v1/probe/orders/ORD-B"))()))
	missing := body(t, f.do(bearerFor("customer-token", get("/api/v1/probe/orders/ORD-X"))()))
	if strip(t, other) != strip(t, missing) {
		t.Errorf("someone else's order %s differs from a missing one %s", other, missing)
	}
}

// strip removes the request ID from an error body.
func strip(t *testing.T, b string) string {
	t.Helper()
	return strings.Replace(b, decodeError(t, b).Error.RequestID, "ID", 1)
}

func TestMFARequired(t *testing.T) {
	tests := []struct {
		name        string
		staffOption bool
		route       string
		token       string
		status      int
		code        string
	}{
		{"RequireMFA refuses a session without a second factor", false, "/api/v1/probe/sessions", "customer-token", 403, "mfa_required"},
		{"RequireMFA admits a session with one", false, "/api/v1/probe/sessions", "admin-token", 200, ""},
		{"staff route without the option", false, "/api/v1/probe/queue", "support-nomfa-token", 200, ""},
		{"staff route with the option, no second factor", true, "/api/v1/probe/queue", "support-nomfa-token", 403, "mfa_required"},
		{"admin route with the option, no second factor", true, "/api/v1/probe/admin", "admin-nomfa-token", 403, "mfa_required"},
		{"staff route with the option and a second factor", true, "/api/v1/probe/queue", "support-token", 200, ""},
		{"the role is checked first", true, "/api/v1/probe/queue", "customer-token", 403, "forbidden"},
		{"the option leaves routes open to customers alone", true, "/api/v1/probe/me", "admin-nomfa-token", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newAuthFixture(t, func(s *authSetup) { s.opts.Require2FAForStaff = tt.staffOption })
			resp := f.do(bearerFor(tt.token, get(tt.route))())
			b := body(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.status, b)
			}
			if tt.status == 200 {
				return
			}
			if e := decodeError(t, b); e.Error.Code != tt.code {
				t.Errorf("code = %q, want %q", e.Error.Code, tt.code)
			}
			if got := denials(f); len(got) != 1 || got[0].Actor != testIdentities[tt.token].UserID {
				t.Errorf("access.denied events = %+v", got)
			}
		})
	}
}

func TestRateLimitPerUser(t *testing.T) {
	f := newAuthFixture(t, nil)
	resp := f.do(from("198.51.100.30:1000", bearerFor("limited-token", get("/api/v1/probe/me")))())
	b := body(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("status = %d, want 429; body %s", resp.StatusCode, b)
	}
	for h, want := range map[string]string{"Retry-After": "2", "X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "31"} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	e := decodeError(t, b)
	if e.Error.Code != "rate_limited" {
		t.Errorf("code = %q", e.Error.Code)
	}
	events := f.audit.all()
	if len(events) != 1 || events[0].Type != "ratelimit.exceeded" || events[0].Actor != "u-limited" ||
		events[0].IP != "198.51.100.30" || events[0].RequestID != e.Error.RequestID || !strings.Contains(events[0].Details, "per user") {
		t.Errorf("audit events = %+v", events)
	}
	if f.ran.Load() != 0 {
		t.Error("handler ran")
	}

	// The user's limit follows them to public routes and other addresses.
	if resp := f.do(from("203.0.113.5:1000", bearerFor("limited-token", get("/api/v1/probe/whoami")))()); resp.StatusCode != 429 {
		t.Errorf("limited user on a public route from another address: status %d, want 429", resp.StatusCode)
	}
	// Another user from the same address is not affected, and is counted.
	if resp := f.do(from("198.51.100.30:1000", bearerFor("customer-token", get("/api/v1/probe/me")))()); resp.StatusCode != 200 {
		t.Errorf("another user: status %d, want 200", resp.StatusCode)
	}
	if n := f.limiter.calls("user:u-cust"); n != 1 {
		t.Errorf("user bucket consulted %d times, want 1", n)
	}
	// Anonymous requests have no user bucket; a flood of refusals is
	// audited once.
	f.do(get("/api/v1/probe/whoami")())
	if n := f.limiter.calls("user:"); n != 3 {
		t.Errorf("user buckets consulted %d times, want 3", n)
	}
	f.do(bearerFor("limited-token", get("/api/v1/probe/me"))())
	if n := len(f.audit.all()); n != 1 {
		t.Errorf("audit events after more refusals = %d, want still 1", n)
	}
}

func TestCookieSessionsNeedSameOrigin(t *testing.T) {
	f := newAuthFixture(t, nil)
	cookiePost := withCookie("__Host-sb_access=customer-token", method("POST", "/api/v1/probe/me"))
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"cross-site cookie POST is refused", crossSite(cookiePost), 403},
		{"cross-site fetch metadata alone is refused", func() *http.Request {
			r := cookiePost()
			r.Header.Set("Sec-Fetch-Site", "cross-site")
			return r
		}, 403},
		{"same-origin cookie POST passes", func() *http.Request {
			r := cookiePost()
			r.Header.Set("Sec-Fetch-Site", "same-origin")
			r.Header.Set("Origin", "http://example.com")
			return r
		}, 204},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.ran.Load()
			resp := f.do(tt.req())
			b := body(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.status, b)
			}
			if tt.status == 403 {
				if e := decodeError(t, b); e.Error.Code != "forbidden" {
					t.Errorf("code = %q", e.Error.Code)
				}
				if f.ran.Load() != before {
					t.Error("handler ran for a cross-site request")
				}
			}
		})
	}
}

func TestAuthenticationComesBeforeTheBody(t *testing.T) {
	f := newAuthFixture(t, nil)
	resp := f.do(post("/api/v1/probe/me/echo", "application/json", `{"name": 42, "unknown": true}`)())
	if resp.StatusCode != 401 {
		t.Errorf("anonymous invalid body: status %d, want 401 (no parsing for anonymous callers)", resp.StatusCode)
	}
	resp = f.do(bearerFor("customer-token", post("/api/v1/probe/me/echo", "application/json", `{"name": 42}`))())
	if resp.StatusCode != 400 {
		t.Errorf("signed-in invalid body: status %d, want 400", resp.StatusCode)
	}
}

func TestSignedInRoutesNeedAnAuthenticator(t *testing.T) {
	for _, p := range []middleware.Policy{middleware.PolicyAuthenticated, middleware.PolicyStaff, middleware.PolicyAdmin} {
		t.Run(string(p), func(t *testing.T) {
			_, err := server.New(server.Options{}, server.Deps{
				Logger: discard(), DB: fakeDB{}, Audit: &fakeRecorder{}, Limiter: &fakeLimiter{},
			}, middleware.Route{Method: "GET", Pattern: "/api/v1/x", Policy: p, Action: auth.ActionUsersList, Handler: ok})
			if err == nil || !strings.Contains(err.Error(), "Authenticator") || !strings.Contains(err.Error(), "GET /api/v1/x") {
				t.Fatalf("err = %v, want one naming the route and the missing Authenticator", err)
			}
		})
	}
}

func TestRouteAccessDeclarationsFailTheBuild(t *testing.T) {
	tests := []struct {
		name  string
		route middleware.Route
		want  string
	}{
		{"a signed-in route without action", middleware.Route{Method: "GET", Pattern: "/api/v1/x", Policy: middleware.PolicyAuthenticated, Handler: ok}, "no Action"},
		{"an unknown action", middleware.Route{Method: "GET", Pattern: "/api/v1/x", Policy: middleware.PolicyAuthenticated, Action: "orders.burn", Handler: ok}, "unknown Action"},
		{"a policy wider than the action's", middleware.Route{Method: "GET", Pattern: "/api/v1/x", Policy: middleware.PolicyAuthenticated, Action: auth.ActionAuditRead, Handler: ok}, "admits customer"},
		{"an unknown role", middleware.Route{Method: "GET", Pattern: "/api/v1/x", Policy: middleware.PolicyRoles("root"), Action: auth.ActionAuditRead, Handler: ok}, "unknown policy"},
		{"a hand-written role list", middleware.Route{Method: "GET", Pattern: "/api/v1/x", Policy: "roles:admin,support", Action: auth.ActionAuditRead, Handler: ok}, "unknown policy"},
		{"a public route with an action", middleware.Route{Method: "GET", Pattern: "/api/v1/x", Policy: middleware.PolicyPublic, Action: auth.ActionMeRead, Handler: ok}, "takes no Action"},
		{"a public route requiring MFA", middleware.Route{Method: "GET", Pattern: "/api/v1/x", Policy: middleware.PolicyPublic, RequireMFA: true, Handler: ok}, "RequireMFA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := server.New(server.Options{}, server.Deps{
				Logger: discard(), DB: fakeDB{}, Audit: &fakeRecorder{}, Limiter: &fakeLimiter{}, Authenticator: fakeAuthenticator{},
			}, tt.route)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

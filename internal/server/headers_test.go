package server_test

import (
	"crypto/tls"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"supportbot/internal/server"
)

// cspDirectives are the directives of the strict policy, each checked on its
// own (issue 2, "Headers on every response").
var cspDirectives = []string{
	"default-src 'self'",
	"script-src 'self' 'nonce-",
	"'strict-dynamic'",
	"style-src 'self' 'nonce-",
	"object-src 'none'",
	"base-uri 'none'",
	"frame-ancestors 'none'",
	"form-action 'self'",
	"connect-src 'self'",
	"img-src 'self' data:",
	"upgrade-insecure-requests",
	"report-uri /api/v1/csp-report",
}

// alwaysHeaders must be on every response with these values.
var alwaysHeaders = map[string]string{
	"X-Content-Type-Options":     "nosniff",
	"X-Frame-Options":            "DENY",
	"X-Xss-Protection":           "1; mode=block",
	"Referrer-Policy":            "strict-origin-when-cross-origin",
	"Permissions-Policy":         "geolocation=(), microphone=(), camera=()",
	"Cross-Origin-Opener-Policy": "same-origin",
}

func assertSecurityHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	h := resp.Header
	csp := h.Get("Content-Security-Policy")
	for _, d := range cspDirectives {
		if !strings.Contains(csp, d) {
			t.Errorf("CSP lacks %q: %s", d, csp)
		}
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("strict CSP contains %q: %s", bad, csp)
		}
	}
	for k, v := range alwaysHeaders {
		if got := h.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	bodiless := resp.StatusCode == http.StatusNoContent || resp.StatusCode == http.StatusMovedPermanently
	if ct := h.Get("Content-Type"); !bodiless && !strings.Contains(ct, "charset=utf-8") {
		t.Errorf("Content-Type %q has no charset", ct)
	}
	if cc := h.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	if id := h.Get("X-Request-Id"); !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(id) {
		t.Errorf("X-Request-Id = %q, want 32 hex digits", id)
	}
	for _, banner := range []string{"Server", "X-Powered-By"} {
		if v := h.Get(banner); v != "" {
			t.Errorf("%s banner present: %q", banner, v)
		}
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	normal := newFixture(t, nil)
	timingOut := newFixture(t, func(s *setup) { s.opts.RequestTimeout = time.Nanosecond })
	dbDown := newFixture(t, func(s *setup) { s.db = errTest })

	big := strings.Repeat("a", 11<<20)
	tests := []struct {
		name   string
		f      *fixture
		req    func() *http.Request
		status int
	}{
		{"health probe answers 200", normal, get("/healthz"), 200},
		{"home page answers 200", normal, get("/"), 200},
		{"csp report answers 204", normal, post("/api/v1/csp-report", "application/csp-report", validLegacyReport), 204},
		{"unknown page answers 404", normal, get("/no-such-page"), 404},
		{"unknown api path answers 404", normal, get("/api/v1/no-such-thing"), 404},
		{"wrong method answers 405", normal, method("POST", "/healthz"), 405},
		{"TRACE answers 405", normal, method("TRACE", "/"), 405},
		{"bad JSON answers 400", normal, post("/api/v1/probe", "application/json", `{"name":`), 400},
		{"cross-site post answers 403", normal, crossSite(post("/api/v1/probe", "application/json", `{"name":"a"}`)), 403},
		{"oversized body answers 413", normal, post("/api/v1/probe", "application/json", big), 413},
		{"text body answers 415", normal, post("/api/v1/probe", "text/plain", "hi"), 415},
		{"rate limited client answers 429", normal, from("192.0.2.99:5000", get("/api/v1/probe/ip")), 429},
		{"api panic answers 500", normal, get("/api/v1/probe/panic"), 500},
		{"ui panic answers 500", normal, get("/probe/panic"), 500},
		{"handler deadline answers 503", timingOut, get("/api/v1/probe/slow"), 503},
		{"readiness with database down answers 503", dbDown, get("/readyz"), 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := tt.f.do(tt.req())
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.status, body(t, resp))
			}
			assertSecurityHeaders(t, resp)
			if h := resp.Header.Get("Strict-Transport-Security"); h != "" {
				t.Errorf("HSTS sent over plain HTTP: %q", h)
			}
		})
	}
}

var nonceRE = regexp.MustCompile(`script-src 'self' 'nonce-([^']+)'`)

func nonceOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	m := nonceRE.FindStringSubmatch(resp.Header.Get("Content-Security-Policy"))
	if m == nil {
		t.Fatalf("no nonce in CSP %q", resp.Header.Get("Content-Security-Policy"))
	}
	return m[1]
}

func TestCSPNonceIsFreshPerResponseAndAtLeast128Bits(t *testing.T) {
	f := newFixture(t, nil)
	seen := map[string]bool{}
	for i := range 20 {
		path := "/"
		if i%2 == 1 {
			path = "/no-such-page" // errors get fresh nonces too
		}
		resp := f.do(get(path)())
		n := nonceOf(t, resp)
		raw, err := base64.RawURLEncoding.DecodeString(n)
		if err != nil || len(raw) < 16 {
			t.Fatalf("nonce %q: %d bytes (%v), want at least 16", n, len(raw), err)
		}
		if seen[n] {
			t.Fatalf("nonce %q repeated", n)
		}
		seen[n] = true
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "style-src 'self' 'nonce-"+n+"'") {
			t.Errorf("style-src does not carry the same nonce: %s", csp)
		}
	}
}

func TestHomePageScriptsCarryTheResponseNonce(t *testing.T) {
	f := newFixture(t, nil)
	resp := f.do(get("/")())
	html := body(t, resp)
	n := nonceOf(t, resp)
	scripts := regexp.MustCompile(`<script[^>]*>`).FindAllString(html, -1)
	if len(scripts) == 0 {
		t.Fatal("home page has no script tag to check")
	}
	for _, s := range scripts {
		if !strings.Contains(s, `nonce="`+n+`"`) || !strings.Contains(s, `src="/static/`) {
			t.Errorf("script tag %s lacks the response nonce or an external src", s)
		}
	}
}

func TestCSPModes(t *testing.T) {
	tests := []struct {
		name    string
		strict  bool
		want    []string
		notWant []string
	}{
		{"strict mode forbids inline code and upgrades requests", true,
			append([]string{}, cspDirectives...),
			[]string{"unsafe-inline", "unsafe-eval", "localhost"}},
		{"relaxed mode allows inline, eval and localhost connections", false,
			[]string{"default-src 'self'", "'unsafe-inline'", "'unsafe-eval'", "connect-src 'self' http://localhost:*",
				"object-src 'none'", "frame-ancestors 'none'", "report-uri /api/v1/csp-report", "'nonce-"},
			[]string{"upgrade-insecure-requests"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(s *setup) { s.opts.StrictCSP = tt.strict })
			csp := f.do(get("/")()).Header.Get("Content-Security-Policy")
			for _, w := range tt.want {
				if !strings.Contains(csp, w) {
					t.Errorf("CSP lacks %q: %s", w, csp)
				}
			}
			for _, nw := range tt.notWant {
				if strings.Contains(csp, nw) {
					t.Errorf("CSP contains %q: %s", nw, csp)
				}
			}
		})
	}
}

func TestHSTSOnlyInStrictModeOverHTTPS(t *testing.T) {
	overTLS := func(r *http.Request) *http.Request { r.TLS = &tls.ConnectionState{Version: tls.VersionTLS13}; return r }
	viaProxy := func(peer string) func(*http.Request) *http.Request {
		return func(r *http.Request) *http.Request {
			r.RemoteAddr = peer
			r.Header.Set("X-Forwarded-Proto", "https")
			return r
		}
	}
	tests := []struct {
		name   string
		strict bool
		req    func(*http.Request) *http.Request
		want   bool
	}{
		{"strict over TLS sends HSTS", true, overTLS, true},
		{"strict over a trusted https proxy sends HSTS", true, viaProxy("10.1.2.3:4000"), true},
		{"strict over plain HTTP does not", true, func(r *http.Request) *http.Request { return r }, false},
		{"strict with an untrusted peer claiming https does not", true, viaProxy("203.0.113.5:4000"), false},
		{"relaxed over TLS does not", false, overTLS, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(s *setup) { s.opts.StrictCSP = tt.strict })
			for _, path := range []string{"/healthz", "/no-such-page"} {
				got := f.do(tt.req(get(path)())).Header.Get("Strict-Transport-Security")
				if tt.want && got != "max-age=31536000; includeSubDomains" {
					t.Errorf("%s: HSTS = %q, want max-age=31536000; includeSubDomains", path, got)
				}
				if !tt.want && got != "" {
					t.Errorf("%s: HSTS = %q, want none", path, got)
				}
			}
		})
	}
}

// request builders

func get(path string) func() *http.Request { return method("GET", path) }

func method(m, path string) func() *http.Request {
	return func() *http.Request { return httptest.NewRequest(m, path, nil) }
}

func post(path, ctype, b string) func() *http.Request {
	return func() *http.Request {
		r := httptest.NewRequest("POST", path, strings.NewReader(b))
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		return r
	}
}

func crossSite(mk func() *http.Request) func() *http.Request {
	return func() *http.Request {
		r := mk()
		r.Header.Set("Sec-Fetch-Site", "cross-site")
		r.Header.Set("Origin", "https://evil.example")
		return r
	}
}

func from(peer string, mk func() *http.Request) func() *http.Request {
	return func() *http.Request {
		r := mk()
		r.RemoteAddr = peer
		return r
	}
}

var errTest = errTestType("database unreachable: dial tcp 10.0.0.5:5432: connection refused")

type errTestType string

func (e errTestType) Error() string { return string(e) }

const validLegacyReport = `{"csp-report": {
  "document-uri": "https://shop.example/chat?token=SECRET-QUERY",
  "referrer": "",
  "violated-directive": "script-src-elem",
  "effective-directive": "script-src-elem",
  "original-policy": "default-src 'self'; ORIGINAL-POLICY-MARKER",
  "disposition": "enforce",
  "blocked-uri": "https://cdn.evil.example/x.js?session=SECRET-QUERY",
  "status-code": 200,
  "line-number": 3,
  "column-number": 7,
  "source-file": "https://shop.example/static/app.js"
}}`

var _ = server.Options{}

package server_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"supportbot/internal/server"
)

func TestCORSPreflight(t *testing.T) {
	f := newFixture(t, nil)
	preflight := func(origin string) *http.Response {
		r := httptest.NewRequest("OPTIONS", "/api/v1/probe", nil)
		r.Header.Set("Origin", origin)
		r.Header.Set("Access-Control-Request-Method", "POST")
		r.Header.Set("Access-Control-Request-Headers", "authorization,content-type") // as browsers send it: sorted, lower case
		return f.do(r)
	}
	t.Run("allowed origin gets its exact origin and the restricted lists", func(t *testing.T) {
		resp := preflight("https://shop.example")
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://shop.example" {
			t.Errorf("Access-Control-Allow-Origin = %q, want the origin", got)
		}
		methods := resp.Header.Get("Access-Control-Allow-Methods")
		if !strings.Contains(methods, "POST") || strings.Contains(methods, "*") {
			t.Errorf("Access-Control-Allow-Methods = %q", methods)
		}
		headers := strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers"))
		if !strings.Contains(headers, "content-type") || !strings.Contains(headers, "authorization") || strings.Contains(headers, "*") {
			t.Errorf("Access-Control-Allow-Headers = %q", headers)
		}
		if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
			t.Error("credentials allowed although not configured")
		}
		assertSecurityHeaders(t, resp)
	})
	t.Run("disallowed origin gets no CORS grant", func(t *testing.T) {
		resp := preflight("https://evil.example")
		for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers"} {
			if v := resp.Header.Get(h); v != "" {
				t.Errorf("%s = %q for a foreign origin", h, v)
			}
		}
	})
	t.Run("a method outside the list is not granted", func(t *testing.T) {
		r := httptest.NewRequest("OPTIONS", "/api/v1/probe", nil)
		r.Header.Set("Origin", "https://shop.example")
		r.Header.Set("Access-Control-Request-Method", "TRACE")
		if v := f.do(r).Header.Get("Access-Control-Allow-Origin"); v != "" {
			t.Errorf("TRACE preflight granted: %q", v)
		}
	})
}

func TestUnsafeCORSOriginsAreRefused(t *testing.T) {
	for _, origin := range []string{"*", "null", "https://*.shop.example", "https://shop.example/path", "shop.example", "HTTPS://SHOP.EXAMPLE"} {
		t.Run(origin, func(t *testing.T) {
			_, err := server.New(server.Options{CORSAllowedOrigins: []string{origin}}, server.Deps{
				Logger: slog.New(slog.DiscardHandler), DB: fakeDB{}, Audit: &fakeRecorder{}, Limiter: &fakeLimiter{},
			})
			if err == nil {
				t.Fatalf("origin %q accepted", origin)
			}
		})
	}
}

func TestCrossOriginProtection(t *testing.T) {
	f := newFixture(t, nil)
	report := post("/api/v1/csp-report", "application/csp-report", validLegacyReport)
	with := func(headers map[string]string) func() *http.Request {
		return func() *http.Request {
			r := report()
			for k, v := range headers {
				r.Header.Set(k, v)
			}
			return r
		}
	}
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"cross-site fetch metadata is refused", with(map[string]string{"Sec-Fetch-Site": "cross-site"}), 403},
		{"same-site but cross-origin is refused", with(map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://blog.example.com"}), 403},
		{"foreign Origin without fetch metadata is refused", with(map[string]string{"Origin": "https://evil.example"}), 403},
		{"cross-site UI form post is refused", func() *http.Request {
			r := httptest.NewRequest("POST", "/", strings.NewReader("a=b"))
			r.Header.Set("Sec-Fetch-Site", "cross-site")
			return r
		}, 403},
		{"same-origin post is allowed", with(map[string]string{"Sec-Fetch-Site": "same-origin"}), 204},
		{"matching Origin is allowed", with(map[string]string{"Origin": "http://example.com"}), 204},
		{"allowed CORS origin is trusted", with(map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://shop.example"}), 204},
		{"non-browser client without either header is allowed", report, 204},
		{"cross-site GET is a safe method and allowed", func() *http.Request {
			r := httptest.NewRequest("GET", "/healthz", nil)
			r.Header.Set("Sec-Fetch-Site", "cross-site")
			return r
		}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.do(tt.req())
			b := body(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.status, b)
			}
			if tt.status == 403 {
				assertSecurityHeaders(t, resp)
				if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
					if e := decodeError(t, b); e.Error.Code != "forbidden" {
						t.Errorf("code = %q, want forbidden", e.Error.Code)
					}
				}
			}
		})
	}
}

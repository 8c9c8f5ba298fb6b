package server_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestRateLimitPerClientIP(t *testing.T) {
	f := newFixture(t, func(s *setup) { s.limiter.allow = 2 })
	ipReq := from("198.51.100.20:4242", get("/api/v1/probe/ip"))
	for i := range 2 {
		resp := f.do(ipReq())
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: status %d, want 200", i+1, resp.StatusCode)
		}
		for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("request %d: no %s on an allowed response", i+1, h)
			}
		}
	}
	resp := f.do(ipReq())
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("third request: status %d, want 429", resp.StatusCode)
	}
	assertSecurityHeaders(t, resp)
	for h, want := range map[string]string{
		"Retry-After":           "2", // 1.5 s rounded up
		"X-RateLimit-Limit":     "60",
		"X-RateLimit-Remaining": "0",
		"X-RateLimit-Reset":     "31", // 30.2 s rounded up
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	e := decodeError(t, body(t, resp))
	if e.Error.Code != "rate_limited" {
		t.Errorf("code = %q, want rate_limited", e.Error.Code)
	}

	events := f.audit.all()
	if len(events) != 1 {
		t.Fatalf("audit events = %d, want 1: %+v", len(events), events)
	}
	ev := events[0]
	if ev.Type != "ratelimit.exceeded" || ev.Level != "WARNING" || ev.IP != "198.51.100.20" ||
		ev.RequestID != e.Error.RequestID || ev.Status != "denied" || ev.Target != "route:GET /api/v1/probe/ip" {
		t.Errorf("audit event = %+v", ev)
	}

	// A flood of refusals is audited once a minute, not once per request.
	for range 5 {
		if resp := f.do(ipReq()); resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("status %d, want 429", resp.StatusCode)
		}
	}
	if n := len(f.audit.all()); n != 1 {
		t.Errorf("audit events after a flood = %d, want still 1", n)
	}

	// Another client has its own allowance.
	if resp := f.do(from("198.51.100.21:4242", get("/api/v1/probe/ip"))()); resp.StatusCode != 200 {
		t.Errorf("another client: status %d, want 200", resp.StatusCode)
	}
}

func TestRateLimitKeysOnTheForwardedClientOnlyBehindTrustedProxies(t *testing.T) {
	f := newFixture(t, nil)
	r := from("10.0.0.7:1000", get("/api/v1/probe/ip"))()
	r.Header.Set("X-Forwarded-For", "192.0.2.99") // the denied test client
	if resp := f.do(r); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("forwarded for a denied client via a trusted proxy: status %d, want 429", resp.StatusCode)
	}
	r = from("192.0.2.99:1000", get("/api/v1/probe/ip"))()
	r.Header.Set("X-Forwarded-For", "198.51.100.1") // spoofing from an untrusted peer
	if resp := f.do(r); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("spoofed X-Forwarded-For escaped the limit: status %d, want 429", resp.StatusCode)
	}
}

func TestRateLimitAppliesOnlyToTheAPI(t *testing.T) {
	f := newFixture(t, nil)
	for _, path := range []string{"/healthz", "/readyz", "/", "/no-such-page"} {
		resp := f.do(from("192.0.2.99:1", get(path))())
		if resp.StatusCode == http.StatusTooManyRequests {
			t.Errorf("%s was rate limited", path)
		}
		if resp.Header.Get("X-RateLimit-Limit") != "" {
			t.Errorf("%s carries rate-limit headers", path)
		}
	}
	if n := f.limiter.calls("ip:"); n != 0 {
		t.Errorf("limiter consulted %d times for unlimited routes", n)
	}
}

func TestRateLimiterFailureFailsClosed(t *testing.T) {
	f := newFixture(t, func(s *setup) { s.limiter.err = errors.New("redis: connection refused") })
	resp := f.do(get("/api/v1/probe/ip")())
	b := body(t, resp)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", resp.StatusCode)
	}
	assertSecurityHeaders(t, resp)
	if e := decodeError(t, b); e.Error.Code != "service_unavailable" {
		t.Errorf("code = %q", e.Error.Code)
	}
	if !containsAll(f.log.String(), "redis: connection refused") {
		t.Error("limiter failure not logged")
	}
}

// TestRateLimitKeysIPv6ClientsOnTheirSlash64 checks that an IPv6 client,
// which usually holds a whole /64, cannot escape the limit by moving to
// another address of it, and that IPv4-mapped addresses count as IPv4.
func TestRateLimitKeysIPv6ClientsOnTheirSlash64(t *testing.T) {
	f := newFixture(t, func(s *setup) { s.limiter.allow = 2 })
	status := func(peer string) int {
		t.Helper()
		return f.do(from(peer, get("/api/v1/probe/ip"))()).StatusCode
	}
	for i, peer := range []string{"[2001:db8:1:2::1]:4242", "[2001:db8:1:2:ffff:ffff:ffff:fffe]:4243"} {
		if got := status(peer); got != 200 {
			t.Fatalf("request %d from %s: status %d, want 200", i+1, peer, got)
		}
	}
	for _, peer := range []string{"[2001:db8:1:2::3]:1", "[2001:db8:1:2:abcd::9]:2"} {
		if got := status(peer); got != http.StatusTooManyRequests {
			t.Errorf("%s, in the same /64: status %d, want 429", peer, got)
		}
	}
	if got := status("[2001:db8:1:3::1]:1"); got != 200 {
		t.Errorf("the next /64: status %d, want 200", got)
	}
	if n := f.limiter.calls("ip:2001:db8:1:2::/64"); n != 4 {
		t.Errorf("the /64's bucket was consulted %d times, want 4", n)
	}

	// The flood from the /64 is audited once, under the address that
	// first hit the limit and naming the shared bucket.
	events := f.audit.all()
	if len(events) != 1 {
		t.Fatalf("audit events = %d, want 1: %+v", len(events), events)
	}
	if ev := events[0]; ev.IP != "2001:db8:1:2::3" || !strings.Contains(ev.Details, "2001:db8:1:2::/64") {
		t.Errorf("audit event = %+v", ev)
	}

	// An IPv4-mapped address is its IPv4 client, not a /64.
	for range 2 {
		if got := status("[::ffff:198.51.100.30]:1"); got != 200 {
			t.Fatalf("IPv4-mapped client: status %d, want 200", got)
		}
	}
	if got := status("198.51.100.30:1"); got != http.StatusTooManyRequests {
		t.Errorf("the same client over IPv4: status %d, want 429", got)
	}
	if n := f.limiter.calls("ip:198.51.100.30"); n != 3 {
		t.Errorf("IPv4 bucket consulted %d times, want 3", n)
	}
}

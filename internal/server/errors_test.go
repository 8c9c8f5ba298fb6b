package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// internals must never reach a client (DESIGN.md, "Errors leave through one
// writer").
var internals = []string{"hunter2", "/srv/", ".go:", "goroutine", "panic", "SELECT", "password", "runtime/", "exploded"}

func TestPanicsAnswer500WithoutInternals(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name  string
		path  string
		ctype string
	}{
		{"API panic answers JSON", "/api/v1/probe/panic", "application/json; charset=utf-8"},
		{"UI panic answers the HTML page", "/probe/panic", "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.do(get(tt.path)())
			b := body(t, resp)
			if resp.StatusCode != 500 {
				t.Fatalf("status %d, want 500", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", got, tt.ctype)
			}
			for _, s := range internals {
				if strings.Contains(b, s) {
					t.Errorf("body leaks %q:\n%s", s, b)
				}
			}
			id := resp.Header.Get("X-Request-Id")
			if !strings.Contains(b, id) {
				t.Errorf("body lacks the request ID %s", id)
			}
			log := f.log.String()
			if !containsAll(log, `"event":"http.panic"`, `"request_id":"`+id+`"`, "goroutine", "exploded") {
				t.Errorf("log lacks the panic with its stack and request ID:\n%s", log)
			}
		})
	}
}

func TestHandlerErrorsAnswerFixedMessages(t *testing.T) {
	f := newFixture(t, nil)
	resp := f.do(get("/api/v1/probe/error")())
	b := body(t, resp)
	if resp.StatusCode != 500 {
		t.Fatalf("status %d, want 500", resp.StatusCode)
	}
	for _, s := range internals {
		if strings.Contains(b, s) {
			t.Errorf("body leaks %q: %s", s, b)
		}
	}
	e := decodeError(t, b)
	if e.Error.Code != "internal_error" || e.Error.RequestID != resp.Header.Get("X-Request-Id") {
		t.Errorf("error body = %+v", e)
	}
	if !containsAll(f.log.String(), "password authentication failed", e.Error.RequestID) {
		t.Error("the log lacks the full error with the request ID")
	}
}

func TestErrorResponsesAreCounted(t *testing.T) {
	f := newFixture(t, nil)
	for _, p := range []string{"/nope", "/api/v1/nope", "/api/v1/probe/error"} {
		f.do(get(p)())
	}
	c := f.srv.ErrorCounts()
	if c.ByClass["4xx"] != 2 || c.ByClass["5xx"] != 1 {
		t.Errorf("by class = %v", c.ByClass)
	}
	if c.ByStatus[404] != 2 || c.ByStatus[500] != 1 {
		t.Errorf("by status = %v", c.ByStatus)
	}
	if c.ByCode["not_found"] != 2 || c.ByCode["internal_error"] != 1 {
		t.Errorf("by code = %v", c.ByCode)
	}
}

func TestHandlerDeadline(t *testing.T) {
	t.Run("a handler past its deadline answers 503", func(t *testing.T) {
		f := newFixture(t, func(s *setup) { s.opts.RequestTimeout = time.Nanosecond })
		resp := f.do(get("/api/v1/probe/slow")())
		b := body(t, resp)
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("status %d, want 503; body %s", resp.StatusCode, b)
		}
		assertSecurityHeaders(t, resp)
		if e := decodeError(t, b); e.Error.Code != "service_unavailable" {
			t.Errorf("code = %q", e.Error.Code)
		}
	})
	t.Run("a fast handler is unaffected", func(t *testing.T) {
		f := newFixture(t, nil)
		if resp := f.do(get("/api/v1/probe/ip")()); resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}

func TestClientIPResolution(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name  string
		peer  string
		xff   []string
		xfp   string
		ip    string
		https bool
	}{
		{"direct client is its peer address", "198.51.100.9:5555", nil, "", "198.51.100.9", false},
		{"forwarded headers from an untrusted peer are ignored", "198.51.100.9:5555", []string{"203.0.113.1"}, "https", "198.51.100.9", false},
		{"a trusted proxy's forwarded client is used", "10.0.0.2:5555", []string{"203.0.113.1"}, "https", "203.0.113.1", true},
		{"trusted hops are skipped right to left", "10.0.0.2:5555", []string{"6.6.6.6, 203.0.113.1, 10.9.9.9"}, "", "203.0.113.1", false},
		{"a spoofed left-most entry does not win", "10.0.0.2:5555", []string{"1.1.1.1", "203.0.113.1"}, "", "203.0.113.1", false},
		{"garbage stops the walk at the last trusted hop", "10.0.0.2:5555", []string{"203.0.113.1, not-an-ip"}, "", "10.0.0.2", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := from(tt.peer, get("/api/v1/probe/ip"))()
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if tt.xfp != "" {
				r.Header.Set("X-Forwarded-Proto", tt.xfp)
			}
			b := body(t, f.do(r))
			want := `{"https":` + map[bool]string{true: "true", false: "false"}[tt.https] + `,"ip":"` + tt.ip + `"}`
			if strings.TrimSpace(b) != want {
				t.Errorf("got %s, want %s", b, want)
			}
		})
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

var _ = regexp.MustCompile

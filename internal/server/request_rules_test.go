package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRequestBodyRules(t *testing.T) {
	f := newFixture(t, nil)
	elevenMB := strings.Repeat(" ", 11<<20) + `{"name":"a"}`
	tests := []struct {
		name      string
		req       func() *http.Request
		status    int
		code      string
		field     string // JSON pointer the error must name
		reachesOK bool   // the handler runs
	}{
		{"valid body reaches the handler", post("/api/v1/probe", "application/json", `{"name":"ann","count":2}`), 200, "", "", true},
		{"JSON with utf-8 charset is accepted", post("/api/v1/probe", "application/json; charset=UTF-8", `{"name":"ann"}`), 200, "", "", true},
		{"11 MB declared body is refused before reading", post("/api/v1/probe", "application/json", elevenMB), 413, "payload_too_large", "", false},
		{"11 MB chunked body is cut off at the limit", chunked(elevenMB), 413, "payload_too_large", "", false},
		{"text/plain is unsupported", post("/api/v1/probe", "text/plain", `{"name":"ann"}`), 415, "unsupported_media_type", "", false},
		{"missing content type is unsupported", post("/api/v1/probe", "", `{"name":"ann"}`), 415, "unsupported_media_type", "", false},
		{"JSON in another charset is unsupported", post("/api/v1/probe", "application/json; charset=latin1", `{"name":"ann"}`), 415, "unsupported_media_type", "", false},
		{"form encoding is unsupported", post("/api/v1/probe", "application/x-www-form-urlencoded", `name=ann`), 415, "unsupported_media_type", "", false},
		{"unknown field names the field", post("/api/v1/probe", "application/json", `{"name":"ann","is_admin":true}`), 400, "bad_request", "/is_admin", false},
		{"trailing data is refused", post("/api/v1/probe", "application/json", `{"name":"ann"} {"name":"eve"}`), 400, "bad_request", "", false},
		{"trailing garbage is refused", post("/api/v1/probe", "application/json", `{"name":"ann"}x`), 400, "bad_request", "", false},
		{"wrong type names the field", post("/api/v1/probe", "application/json", `{"name":42}`), 400, "bad_request", "/name", false},
		{"schema violation names the field", post("/api/v1/probe", "application/json", `{"name":"`+strings.Repeat("n", 21)+`"}`), 400, "bad_request", "/name", false},
		{"negative count violates the minimum", post("/api/v1/probe", "application/json", `{"name":"ann","count":-1}`), 400, "bad_request", "/count", false},
		{"missing required field names it", post("/api/v1/probe", "application/json", `{"count":1}`), 400, "bad_request", "/name", false},
		{"malformed JSON is refused", post("/api/v1/probe", "application/json", `{"name":`), 400, "bad_request", "", false},
		{"empty body is refused", post("/api/v1/probe", "application/json", ``), 400, "bad_request", "", false},
		{"an array instead of an object is refused", post("/api/v1/probe", "application/json", `[]`), 400, "bad_request", "", false},
		{"a body on a GET route is refused", func() *http.Request {
			r := httptest.NewRequest("GET", "/healthz", strings.NewReader("{}"))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 400, "bad_request", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.probed.Load()
			resp := f.do(tt.req())
			b := body(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.status, b)
			}
			if ran := f.probed.Load() > before; ran != tt.reachesOK {
				t.Errorf("handler ran = %v, want %v", ran, tt.reachesOK)
			}
			if tt.code == "" {
				return
			}
			e := decodeError(t, b)
			if e.Error.Code != tt.code {
				t.Errorf("code = %q, want %q", e.Error.Code, tt.code)
			}
			if e.Error.Field != tt.field {
				t.Errorf("field = %q, want %q (message %q)", e.Error.Field, tt.field, e.Error.Message)
			}
			if tt.field != "" && !strings.Contains(e.Error.Message, tt.field) {
				t.Errorf("message %q does not name %s", e.Error.Message, tt.field)
			}
			if e.Error.RequestID != resp.Header.Get("X-Request-Id") {
				t.Errorf("request_id %q differs from X-Request-Id %q", e.Error.RequestID, resp.Header.Get("X-Request-Id"))
			}
		})
	}
}

// chunked is a POST whose length is not declared, so only the reader's limit
// can stop it.
func chunked(b string) func() *http.Request {
	return func() *http.Request {
		r := httptest.NewRequest("POST", "/api/v1/probe", io.NopCloser(strings.NewReader(b)))
		r.ContentLength = -1
		r.Header.Set("Content-Type", "application/json")
		return r
	}
}

func TestMethodRules(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name   string
		method string
		path   string
		allow  string
	}{
		{"POST to a GET route lists GET and HEAD", "POST", "/healthz", "GET, HEAD"},
		{"DELETE to the report route lists POST", "DELETE", "/api/v1/csp-report", "POST"},
		{"GET to the report route lists POST", "GET", "/api/v1/csp-report", "POST"},
		{"TRACE is never allowed", "TRACE", "/healthz", "GET, HEAD"},
		{"TRACE on an unknown path is still 405", "TRACE", "/nowhere", ""},
		{"PUT on a UI page", "PUT", "/", "GET, HEAD"},
		{"OPTIONS without preflight headers is not a method of ours", "OPTIONS", "/healthz", "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := f.do(httptest.NewRequest(tt.method, tt.path, nil))
			b := body(t, resp)
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Fatalf("status = %d, want 405; body %s", resp.StatusCode, b)
			}
			if got := resp.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if _, ok := resp.Header["Allow"]; !ok {
				t.Error("no Allow header")
			}
			if strings.HasPrefix(tt.path, "/api/") || tt.path == "/healthz" {
				if e := decodeError(t, b); e.Error.Code != "method_not_allowed" {
					t.Errorf("code = %q, want method_not_allowed", e.Error.Code)
				}
			} else if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Errorf("UI 405 Content-Type = %q, want HTML", resp.Header.Get("Content-Type"))
			}
			if strings.Contains(b, "Method Not Allowed\n") {
				t.Error("the mux's own plain-text body leaked through")
			}
		})
	}
}

func TestHEADIsServedLikeGET(t *testing.T) {
	f := newFixture(t, nil)
	resp := f.do(httptest.NewRequest("HEAD", "/healthz", nil))
	if resp.StatusCode != 200 {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	assertSecurityHeaders(t, resp)
}

func TestCSPReportEndpoint(t *testing.T) {
	const batch = `[{"type":"csp-violation","age":3,"url":"https://shop.example/","user_agent":"Mozilla/5.0",
	  "body":{"documentURL":"https://shop.example/","blockedURL":"inline","effectiveDirective":"style-src-attr",
	  "originalPolicy":"ORIGINAL-POLICY-MARKER","disposition":"enforce","statusCode":200,"lineNumber":1,"columnNumber":2}}]`
	tests := []struct {
		name   string
		ctype  string
		body   string
		status int
		logged []string // in the log
	}{
		{"legacy report is logged and answered 204", "application/csp-report", validLegacyReport, 204,
			[]string{`"event":"csp.violation"`, `"blocked_uri":"https://cdn.evil.example/x.js"`, `"directive":"script-src-elem"`}},
		{"reporting API batch is logged and answered 204", "application/reports+json", batch, 204,
			[]string{`"event":"csp.violation"`, `"blocked_uri":"inline"`, `"directive":"style-src-attr"`}},
		{"plain JSON is accepted too", "application/json", validLegacyReport, 204, []string{`"event":"csp.violation"`}},
		{"text/plain is refused", "text/plain", validLegacyReport, 415, nil},
		{"unknown member is refused", "application/csp-report", `{"csp-report":{"blocked-uri":"x","evil":"1"}}`, 400, nil},
		{"wrong type is refused", "application/csp-report", `{"csp-report":{"line-number":"three"}}`, 400, nil},
		{"oversized value is refused", "application/csp-report", `{"csp-report":{"blocked-uri":"` + strings.Repeat("a", 5000) + `"}}`, 400, nil},
		{"not a report is refused", "application/csp-report", `{"hello":"world"}`, 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			resp := f.do(post("/api/v1/csp-report", tt.ctype, tt.body)())
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %s", resp.StatusCode, tt.status, body(t, resp))
			}
			log := f.log.String()
			for _, want := range tt.logged {
				if !strings.Contains(log, want) {
					t.Errorf("log lacks %s:\n%s", want, log)
				}
			}
			for _, never := range []string{"ORIGINAL-POLICY-MARKER", "SECRET-QUERY"} {
				if strings.Contains(log, never) {
					t.Errorf("log holds %q, which is not to be logged:\n%s", never, log)
				}
			}
		})
	}
}

func TestCSPReportOverTheBodyLimitIs413(t *testing.T) {
	f := newFixture(t, func(s *setup) { s.opts.MaxBodyBytes = 1 << 10 })
	resp := f.do(post("/api/v1/csp-report", "application/csp-report", strings.Repeat(" ", 2<<10)+validLegacyReport)())
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("status = %d, want 413", resp.StatusCode)
	}
}

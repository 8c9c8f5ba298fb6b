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
		{"a repeated member is refused, not last-wins", post("/api/v1/probe", "application/json", `{"name":"ann","count":-1,"count":1}`), 400, "bad_request", "/count", false},
		{"nesting past the depth limit is refused", post("/api/v1/probe", "application/json", `{"name":"ann","count":`+strings.Repeat("[", 40)+strings.Repeat("]", 40)+`}`), 400, "bad_request", "/count" + strings.Repeat("/0", 31), false},
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

// TestRepeatedMembersCannotSmuggleUnvalidatedValues sends reports whose
// invalid values sit in an earlier copy of a repeated member: the schema
// would see only the last, valid, copy while struct decoding merges both, so
// the handler would log values the schema never checked. They are refused
// before the schema runs, naming the repeated member.
func TestRepeatedMembersCannotSmuggleUnvalidatedValues(t *testing.T) {
	tests := []struct {
		name  string
		ctype string
		body  string
		field string
	}{
		{"legacy report", "application/csp-report",
			`{"csp-report":{"disposition":"INJECTED","line-number":-5},"csp-report":{}}`, "/csp-report"},
		{"reporting API batch", "application/reports+json",
			`[{"type":"csp-violation","body":{"disposition":"INJECTED","lineNumber":-5},"body":{}}]`, "/0/body"},
		{"repeated member inside the report", "application/csp-report",
			`{"csp-report":{"disposition":"INJECTED","disposition":"enforce"}}`, "/csp-report/disposition"},
		{"repetition spelled with an escape", "application/csp-report",
			`{"csp-report":{"disposition":"INJECTED"},"\u0063sp-report":{}}`, "/csp-report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			resp := f.do(post("/api/v1/csp-report", tt.ctype, tt.body)())
			b := body(t, resp)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("status = %d, want 400; body %s", resp.StatusCode, b)
			}
			assertSecurityHeaders(t, resp)
			e := decodeError(t, b)
			if e.Error.Code != "bad_request" || e.Error.Field != tt.field || !strings.Contains(e.Error.Message, tt.field+" is repeated") {
				t.Errorf("error = %+v, want bad_request naming %s as repeated", e.Error, tt.field)
			}
			if log := f.log.String(); strings.Contains(log, `"event":"csp.violation"`) || strings.Contains(log, "INJECTED") {
				t.Errorf("the handler ran on the smuggled report:\n%s", log)
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

// TestNonCanonicalPaths checks that paths with empty, "." or ".." segments
// never get the mux's own 307 and HTML body: API paths (and paths that
// clean to one) answer 404 through the error writer; UI pages fetched with
// GET or HEAD get an empty 301 to a same-origin clean path.
func TestNonCanonicalPaths(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name     string
		req      func() *http.Request
		status   int
		location string // for 301
		json     bool   // the error is JSON (else HTML)
	}{
		{"doubled slash before a probe", get("//healthz"), 404, "", true},
		{"dot-dot out of the API", get("/api/../healthz"), 404, "", true},
		{"dot-dot inside the API", get("/api/v1/probe/../probe/ip"), 404, "", true},
		{"doubled slash before the API", get("//api/v1/probe/ip"), 404, "", true},
		{"POST to a non-canonical API path does not reach the handler",
			post("/api/v1/./probe", "application/json", `{"name":"ann"}`), 404, "", true},
		{"UI page with a dot segment redirects, query kept", get("/./?lang=de"), 301, "/?lang=de", false},
		{"HEAD redirects too", method("HEAD", "/static/../"), 301, "/", false},
		{"a doubled slash never becomes a protocol-relative Location", get("///evil.example/"), 301, "/evil.example/", false},
		{"a backslash is escaped in the Location", get(`/./\evil.example`), 301, "/%5Cevil.example", false},
		{"POST to a non-canonical UI path is 404", post("//", "application/x-www-form-urlencoded", "a=b"), 404, "", false},
		{"the * target is a 400 from the error writer", method("OPTIONS", "*"), 400, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.probed.Load()
			resp := f.do(tt.req())
			b := body(t, resp)
			if resp.StatusCode != tt.status {
				t.Fatalf("status = %d, want %d; body %q", resp.StatusCode, tt.status, b)
			}
			assertSecurityHeaders(t, resp)
			if f.probed.Load() != before {
				t.Error("the handler ran")
			}
			if strings.Contains(b, "Redirect</a>") || strings.Contains(b, "Moved Permanently</a>") {
				t.Errorf("the mux's own body leaked through: %q", b)
			}
			if tt.status == http.StatusMovedPermanently {
				if got := resp.Header.Get("Location"); got != tt.location {
					t.Errorf("Location = %q, want %q", got, tt.location)
				}
				if b != "" || resp.Header.Get("Content-Type") != "" {
					t.Errorf("redirect has a body: %q (%s)", b, resp.Header.Get("Content-Type"))
				}
				return
			}
			if loc := resp.Header.Get("Location"); loc != "" {
				t.Errorf("error carries Location %q", loc)
			}
			if tt.json {
				e := decodeError(t, b)
				if e.Error.Code != "not_found" || e.Error.RequestID != resp.Header.Get("X-Request-Id") {
					t.Errorf("error = %+v", e.Error)
				}
				return
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(b, resp.Header.Get("X-Request-Id")) {
				t.Errorf("UI error is not our HTML page: %s %q", resp.Header.Get("Content-Type"), b)
			}
		})
	}

	// Canonical paths, dots in names included, are routed as before.
	for path, want := range map[string]int{"/healthz": 200, "/.well-known/security.txt": 404, "/api/v1/probe/ip": 200} {
		if resp := f.do(get(path)()); resp.StatusCode != want {
			t.Errorf("GET %s: status %d, want %d", path, resp.StatusCode, want)
		}
	}
}

package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// assertStrictHTML checks the rules every page follows under the strict CSP
// (DESIGN.md, invariant 8; issue 5, "Rules for every page").
func assertStrictHTML(t *testing.T, html string) {
	t.Helper()
	if !strings.Contains(html, `<html lang="en">`) {
		t.Error("no lang attribute")
	}
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`<style`),
		regexp.MustCompile(`\sstyle=`),
		regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]+</script>`), // inline script body
		regexp.MustCompile(`\son[a-z]+=`),                        // event handler attribute
		regexp.MustCompile(`javascript:`),
		regexp.MustCompile(`(?:src|href)="(?:https?:)?//`), // anything off-site
	} {
		if loc := bad.FindStringIndex(html); loc != nil {
			t.Errorf("page breaks the strict-CSP rules at %q", html[max(loc[0]-20, 0):min(loc[1]+20, len(html))])
		}
	}
	if !regexp.MustCompile(`<link rel="stylesheet" href="/static/app\.[0-9a-f]{16}\.css">`).MatchString(html) {
		t.Error("no content-hashed stylesheet link")
	}
}

func TestHomePage(t *testing.T) {
	tests := []struct {
		name   string
		db     error
		status string
	}{
		{"healthy service says so", nil, "All systems operational."},
		{"database down shows the degraded state", errTest, "Some services are unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, func(s *setup) { s.db = tt.db })
			resp := f.do(get("/")())
			html := body(t, resp)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("got %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			assertStrictHTML(t, html)
			if !strings.Contains(html, tt.status) {
				t.Errorf("page does not show %q", tt.status)
			}
			if strings.Contains(html, "connection refused") {
				t.Error("page leaks the database error")
			}
		})
	}
}

func TestUIErrorPageIsHTMLWithRequestID(t *testing.T) {
	f := newFixture(t, nil)
	for _, path := range []string{"/no-such-page", "/static/app.css", "/probe/panic"} {
		t.Run(path, func(t *testing.T) {
			resp := f.do(get(path)())
			html := body(t, resp)
			if resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("Content-Type = %q", resp.Header.Get("Content-Type"))
			}
			assertStrictHTML(t, html)
			id := resp.Header.Get("X-Request-Id")
			if !strings.Contains(html, "<code>"+id+"</code>") {
				t.Errorf("page does not show the request ID %s", id)
			}
			assertSecurityHeaders(t, resp)
		})
	}
}

func TestStaticAssetsAreHashedAndImmutable(t *testing.T) {
	f := newFixture(t, nil)
	html := body(t, f.do(get("/")()))
	urls := regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(urls) < 3 {
		t.Fatalf("expected stylesheet, icon and script URLs, found %v", urls)
	}
	wantType := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml; charset=utf-8"}
	for _, m := range urls {
		u := m[1]
		if !regexp.MustCompile(`^/static/[a-z]+\.[0-9a-f]{16}\.(css|js|svg)$`).MatchString(u) {
			t.Errorf("%s is not a content-hashed URL", u)
		}
		resp := f.do(get(u)())
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", u, resp.StatusCode)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control = %q", u, cc)
		}
		if ct := resp.Header.Get("Content-Type"); ct != wantType[u[strings.LastIndex(u, "."):]] {
			t.Errorf("%s: Content-Type = %q", u, ct)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: security headers missing", u)
		}
	}
	resp := f.do(get("/static/app.0000000000000000.css")())
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("stale asset name: %d %q, want 404 no-store", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
}

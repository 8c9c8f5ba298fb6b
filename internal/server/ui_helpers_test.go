package server_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"supportbot/internal/http/cookie"
	"testing"

	"supportbot/internal/http/request"
	"supportbot/internal/users"
)

// Helpers of the web UI's tests (issue 5): a browser's session, its form
// posts and its pages, through the real router.

// browser signs u in (completing TOTP when the account has it) and returns
// the option that sends the session cookies back, as a browser does.
func (f *idFixture) browser(u users.User) reqOpt {
	f.t.Helper()
	_, res := f.login(u)
	return withCookies(sessionCookies(f.t, res)...)
}

// formRequest is an HTML form post as a browser sends it from one of our
// pages: URL-encoded, same-origin.
func (f *idFixture) formRequest(path string, form url.Values, opts ...reqOpt) *http.Request {
	f.t.Helper()
	return f.request("POST", path, form.Encode(), append([]reqOpt{
		withHeader("Content-Type", request.FormContentType),
		withHeader("Sec-Fetch-Site", "same-origin"),
	}, opts...)...)
}

// postForm sends formRequest through the real router.
func (f *idFixture) postForm(path string, form url.Values, opts ...reqOpt) result {
	f.t.Helper()
	return f.send(f.formRequest(path, form, opts...))
}

// page GETs a page as a browser. An HTML answer must follow the strict-CSP
// rules; a 200 page must be HTML and never cached.
func (f *idFixture) page(t *testing.T, path string, as reqOpt) result {
	t.Helper()
	res := f.call("GET", path, nil, as)
	ct := res.Header.Get("Content-Type")
	if res.Status == http.StatusOK {
		if ct != "text/html; charset=utf-8" {
			t.Fatalf("GET %s: Content-Type %q", path, ct)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", path, cc)
		}
	}
	if strings.HasPrefix(ct, "text/html") {
		assertStrictHTML(t, res.Body)
	}
	return res
}

// wantParts fails unless body holds every one of parts.
func wantParts(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("%s lacks %q", pageName(body), p)
		}
	}
}

// wantNone fails if body holds any of parts.
func wantNone(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(body, p) {
			t.Errorf("%s shows %q", pageName(body), p)
		}
	}
}

var pageTitle = regexp.MustCompile(`<title>([^<]*)</title>`)

// pageName names body in a failure: the page's title, or "fragment".
func pageName(body string) string {
	if m := pageTitle.FindStringSubmatch(body); m != nil {
		return "page " + strconv.Quote(html.UnescapeString(m[1]))
	}
	return "fragment"
}

// seeOther wants a 303 and returns where it goes.
func (r result) seeOther(t *testing.T) string {
	t.Helper()
	r.want(t, http.StatusSeeOther)
	return r.Header.Get("Location")
}

// wantSeeOther fails unless r is a 303 to location.
func (r result) wantSeeOther(t *testing.T, location string) {
	t.Helper()
	if got := r.seeOther(t); got != location {
		t.Fatalf("303 to %q, want %q; body %s", got, location, r.Body)
	}
}

// sessionCookies returns the session cookies a response set, to send back.
func sessionCookies(t *testing.T, r result) []*http.Cookie {
	t.Helper()
	a, rf := r.cookie(cookie.AccessName), r.cookie(cookie.RefreshName)
	if a == nil || rf == nil || a.Value == "" || rf.Value == "" {
		t.Fatalf("no session cookies in %v", r.Header.Values("Set-Cookie"))
	}
	for _, c := range []*http.Cookie{a, rf} {
		if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteStrictMode || c.Path != "/" {
			t.Errorf("cookie %s lacks HttpOnly/Secure/SameSite=Strict/Path=/: %+v", c.Name, c)
		}
	}
	return []*http.Cookie{{Name: a.Name, Value: a.Value}, {Name: rf.Name, Value: rf.Value}}
}

package server_test

import (
	"net/http"
	"net/url"
	"strings"

	"supportbot/internal/http/cookie"
	"supportbot/internal/users"
)

// Helpers of the web UI's tests (issue 5): a browser's session, its form
// posts and its pages, through the real router.

// browser signs u in (completing TOTP when the account has it) and returns
// the option that sends the session cookies back, as a browser does.
func (f *idFixture) browser(u users.User) reqOpt {
	f.t.Helper()
	_, res := f.login(u)
	access, refresh := res.cookie(cookie.AccessName), res.cookie(cookie.RefreshName)
	if access == nil || refresh == nil {
		f.t.Fatalf("no session cookies: %v", res.Header["Set-Cookie"])
	}
	return withCookies(&http.Cookie{Name: access.Name, Value: access.Value}, &http.Cookie{Name: refresh.Name, Value: refresh.Value})
}

// formRequest is an HTML form post as a browser sends it from one of our
// pages: URL-encoded, same-origin.
func (f *idFixture) formRequest(path string, form url.Values, opts ...reqOpt) *http.Request {
	f.t.Helper()
	return f.request("POST", path, form.Encode(), append([]reqOpt{
		withHeader("Content-Type", "application/x-www-form-urlencoded"),
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
func (f *idFixture) page(path string, as reqOpt) result {
	f.t.Helper()
	res := f.call("GET", path, nil, as)
	ct := res.Header.Get("Content-Type")
	if res.Status == http.StatusOK {
		if ct != "text/html; charset=utf-8" {
			f.t.Fatalf("GET %s: Content-Type %q", path, ct)
		}
		if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
			f.t.Errorf("GET %s: Cache-Control %q, want no-store", path, cc)
		}
	}
	if strings.HasPrefix(ct, "text/html") {
		assertStrictHTML(f.t, res.Body)
	}
	return res
}

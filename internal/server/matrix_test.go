package server_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"supportbot/internal/http/middleware"
)

// wildcard matches a ServeMux wildcard: {name}, {name...} or {$}.
var wildcard = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)?(\.\.\.)?(\$)?\}`)

// routeRequest builds a request that reaches rt through the router: its
// wildcards filled with sample values ("sample-<name>"; "a/b" for a
// {name...}; nothing for {$}) and, for a route with a schema, an empty JSON
// object as body, so the request reaches every step before the body check.
// It is the building block of the route × role matrix (issue 3): walk
// Server.Routes, send routeRequest(rt) as each role, assert the outcome.
func routeRequest(rt middleware.Route) *http.Request {
	path := wildcard.ReplaceAllStringFunc(rt.Pattern, func(w string) string {
		m := wildcard.FindStringSubmatch(w)
		switch {
		case m[3] != "":
			return ""
		case m[2] != "":
			return "a/b"
		}
		return "sample-" + m[1]
	})
	if rt.Schema == "" {
		return httptest.NewRequest(rt.Method, path, nil)
	}
	ct := "application/json"
	switch {
	case rt.Form:
		ct = "application/x-www-form-urlencoded"
	case len(rt.ContentTypes) > 0:
		ct = rt.ContentTypes[0]
	}
	r := httptest.NewRequest(rt.Method, path, strings.NewReader("{}"))
	r.Header.Set("Content-Type", ct)
	return r
}

func TestRouteRequestReachesItsRoute(t *testing.T) {
	f := newAuthFixture(t, nil)
	for _, rt := range f.srv.Routes() {
		if rt.Pattern == "/api/v1/probe/slow" {
			continue // waits out the handler deadline
		}
		// A 404 or 405 would mean the request matched no route, or another.
		resp := f.do(bearerFor("admin-token", func() *http.Request { return routeRequest(rt) })())
		if resp.StatusCode == http.StatusNotFound && !strings.Contains(rt.Pattern, "{") || resp.StatusCode == http.StatusMethodNotAllowed {
			t.Errorf("%s: routeRequest got %d", rt, resp.StatusCode)
		}
	}
}

func TestEveryNonPublicRouteRejectsAnonymousCallers(t *testing.T) {
	f := newAuthFixture(t, nil)
	routes := f.srv.Routes()
	checked := 0
	for _, rt := range routes {
		if rt.Policy == middleware.PolicyPublic {
			continue
		}
		checked++
		t.Run(rt.String(), func(t *testing.T) {
			for name, mk := range map[string]func() *http.Request{
				"no token":      func() *http.Request { return routeRequest(rt) },
				"forged token":  bearerFor("forged-token", func() *http.Request { return routeRequest(rt) }),
				"expired token": bearerFor("expired-token", func() *http.Request { return routeRequest(rt) }),
			} {
				resp := f.do(mk())
				if page := rt.Method == http.MethodGet && !strings.HasPrefix(rt.Pattern, "/api/"); page {
					// A page: the browser is sent to sign in instead.
					if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
						t.Errorf("%s: status %d, Location %q; want 303 to /login", name, resp.StatusCode, resp.Header.Get("Location"))
					}
					continue
				}
				if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s: status %d, WWW-Authenticate %q; want 401 with a challenge",
						name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
				}
			}
		})
	}
	if checked == 0 {
		t.Fatal("no non-public route to check")
	}
	if n := f.ran.Load(); n != 0 {
		t.Errorf("handlers ran %d times for anonymous callers", n)
	}
	// Every route is either public or names the action its handler
	// authorizes: the matrix needs both to enumerate the cases.
	for _, rt := range routes {
		if rt.Policy != middleware.PolicyPublic && rt.Action == "" {
			t.Errorf("%s: non-public route without an Action", rt)
		}
	}
	if !slices.ContainsFunc(routes, func(rt middleware.Route) bool { return rt.Policy == middleware.PolicyPublic }) {
		t.Error("no public route: the fixture lost the real routes")
	}
}

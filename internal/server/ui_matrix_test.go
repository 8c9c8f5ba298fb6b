package server_test

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"supportbot/internal/http/request"
	"testing"

	"supportbot/internal/auth"
	"supportbot/internal/http/cookie"
	"supportbot/internal/users"
)

// The web UI's routes (issue 5) in the route × role matrix: the same cells
// as the API's, with a browser's request (the session cookie, forms) and a
// browser's answers (a signed-out page is a 303 to sign in; a refusal is
// an HTML error page with the same status).

func init() {
	maps.Copy(recipes, uiRecipes)
	maps.Copy(resourceKinds, map[string]resourceKind{
		"/account/sessions/{id}/revoke":      resourceKinds["/api/v1/me/sessions/{id}"],
		"/admin/users/{id}":                  resourceKinds["/api/v1/admin/users/{id}"],
		"/chat/{id}":                         conversationKind,
		"/chat/{id}/messages":                conversationKind,
		"/staff/conversations/{id}":          conversationKind,
		"/staff/conversations/{id}/messages": conversationKind,
		"/staff/conversations/{id}/claim":    conversationKind,
		"/staff/conversations/{id}/replies":  conversationKind,
		"/staff/conversations/{id}/close":    conversationKind,
		"/admin/orders/{id}/assign":          orderKind,
		"/admin/kb/{id}":                     faqKind,
		"/admin/kb/{id}/delete":              faqKind,
	})
}

func form(kv ...string) (any, string) {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode(), request.FormContentType
}

// refreshCookie signs a fresh customer in and makes c's request carry that
// session's refresh cookie, as a browser would.
func refreshCookie(c *mcase) {
	u := c.f.account(users.RoleCustomer, c.f.uniqueEmail())
	s, _ := c.f.login(u)
	c.extra = append(c.extra, withCookies(&http.Cookie{Name: cookie.RefreshName, Value: s.RefreshToken}))
}

var uiRecipes = map[string]recipe{
	"GET /login":    noBody,
	"GET /register": noBody,
	"POST /login": func(c *mcase) (any, string) {
		u := c.f.account(users.RoleCustomer, c.f.uniqueEmail())
		return form("email", u.Email, "password", testPassword)
	},
	"POST /login/mfa": func(c *mcase) (any, string) {
		u := c.f.account(users.RoleCustomer, c.f.uniqueEmail())
		c.f.enableTOTP(u)
		res, err := c.f.svc.Login(context.Background(), u.Email, []byte(testPassword), auth.Meta{IP: c.f.nextIP()})
		if err != nil || !res.MFARequired {
			c.f.t.Fatalf("login for the MFA recipe: %+v, %v", res, err)
		}
		return form("challenge", res.Challenge, "code", c.f.code(u.ID))
	},
	"POST /login/resume": func(c *mcase) (any, string) {
		refreshCookie(c)
		return form("next", "/chat")
	},
	"POST /session/refresh": func(c *mcase) (any, string) {
		refreshCookie(c)
		return nil, ""
	},
	"POST /register": func(c *mcase) (any, string) {
		return form("name", "New Customer", "email", c.f.uniqueEmail(), "password", testPassword, "password_confirm", testPassword)
	},
	"POST /logout":          noBody,
	"GET /account":          noBody,
	"POST /account/profile": func(*mcase) (any, string) { return form("name", "Renamed") },
	"POST /account/password": func(*mcase) (any, string) {
		return form("current_password", testPassword, "new_password", "Green-Teapot-77-Hums", "new_password_confirm", "Green-Teapot-77-Hums")
	},
	"POST /account/2fa/enroll":  func(*mcase) (any, string) { return form("password", testPassword) },
	"POST /account/2fa/confirm": func(c *mcase) (any, string) { return form("code", pendingEnrolmentCode(c)) },
	"POST /account/2fa/disable": func(c *mcase) (any, string) {
		code := "000000"
		if c.actor.role != "" {
			c.f.enableTOTP(c.actor.user)
			code = c.f.code(c.actor.user.ID)
		}
		return form("password", testPassword, "code", code)
	},
	"POST /account/sessions/{id}/revoke": noBody,
	"POST /account/sessions/revoke-all":  noBody,
	"GET /admin/users":                   noBody,
	"POST /admin/users": func(c *mcase) (any, string) {
		return form("role", "support", "email", c.f.uniqueEmail(), "name", "New Agent", "password", testPassword)
	},
	"POST /admin/users/{id}": func(*mcase) (any, string) { return form("change", "unlock") },

	"GET /chat":                              noBody,
	"POST /chat":                             noBody,
	"GET /chat/{id}":                         noBody,
	"GET /chat/{id}/messages":                noBody,
	"POST /chat/{id}/messages":               func(*mcase) (any, string) { return form("text", "Hello!") },
	"GET /orders":                            noBody,
	"GET /staff":                             noBody,
	"GET /staff/conversations/{id}":          noBody,
	"GET /staff/conversations/{id}/messages": noBody,
	"POST /staff/conversations/{id}/claim":   noBody,
	"POST /staff/conversations/{id}/replies": func(*mcase) (any, string) { return form("text", "Hi, Sam from support here.") },
	"POST /staff/conversations/{id}/close":   noBody,
	"GET /admin/orders":                      noBody,
	"POST /admin/orders/{id}/assign": func(c *mcase) (any, string) {
		agent := c.f.account(users.RoleSupport, c.f.uniqueEmail())
		return form("staff_id", agent.ID)
	},
	"GET /admin":         noBody,
	"GET /admin/audit":   noBody,
	"GET /admin/kb":      noBody,
	"GET /admin/kb/new":  noBody,
	"POST /admin/kb/try": func(*mcase) (any, string) { return form("q", "How long does shipping take?") },
	"GET /admin/kb/{id}": noBody,
	"POST /admin/kb": func(c *mcase) (any, string) {
		return form("id", c.f.faqID(), "question", "Do you offer gift wrapping?", "answer", "Yes, for 3 euros.", "paraphrases", "", "tags", "")
	},
	"POST /admin/kb/{id}": func(*mcase) (any, string) {
		return form("question", "Do you offer gift wrapping?", "answer", "Yes, for 3 euros.", "paraphrases", "", "tags", "")
	},
	"POST /admin/kb/{id}/delete": noBody,
}

// isPage reports whether a route pattern belongs to the web UI rather than
// the API.
func isPage(pattern string) bool {
	return !strings.HasPrefix(pattern, "/api/") && pattern != "/healthz" && pattern != "/readyz"
}

// uiAnswer checks a UI cell: allowed is a page or a redirect anywhere but
// to sign in; refused is the expected status as an HTML error page.
func uiAnswer(t *testing.T, res result, want expectation, anonymousGet bool) {
	t.Helper()
	signIn := res.Status == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login?next=")
	switch {
	case anonymousGet:
		if !signIn {
			t.Fatalf("signed-out page: status %d Location %q, want 303 to sign in", res.Status, res.Header.Get("Location"))
		}
	case want.allowed:
		if signIn || (res.Status < 200 || res.Status > 299) && res.Status != http.StatusSeeOther {
			t.Fatalf("allowed by the policy, but status %d (Location %q); body %s", res.Status, res.Header.Get("Location"), res.Body)
		}
	default:
		if res.Status != want.status || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("status %d %s, want %d as an HTML page; body %s", res.Status, res.Header.Get("Content-Type"), want.status, res.Body)
		}
	}
}

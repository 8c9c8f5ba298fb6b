package server_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"supportbot/internal/auth"
	"supportbot/internal/http/cookie"
	"supportbot/internal/http/middleware"
	"supportbot/internal/ratelimit"
	"supportbot/internal/users"
)

// The route × role matrix of issue 3: every registered route, called by an
// anonymous client and by a customer, a support agent and an admin, and —
// where the route names a resource — on the caller's own resource, someone
// else's, one assigned to the caller, an unassigned one and a missing one.
// The expected answer is derived, not written per route: from the route's
// declared Policy (middleware.Policy.Admits) and auth's one policy table
// (auth.Authorize with the resource as the policy sees it). What is written
// per route is only how to make a valid request to it, so that "allowed"
// can be asserted as success, not merely as "not refused". A route without
// such a recipe, or with a wildcard whose resource kind is unknown, fails
// the test: a new route cannot slip past the matrix.

type relation string

const (
	relOwn        relation = "own"
	relOthers     relation = "other's"
	relAssigned   relation = "assigned"
	relUnassigned relation = "unassigned"
	relMissing    relation = "missing"
	// relExisting is a resource nobody owns (a knowledge-base entry): its
	// actions target the collection, so only existence matters.
	relExisting relation = "existing"
)

var relations = []relation{relOwn, relOthers, relAssigned, relUnassigned, relExisting, relMissing}

// actor is who calls: anonymous (zero), or a fresh signed-in account.
type actor struct {
	role    auth.Role // "" anonymous
	user    users.User
	session tokensBody
	mfa     bool
}

func (a actor) name() string {
	if a.role == "" {
		return "anonymous"
	}
	return string(a.role)
}

// mcase is one cell of the matrix.
type mcase struct {
	f     *idFixture
	rt    middleware.Route
	actor actor
	other users.User     // another customer
	id    string         // the resource id filled into the path
	res   *auth.Resource // the resource as the policy sees it; nil for routes without one
	extra []reqOpt       // what a recipe adds to the request (a refresh cookie)
}

// resourceKind is what a route's {id} names.
type resourceKind struct {
	// relations this kind of resource can stand in to a caller. Sessions
	// and accounts have an owner (the user) but are never assigned to
	// anyone: the assigned and unassigned cells do not exist for them and
	// are reported as such, not silently passed.
	relations []relation
	// make returns the id of a resource in relation rel to c's actor, and
	// the resource as auth's policy sees it.
	make func(c *mcase, rel relation) (string, auth.Resource)
}

var resourceKinds = map[string]resourceKind{
	"/api/v1/me/sessions/{id}": {
		relations: []relation{relOwn, relOthers, relMissing},
		make: func(c *mcase, rel relation) (string, auth.Resource) {
			switch rel {
			case relOwn:
				return c.ownSessionID(), auth.Resource{Exists: true, OwnerID: c.actor.user.ID}
			case relOthers:
				return c.othersSessionID(), auth.Resource{Exists: true, OwnerID: c.other.ID}
			}
			return "0123456789abcdef0123456789abcdef", auth.Resource{}
		},
	},
	"/api/v1/admin/users/{id}": {
		relations: []relation{relOwn, relOthers, relMissing},
		make: func(c *mcase, rel relation) (string, auth.Resource) {
			switch rel {
			case relOwn:
				id := c.actor.user.ID
				if id == "" {
					id = "0123456789abcdef0123456789abcdee" // anonymous owns nothing
				}
				return id, auth.Resource{Exists: true, OwnerID: c.actor.user.ID}
			case relOthers:
				return c.other.ID, auth.Resource{Exists: true, OwnerID: c.other.ID}
			}
			return "0123456789abcdef0123456789abcdef", auth.Resource{}
		},
	},

	// The support bot (issue 4): one kind per noun, whatever the verb.
	"/api/v1/conversations/{id}":          conversationKind,
	"/api/v1/conversations/{id}/events":   conversationKind,
	"/api/v1/conversations/{id}/messages": conversationKind,
	"/api/v1/conversations/{id}/replies":  conversationKind,
	"/api/v1/conversations/{id}/claim":    conversationKind,
	"/api/v1/conversations/{id}/close":    conversationKind,
	"/api/v1/orders/{id}":                 orderKind,
	"/api/v1/orders/{id}/cancel":          orderKind,
	"/api/v1/orders/{id}/returns":         orderKind,
	"/api/v1/orders/{id}/assign":          orderKind,
	"/api/v1/orders/{id}/status":          orderKind,
	"/api/v1/faq/{id}":                    faqKind,
}

// recipe makes a valid request to one route for c: its body (nil for
// none, a string sent as is) and its content type ("" for JSON), after any
// preparation the route needs (a pending enrolment to confirm, …).
type recipe func(c *mcase) (body any, contentType string)

var recipes = map[string]recipe{
	"GET /{$}":                noBody,
	"GET /static/{file}":      noBody,
	"GET /healthz":            noBody,
	"GET /readyz":             noBody,
	"POST /api/v1/csp-report": func(*mcase) (any, string) { return validLegacyReport, "application/csp-report" },
	"POST /api/v1/auth/register": func(c *mcase) (any, string) {
		return map[string]string{"email": c.f.uniqueEmail(), "name": "New Customer", "password": testPassword}, ""
	},
	"POST /api/v1/auth/login": func(c *mcase) (any, string) {
		u := c.f.account(users.RoleCustomer, c.f.uniqueEmail())
		return loginBody(u.Email, testPassword), ""
	},
	"POST /api/v1/auth/mfa": func(c *mcase) (any, string) {
		u := c.f.account(users.RoleCustomer, c.f.uniqueEmail())
		c.f.enableTOTP(u)
		res, err := c.f.svc.Login(context.Background(), u.Email, []byte(testPassword), auth.Meta{IP: c.f.nextIP()})
		if err != nil || !res.MFARequired {
			c.f.t.Fatalf("login for the MFA recipe: %+v, %v", res, err)
		}
		return map[string]string{"challenge": res.Challenge, "code": c.f.code(u.ID)}, ""
	},
	"POST /api/v1/auth/mfa/enroll": func(c *mcase) (any, string) {
		// A staff member who owes enrolment: their challenge comes from a
		// service with REQUIRE_2FA_FOR_STAFF on; the challenge itself is
		// what the server's service checks.
		u := c.f.account(users.RoleSupport, c.f.uniqueEmail())
		res, err := c.f.staff2FA().Login(context.Background(), u.Email, []byte(testPassword), auth.Meta{IP: c.f.nextIP()})
		if err != nil || !res.EnrollmentRequired {
			c.f.t.Fatalf("login for the enrolment recipe: %+v, %v", res, err)
		}
		return map[string]string{"challenge": res.Challenge}, ""
	},
	"POST /api/v1/auth/refresh": func(c *mcase) (any, string) {
		u := c.f.account(users.RoleCustomer, c.f.uniqueEmail())
		s, _ := c.f.login(u)
		return map[string]string{"refresh_token": s.RefreshToken}, ""
	},
	"POST /api/v1/auth/logout": func(c *mcase) (any, string) {
		return map[string]string{"refresh_token": c.actor.session.RefreshToken}, ""
	},
	"GET /api/v1/me":   noBody,
	"PATCH /api/v1/me": func(*mcase) (any, string) { return map[string]string{"name": "Renamed"}, "" },
	"POST /api/v1/me/password": func(*mcase) (any, string) {
		return map[string]string{"current_password": testPassword, "new_password": "Green-Teapot-77-Hums"}, ""
	},
	"POST /api/v1/me/2fa/enroll": func(*mcase) (any, string) {
		return map[string]string{"current_password": testPassword}, ""
	},
	"POST /api/v1/me/2fa/confirm": func(c *mcase) (any, string) {
		return map[string]string{"code": pendingEnrolmentCode(c)}, ""
	},
	"POST /api/v1/me/2fa/disable": func(c *mcase) (any, string) {
		if c.actor.role != "" { // a pending enrolment is enough to disable
			if _, _, _, err := c.f.svc.BeginEnrollment(context.Background(), c.actor.user.ID); err != nil {
				c.f.t.Fatal(err)
			}
		}
		return map[string]string{"current_password": testPassword}, ""
	},
	"GET /api/v1/me/sessions":         noBody,
	"DELETE /api/v1/me/sessions":      noBody,
	"GET /api/v1/me/sessions/{id}":    noBody,
	"DELETE /api/v1/me/sessions/{id}": noBody,
	"GET /api/v1/admin/users":         noBody,
	"POST /api/v1/admin/users": func(c *mcase) (any, string) {
		return map[string]string{"role": "support", "email": c.f.uniqueEmail(), "name": "New Agent", "password": testPassword}, ""
	},
	"GET /api/v1/admin/users/{id}":   noBody,
	"PATCH /api/v1/admin/users/{id}": func(*mcase) (any, string) { return map[string]bool{"unlock": true}, "" },

	// Conversations (issue 4).
	"POST /api/v1/conversations":               noBody,
	"GET /api/v1/conversations":                noBody,
	"GET /api/v1/conversations/{id}":           noBody,
	"GET /api/v1/conversations/{id}/events":    noBody,
	"POST /api/v1/conversations/{id}/messages": func(*mcase) (any, string) { return map[string]string{"text": "Hello!"}, "" },
	"POST /api/v1/conversations/{id}/replies":  func(*mcase) (any, string) { return map[string]string{"text": "Hi, Sam from support here."}, "" },
	"POST /api/v1/conversations/{id}/claim":    noBody,
	"POST /api/v1/conversations/{id}/close":    noBody,
	"GET /api/v1/faq":                          noBody,
	"GET /api/v1/faq/{id}":                     noBody,
	"POST /api/v1/faq":                         func(c *mcase) (any, string) { return faqBody(c.f.faqID()), "" },
	"PUT /api/v1/faq/{id}":                     func(c *mcase) (any, string) { return faqBody(""), "" },
	"DELETE /api/v1/faq/{id}":                  noBody,
	"GET /api/v1/orders":                       noBody,
	"GET /api/v1/orders/{id}":                  noBody,
	"POST /api/v1/orders/{id}/cancel":          func(*mcase) (any, string) { return map[string]string{"reason": "Ordered twice"}, "" },
	"POST /api/v1/orders/{id}/returns":         func(*mcase) (any, string) { return map[string]string{"reason": "Too small"}, "" },
	"POST /api/v1/orders/{id}/status":          func(*mcase) (any, string) { return map[string]string{"status": string(advanceTo)}, "" },
	"POST /api/v1/orders/{id}/assign": func(c *mcase) (any, string) {
		agent := c.f.account(users.RoleSupport, c.f.uniqueEmail())
		return map[string]string{"assignee_id": agent.ID}, ""
	},
}

func noBody(*mcase) (any, string) { return nil, "" }

// pendingEnrolmentCode starts a TOTP enrolment for c's actor and returns
// the code that confirms it (any code for an anonymous caller).
func pendingEnrolmentCode(c *mcase) string {
	if c.actor.role == "" {
		return "000000"
	}
	secret, _, _, err := c.f.svc.BeginEnrollment(context.Background(), c.actor.user.ID)
	if err != nil {
		c.f.t.Fatal(err)
	}
	c.f.totp[c.actor.user.ID] = secret
	return c.f.code(c.actor.user.ID)
}

// samplePaths fill wildcards that name no resource of anyone's: pages and
// files every caller may fetch. The static file's fingerprinted name is
// filled in from the home page by TestRouteRoleMatrix.
var samplePaths = map[string]string{
	"/{$}":           "/",
	"/static/{file}": "",
}

var staticAsset = regexp.MustCompile(`/static/[A-Za-z0-9._-]+`)

// needsResourceKind reports whether rt's wildcard names a resource the
// policy decides ownership of.
func needsResourceKind(rt middleware.Route) bool {
	if !strings.Contains(rt.Pattern, "{") {
		return false
	}
	_, sample := samplePaths[rt.Pattern]
	target, _ := auth.TargetOf(rt.Action)
	return !sample || target == auth.TargetResource
}

func (f *idFixture) uniqueEmail() string {
	f.ipN++
	return fmt.Sprintf("user%d@example.com", f.ipN)
}

// staff2FA is a second service on the same store and keys with
// REQUIRE_2FA_FOR_STAFF on.
func (f *idFixture) staff2FA() *auth.Service {
	f.t.Helper()
	svc, err := auth.NewService(auth.ServiceConfig{Require2FAForStaff: true}, auth.ServiceDeps{
		Users: f.store, Hasher: f.hasher, Tokens: f.tokens, Limiter: ratelimit.NewMemory(f.clock.Now, 0), Audit: f.audit, Clock: f.clock.Now,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return svc
}

func (c *mcase) ownSessionID() string {
	if c.actor.role == "" {
		return "0123456789abcdef0123456789abcdec"
	}
	return c.sessionOf(c.actor.session.AccessToken)
}

func (c *mcase) othersSessionID() string {
	s, _ := c.f.login(c.other)
	return c.sessionOf(s.AccessToken)
}

// sessionOf returns the id of the session an access token belongs to, as
// its owner sees it.
func (c *mcase) sessionOf(access string) string {
	for _, s := range listSessions(c.f.t, c.f, access) {
		if s.Current {
			return s.ID
		}
	}
	c.f.t.Fatal("no current session")
	return ""
}

// expectation is the answer the policy calls for.
type expectation struct {
	allowed bool
	status  int    // when refused
	code    string // when refused
}

// expect derives the answer to c from the route's policy and auth's table.
func expect(c *mcase, require2FA bool) expectation {
	rt := c.rt
	switch {
	case rt.Policy == middleware.PolicyPublic:
		return expectation{allowed: true}
	case c.actor.role == "":
		return expectation{status: 401, code: "unauthorized"}
	case !rt.Policy.Admits(c.actor.role):
		return expectation{status: 403, code: "forbidden"}
	case (rt.RequireMFA || require2FA && !rt.Policy.Admits(auth.RoleCustomer)) && !c.actor.mfa:
		return expectation{status: 403, code: middleware.MFARequiredCode}
	}
	if target, _ := auth.TargetOf(rt.Action); target == auth.TargetResource {
		err := auth.Authorize(auth.Actor{UserID: c.actor.user.ID, Role: c.actor.role}, rt.Action, *c.res)
		switch {
		case errors.Is(err, auth.ErrNotFound):
			return expectation{status: 404, code: "not_found"}
		case err != nil:
			return expectation{status: 403, code: "forbidden"}
		}
	} else if c.res != nil && !c.res.Exists {
		// A collection action on one named entry (a knowledge-base
		// entry): the role may act, but there is nothing by that name.
		return expectation{status: 404, code: "not_found"}
	}
	return expectation{allowed: true}
}

func TestRouteRoleMatrix(t *testing.T) {
	f := newIdentityFixture(t, nil)
	roles := []auth.Role{"", auth.RoleCustomer, auth.RoleSupport, auth.RoleAdmin}
	routes := f.srv.Routes()
	asset := staticAsset.FindString(f.call("GET", "/", nil).want(t, 200).Body)
	if asset == "" {
		t.Fatal("the home page links no static file")
	}
	paths := maps.Clone(samplePaths)
	paths["/static/{file}"] = asset
	defer func() { f.t = t }() // newCase points the fixture at each subtest

	var missing []string
	for _, rt := range routes {
		if _, ok := recipes[rt.String()]; !ok {
			missing = append(missing, rt.String()+" (no recipe)")
		}
		if needsResourceKind(rt) {
			if k, ok := resourceKinds[rt.Pattern]; !ok || len(k.relations) == 0 {
				missing = append(missing, rt.String()+" (unknown resource kind)")
			}
		}
	}
	if len(missing) > 0 {
		t.Fatalf("routes not covered by the matrix: %v", missing)
	}
	for name := range recipes {
		if !slices.ContainsFunc(routes, func(rt middleware.Route) bool { return rt.String() == name }) {
			t.Errorf("recipe for %s, which is not a route", name)
		}
	}

	cells, allowed, refused := 0, 0, 0
	for _, rt := range routes {
		kind, hasResource := resourceKinds[rt.Pattern]
		rels := []relation{""}
		if hasResource {
			rels = relations
		}
		for _, role := range roles {
			for _, rel := range rels {
				name := fmt.Sprintf("%s/%s", rt, actor{role: role}.name())
				if rel != "" {
					name += "/" + string(rel)
				}
				if hasResource && !slices.Contains(kind.relations, rel) {
					t.Logf("%s: no such resource (%s resources never stand in this relation)", name, rt.Pattern)
					continue
				}
				cells++
				t.Run(name, func(t *testing.T) {
					c := newCase(t, f, rt, role)
					path := rt.Pattern
					if p, ok := paths[rt.Pattern]; ok {
						path = p
					}
					if hasResource {
						id, res := kind.make(c, rel)
						c.id, c.res = id, &res
						path = strings.Replace(path, "{id}", id, 1)
					}
					want := expect(c, false)
					body, ctype := recipes[rt.String()](c)
					page := isPage(rt.Pattern)
					opts := []reqOpt{withHeader("Sec-Fetch-Site", "same-origin")}
					switch {
					case role != "" && page: // a browser: the session cookie
						opts = append(opts, withCookies(&http.Cookie{Name: cookie.AccessName, Value: c.actor.session.AccessToken}))
					case role != "":
						opts = append(opts, withBearer(c.actor.session.AccessToken))
					}
					if ctype != "" {
						opts = append(opts, withHeader("Content-Type", ctype))
					}
					opts = append(opts, c.extra...)
					before := len(f.events(auth.EventAccessDenied))
					var res result
					if rt.Stream {
						res = f.stream(f.request(rt.Method, path, body, opts...))
					} else {
						res = f.call(rt.Method, path, body, opts...)
					}
					if page {
						anonymousGet := role == "" && rt.Method == http.MethodGet && rt.Policy != middleware.PolicyPublic
						uiAnswer(t, res, want, anonymousGet)
						if want.allowed && !anonymousGet {
							allowed++
							return
						}
						refused++
						if role != "" && rel != relMissing && !want.allowed && len(f.events(auth.EventAccessDenied)) == before {
							t.Error("refusal not audited as access.denied")
						}
						return
					}
					if want.allowed {
						allowed++
						if res.Status < 200 || res.Status > 299 {
							t.Fatalf("allowed by the policy, but status %d; body %s", res.Status, res.Body)
						}
						// An event stream starts with the conversation's
						// state, so "allowed" means the stream really ran.
						if rt.Stream && !strings.Contains(res.Body, "event: conversation\n") {
							t.Fatalf("allowed stream sent no conversation event: %q", res.Body)
						}
						return
					}
					refused++
					if res.Status != want.status || res.errorCode(t) != want.code {
						t.Fatalf("status %d %s, want %d %s; body %s", res.Status, res.errorCode(t), want.status, want.code, res.Body)
					}
					// A signed-in caller refused is audited (DESIGN.md
					// invariant 2); a missing resource of one's own
					// reach is just missing.
					if role != "" && rel != relMissing && len(f.events(auth.EventAccessDenied)) == before {
						t.Error("refusal not audited as access.denied")
					}
				})
			}
		}
	}
	t.Logf("%d routes, %d cells: %d allowed, %d refused", len(routes), cells, allowed, refused)
	if allowed == 0 || refused == 0 {
		t.Error("the matrix exercised only one outcome")
	}
}

// newCase signs in a fresh account of role (none for anonymous) and
// another customer.
func newCase(t *testing.T, f *idFixture, rt middleware.Route, role auth.Role) *mcase {
	t.Helper()
	f.t = t
	c := &mcase{f: f, rt: rt, actor: actor{role: role}}
	c.other = f.account(users.RoleCustomer, f.uniqueEmail())
	if role != "" {
		c.actor.user = f.account(users.Role(role), f.uniqueEmail())
		c.actor.session, _ = f.login(c.actor.user)
	}
	return c
}

// The cells issue 3 names, spelled out.
func TestOthersSessionsAnswer404(t *testing.T) {
	f := newIdentityFixture(t, nil)
	a := f.account(users.RoleCustomer, "a@example.com")
	b := f.account(users.RoleCustomer, "b@example.com")
	as, _ := f.login(a)
	bs, _ := f.login(b)
	bSession := listSessions(t, f, bs.AccessToken)[0].ID
	missing := "0123456789abcdef0123456789abcdef"

	var bodies []string
	for _, m := range []string{"GET", "DELETE"} {
		for _, id := range []string{bSession, missing} {
			res := f.call(m, "/api/v1/me/sessions/"+id, nil, withBearer(as.AccessToken)).want(t, http.StatusNotFound)
			bodies = append(bodies, stripID(t, res.Body))
		}
	}
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Errorf("someone else's session and a missing one answer differently: %q", bodies)
		}
	}
	// B's session survived A's attempts.
	f.call("POST", "/api/v1/auth/refresh", map[string]string{"refresh_token": bs.RefreshToken}).want(t, 200)
	if n := len(f.events(auth.EventAccessDenied)); n < 4 {
		t.Errorf("access.denied events = %d, want one per attempt", n)
	}
}

func TestSupportOnAdminRoutesIs403(t *testing.T) {
	f := newIdentityFixture(t, nil)
	s := f.account(users.RoleSupport, "agent@example.com")
	c := f.account(users.RoleCustomer, "c@example.com")
	ss, _ := f.login(s)
	for _, rt := range f.srv.Routes() {
		if !strings.HasPrefix(rt.Pattern, "/api/v1/admin/") {
			continue
		}
		body, _ := recipes[rt.String()](&mcase{f: f})
		res := f.call(rt.Method, strings.Replace(rt.Pattern, "{id}", c.ID, 1), body, withBearer(ss.AccessToken)).want(t, 403)
		if res.errorCode(t) != "forbidden" {
			t.Errorf("%s: %s", rt, res.Body)
		}
	}
}

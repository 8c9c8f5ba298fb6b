package middleware

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/http/cookie"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
	"supportbot/internal/ratelimit"
)

// Defaults of the request rules (hardening guide, "API Security": 10 MB
// bodies, 30 second requests).
const (
	DefaultMaxBodyBytes   int64 = 10 << 20
	DefaultRequestTimeout       = 30 * time.Second
)

// Options are the settings of the chain; the lead wires configuration into
// them. The zero value is the strict, production behaviour except for the
// rate limit, which needs a Limit and a Limiter.
type Options struct {
	// StrictCSP selects the production Content-Security-Policy and enables
	// HSTS; false is the relaxed development policy.
	StrictCSP bool
	// TrustedProxies are the networks whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed.
	TrustedProxies []netip.Prefix
	// CORSAllowedOrigins are the exact origins ("https://shop.example") that
	// may call the API from a browser; they are also the trusted origins of
	// cross-origin protection. "*" and "null" are refused.
	CORSAllowedOrigins []string
	// CORSAllowCredentials lets allowed origins send cookies. Off by default:
	// cross-origin API clients authenticate with a bearer token.
	CORSAllowCredentials bool
	// MaxBodyBytes bounds request bodies; 0 means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// RequestTimeout is the handler deadline; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// RateLimit is applied per client IP to /api/ routes, and once more per
	// signed-in user; a zero Rate turns rate limiting off.
	RateLimit ratelimit.Limit
	// DevCookies reads the access token from the sb_access cookie, for
	// development over plain HTTP only (see package cookie). The zero value
	// reads __Host-sb_access (Secure, HTTPS only), so forgetting the option
	// fails closed.
	DevCookies bool
	// Require2FAForStaff makes every staff-only route (its policy admits
	// support or admin users but no customer) require a second factor, as
	// if it declared RequireMFA (REQUIRE_2FA_FOR_STAFF, issue 3).
	Require2FAForStaff bool
	// LoginPath, when set, is the UI's sign-in page: a browser opening a
	// signed-in UI page (GET or HEAD) without a valid session is sent there
	// with 303 and the page it wanted as ?next=, instead of a 401 page.
	LoginPath string
}

// Deps are the collaborators of the chain.
type Deps struct {
	Log     *slog.Logger          // required
	Errors  *response.ErrorWriter // required: the one error writer
	Schemas *request.Schemas      // compiled api/schemas; required when a route has a Schema
	Limiter ratelimit.Limiter     // required when Options.RateLimit.Rate > 0
	Audit   audit.Recorder        // required when rate limiting or authenticating: 429s and denials are security events
	Clock   func() time.Time      // time of audit events; default time.Now
	Random  io.Reader             // request IDs and nonces; default crypto/rand.Reader
	// WithTimeout makes the handler deadline's context; default
	// context.WithTimeout. Tests replace it to expire deadlines on cue.
	WithTimeout func(context.Context, time.Duration) (context.Context, context.CancelFunc)
	// Authenticator checks access tokens. Optional until issue 3 is wired:
	// without it only public routes may be declared, and New fails naming
	// any other.
	Authenticator Authenticator
}

// step is one link of the chain.
type step = func(http.Handler) http.Handler

// Router is the whole HTTP handler: the chain of steps around the routes.
type Router struct {
	handler http.Handler
	outer   []step
	routes  []Route
}

// New builds the handler serving routes behind every step of the chain. It
// fails, naming the route, when a declaration is unsafe or inconsistent (no
// policy, a body without schema, an unknown schema, a duplicate, a route
// that requires signing in but no Authenticator) and when an option is
// unsafe (a wildcard CORS origin).
func New(o Options, d Deps, routes []Route) (*Router, error) {
	if d.Log == nil || d.Errors == nil {
		return nil, errors.New("middleware: Deps.Log and Deps.Errors are required")
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	if d.Random == nil {
		d.Random = rand.Reader
	}
	if d.WithTimeout == nil {
		d.WithTimeout = context.WithTimeout
	}
	limited := o.RateLimit.Rate > 0
	if limited && (d.Limiter == nil || d.Audit == nil) {
		return nil, errors.New("middleware: rate limiting needs Deps.Limiter and Deps.Audit")
	}
	if err := checkAuthentication(routes, d); err != nil {
		return nil, err
	}
	proxies := request.TrustedProxies(slices.Clone(o.TrustedProxies))
	crossOrigin, err := crossOrigin(o.CORSAllowedOrigins, o.CORSAllowCredentials, d.Errors)
	if err != nil {
		return nil, err
	}

	// A request's way through (DESIGN.md), outermost first. These steps run
	// for every request, matched or not, so errors such as 404 and 405 get
	// the same headers as everything else.
	outer := []step{
		requestID(d.Random, d.Errors),                             // 1. request ID (random, never taken from the client)
		recoverPanics(d.Log, d.Errors),                            // 2. panic recovery: 500, stack only to the log
		securityHeaders(o.StrictCSP, proxies, d.Random, d.Errors), // 3. security headers and the CSP nonce
		clientIP(proxies),                                         // 4. client IP (forwarded headers only from trusted proxies)
		crossOrigin,                                               // 5. CORS (API) / cross-origin protection (unsafe methods)
	}
	// Then the router resolves the route (404, and 405 for a method the route
	// lacks) and each route runs its own steps.
	rateLimited := rateLimit(o.RateLimit, d.Limiter, d.Audit, d.Clock, d.Log, d.Errors)
	userLimited := userRateLimit(o.RateLimit, d.Limiter, d.Audit, d.Clock, d.Log, d.Errors)
	timeout := deadline(o.RequestTimeout, d.WithTimeout, d.Log, d.Errors)
	authn := &authn{
		authenticator:   d.Authenticator,
		cookieName:      cookie.Jar{Secure: !o.DevCookies}.AccessName(),
		requireStaffMFA: o.Require2FAForStaff,
		loginPath:       o.LoginPath,
		audit:           d.Audit,
		clock:           d.Clock,
		log:             d.Log,
		errs:            d.Errors,
	}
	signIns := d.Authenticator != nil
	perRoute := func(rt Route, schema *request.Schema) http.Handler {
		access := newGuard(rt, authn)
		apiLimited := limited && rt.isAPI()
		// Signed-in UI routes spend the API's per-user bucket too: each page
		// and form does what an API call does (open a conversation, probe
		// someone else's, guess a code), and must not escape its limit. Not
		// per address: a shop's support team may share one.
		uiLimited := limited && !rt.isAPI() && rt.Policy != PolicyPublic
		ownLimit := routeUserLimit(rt.UserLimit, d.Limiter, d.Audit, d.Clock, d.Log, d.Errors)
		return chain(handle(rt.Handler, d.Errors),
			limits(rt, schema != nil, o.MaxBodyBytes, d.Errors),      // 6. content type and size, from the headers alone
			when(apiLimited, rateLimited),                            // 7. rate limit per client IP (API only)
			authenticate(access, rt.isAPI()),                         // 8. authentication: bearer header or session cookie, never the URL (400, 401)
			when((apiLimited || uiLimited) && signIns, userLimited),  // 9. rate limit per signed-in user (API and signed-in UI routes)
			authorize(access),                                        // 10. authorization: the route's policy, deny by default (403, mfa_required)
			when(signIns, ownLimit),                                  // 10b. the route's own per-user limit (the chat's), for callers the route admits
			validateBody(schema, rt.OptionalBody, rt.Form, d.Errors), // 11. the body: one JSON value (or form) valid against the route's schema
			when(!rt.Stream, timeout),                                // 12. handler deadline, then the handler (ownership: Authorize)
		)
	}

	router, err := newRouter(routes, d.Schemas, perRoute, d.Errors)
	if err != nil {
		return nil, err
	}
	return &Router{
		handler: chain(router, outer...),
		outer:   outer,
		routes:  slices.Clone(routes),
	}, nil
}

// checkAuthentication refuses routes that require signing in when there is
// no Authenticator to sign anyone in, and an Authenticator without the audit
// recorder its denials go to.
func checkAuthentication(routes []Route, d Deps) error {
	if d.Authenticator != nil {
		if d.Audit == nil {
			return errors.New("middleware: authentication needs Deps.Audit")
		}
		return nil
	}
	var errs []error
	for _, rt := range routes {
		if rt.Policy != PolicyPublic && knownPolicy(rt.Policy) {
			errs = append(errs, fmt.Errorf("middleware: route %s: policy %q requires signing in, but there is no Deps.Authenticator", rt, rt.Policy))
		}
	}
	return errors.Join(errs...)
}

// ServeHTTP serves r through the whole chain.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt.handler.ServeHTTP(w, r)
}

// Wrap puts the steps that run for every request (request ID, panic
// recovery, security headers, client IP, cross-origin checks) around h; the
// server uses it for its plain-HTTP redirect listener.
func (rt *Router) Wrap(h http.Handler) http.Handler {
	return chain(h, rt.outer...)
}

// Routes returns the declared routes, for tests that walk every route (the
// route × role matrix of issue 3).
func (rt *Router) Routes() []Route {
	return slices.Clone(rt.routes)
}

// chain wraps h in steps so that steps[0] runs first; nil steps are skipped.
func chain(h http.Handler, steps ...step) http.Handler {
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i] != nil {
			h = steps[i](h)
		}
	}
	return h
}

// when returns s if cond holds and no step otherwise.
func when(cond bool, s step) step {
	if !cond {
		return nil
	}
	return s
}

// handle adapts a route's HandlerFunc: a returned error goes to the error
// writer, which does not write again if the handler already started the
// response.
func handle(h HandlerFunc, errs *response.ErrorWriter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			errs.Write(w, r, err)
		}
	})
}

// errorf wraps a step's failure for the log.
func errorf(format string, args ...any) error {
	return fmt.Errorf("middleware: "+format, args...)
}

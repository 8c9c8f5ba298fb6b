package middleware

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// Policy names who may call a route. Every route declares one and a route
// without a known policy makes New fail: deny by default (DESIGN.md,
// invariant 1; OWASP ASVS 4.0.3 V4.1.5). A Policy is a plain comparable
// value; use the constants or PolicyRoles, never a hand-written string.
type Policy string

// The policies.
const (
	// PolicyPublic lets anyone call the route, signed in or not. A valid
	// token still attaches its identity; a bad one is ignored.
	PolicyPublic Policy = "public"
	// PolicyAuthenticated admits any signed-in user, whatever the role.
	PolicyAuthenticated Policy = "authenticated"
	// PolicyStaff admits support and admin users: PolicyRoles(auth.RoleSupport, auth.RoleAdmin).
	PolicyStaff Policy = rolesPrefix + "support,admin"
	// PolicyAdmin admits admin users only: PolicyRoles(auth.RoleAdmin).
	PolicyAdmin Policy = rolesPrefix + "admin"
)

const rolesPrefix = "roles:"

// PolicyRoles returns the policy admitting signed-in users of the given
// roles. The result is canonical (roles in auth.Roles order, each once), so
// equal sets give equal policies; all three roles give PolicyAuthenticated.
// An unknown role or no role at all gives a policy New refuses.
func PolicyRoles(roles ...auth.Role) Policy {
	var names []string
	for _, r := range auth.Roles() {
		if slices.Contains(roles, r) {
			names = append(names, string(r))
		}
	}
	invalid := false
	for _, r := range roles {
		if !r.Valid() {
			names = append(names, string(r)) // keeps the policy unknown, and visible in the error
			invalid = true
		}
	}
	if !invalid && len(names) == len(auth.Roles()) {
		return PolicyAuthenticated
	}
	return Policy(rolesPrefix + strings.Join(names, ","))
}

// roles returns the roles p admits (nil for PolicyPublic, which needs no
// role) and whether p is a known policy.
func (p Policy) roles() ([]auth.Role, bool) {
	switch p {
	case PolicyPublic:
		return nil, true
	case PolicyAuthenticated:
		return auth.Roles(), true
	}
	list, ok := strings.CutPrefix(string(p), rolesPrefix)
	if !ok || list == "" {
		return nil, false
	}
	var roles []auth.Role
	for name := range strings.SplitSeq(list, ",") {
		r, err := auth.ParseRole(name)
		if err != nil {
			return nil, false
		}
		roles = append(roles, r)
	}
	if PolicyRoles(roles...) != p { // not canonical: duplicates, order, or all roles
		return nil, false
	}
	return roles, true
}

// Admits reports whether p lets a signed-in user of role in: every role
// for PolicyPublic and PolicyAuthenticated, the listed ones for
// PolicyRoles, none for an unknown policy. Tests derive the expected
// answer of every route × role from it (issue 3, the route × role matrix).
func (p Policy) Admits(role auth.Role) bool {
	if !role.Valid() {
		return false
	}
	if p == PolicyPublic {
		return true
	}
	roles, ok := p.roles()
	return ok && slices.Contains(roles, role)
}

// knownPolicy reports whether the router can enforce p.
func knownPolicy(p Policy) bool {
	_, ok := p.roles()
	return ok
}

// staffOnly reports whether p admits signed-in users but no customer.
func (p Policy) staffOnly() bool {
	roles, ok := p.roles()
	return ok && len(roles) > 0 && !slices.Contains(roles, auth.RoleCustomer)
}

// checkAccess validates the access fields of a route whose policy is known.
func (rt Route) checkAccess() []error {
	if rt.Policy == PolicyPublic {
		var errs []error
		if rt.Action != "" {
			errs = append(errs, errors.New("a public route takes no Action: Authorize needs a signed-in caller"))
		}
		if rt.RequireMFA {
			errs = append(errs, errors.New("RequireMFA needs a policy that requires signing in"))
		}
		return errs
	}
	if rt.Action == "" {
		return []error{errors.New("no Action: a route that requires signing in names what its handler does (auth.Action)")}
	}
	if _, ok := auth.TargetOf(rt.Action); !ok {
		return []error{fmt.Errorf("unknown Action %q: it has no row in auth's policy table", rt.Action)}
	}
	// The door must not be wider than the table: a role the policy admits
	// but the table denies the action would pass here only to be refused
	// in the handler, or, if a handler forgot to call Authorize, not at all.
	roles, _ := rt.Policy.roles()
	var errs []error
	for _, role := range roles {
		if _, err := auth.ScopeFor(auth.Actor{UserID: "route-check", Role: role}, rt.Action); err != nil {
			errs = append(errs, fmt.Errorf("policy %q admits %s, which auth's policy table denies %s", rt.Policy, role, rt.Action))
		}
	}
	return errs
}

// authorize is step 10, after authentication (step 8) and the per-user rate
// limit (step 9): the route's policy decides at the door, deny by default.
// Public routes need nothing. Otherwise the caller is signed in (step 8
// refused everyone else with 401) and
//
//   - a role the policy does not admit is 403 forbidden;
//   - without a second factor on a route that requires one (RequireMFA, or
//     a staff-only route under Options.Require2FAForStaff) it is 403 with
//     the code mfa_required, so clients know to sign in again with TOTP
//     (issue 3, "Two-factor authentication"; ASVS 4.0.3 V2.2.1);
//
// both audited as access.denied. Ownership of a particular resource is
// decided in the handler, with Authorize (issue 3, "Authorization").
func authorize(g *guard) step {
	if g.public {
		return nil
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c := callerFrom(r.Context())
			switch {
			case c == nil: // unreachable: authenticate refused anonymous callers
				w.Header().Set("WWW-Authenticate", WWWAuthenticate)
				g.errs.Write(w, r, response.Unauthorized(errorf("authorization: no caller on %s", g.route)))
				return
			case !slices.Contains(g.admits, c.id.Role):
				details := "role " + string(c.id.Role) + " outside policy " + string(g.policy)
				g.deny(r, c.id, "route:"+g.route, details)
				g.errs.Write(w, r, response.Forbidden(errorf("authorization: %s on %s", details, g.route)))
				return
			case g.mfa && !c.id.MFA:
				g.deny(r, c.id, "route:"+g.route, "second factor required")
				g.errs.Write(w, r, mfaRequired(errorf("authorization: %s without a second factor on %s", c.id.Role, g.route)))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// MFARequiredCode is the error code of a 403 that a second factor would
// have avoided.
const MFARequiredCode = "mfa_required"

func mfaRequired(err error) *response.Error {
	return &response.Error{Status: http.StatusForbidden, Code: MFARequiredCode,
		Message: "This requires signing in with two-factor authentication.", Err: err}
}

// Authorize is the one authorization call of a handler (issue 3, "one call
// in every handler"): it decides with auth.Authorize whether the signed-in
// caller may perform the route's Action on res, the resource the handler
// loaded (the zero Resource for one that does not exist). For actions on
// the caller's own account or on a collection res is ignored.
//
// It returns nil or an error for the handler to return as is: a resource
// the caller may not reach, someone else's or a missing one, is 404 (never
// 403, so a response does not reveal that it exists; DESIGN.md invariant 2),
// an action the caller's role may never perform is 403. Both are audited as
// access.denied with the caller, client IP, request ID and the request path
// as target.
func Authorize(r *http.Request, res auth.Resource) error {
	c := callerFrom(r.Context())
	if c == nil {
		return response.Unauthorized(errorf("Authorize: no signed-in caller for %s %s", r.Method, r.URL.EscapedPath()))
	}
	g := c.guard
	if g.action == "" { // a public route, which cannot declare one
		return response.Internal(errorf("Authorize: route %s declares no Action", g.route))
	}
	err := auth.Authorize(c.id.Actor(), g.action, res)
	if err == nil {
		return nil
	}
	target := "path:" + truncate(r.URL.EscapedPath(), maxAuditTarget)
	if errors.Is(err, auth.ErrNotFound) {
		g.deny(r, c.id, target, "action "+string(g.action)+" by "+string(c.id.Role)+": not found or not theirs")
		return response.NotFound(err)
	}
	g.deny(r, c.id, target, "action "+string(g.action)+" by "+string(c.id.Role)+": forbidden")
	return response.Forbidden(err)
}

// maxAuditTarget caps the client-chosen part of an audit target.
const maxAuditTarget = 256

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// deny records an access.denied audit event (issue 3, "audited as
// access.denied"; hardening guide, "Security Logging"). The record outlives
// the request's cancellation: a caller hanging up must not erase the trace
// of its attempt.
func (g *guard) deny(r *http.Request, id Identity, target, details string) {
	ctx := r.Context()
	e := audit.Event{
		Type:      "access.denied",
		Level:     audit.LevelWarning,
		Time:      g.clock().UTC(),
		Actor:     id.UserID,
		IP:        clientAddr(request.ClientIP(ctx)),
		RequestID: request.ID(ctx),
		Target:    target,
		Details:   details,
		Status:    "denied",
	}
	if err := g.audit.Record(context.WithoutCancel(ctx), e); err != nil {
		g.log.LogAttrs(ctx, slog.LevelError, "audit record failed",
			slog.String("event", "audit.record_failed"),
			slog.String("request_id", e.RequestID),
			slog.String("error", err.Error()))
	}
}

package middleware

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"

	"supportbot/internal/auth"
	"supportbot/internal/ratelimit"
)

// HandlerFunc is a route's handler. It returns an error instead of writing
// one: the router turns the error into the response (DESIGN.md, "Errors leave
// through one writer"), so no handler can leak internals by accident.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// routeMethods are the methods a route may declare. HEAD is implied by GET;
// TRACE and CONNECT are never served (issue 2, "Request rules"), and OPTIONS
// belongs to CORS preflight.
var routeMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// bodyMethods are the methods whose requests carry a body; their routes must
// declare a schema or NoBody, so every body is validated (issue 2).
var bodyMethods = []string{http.MethodPost, http.MethodPut, http.MethodPatch}

// Route declares one endpoint. The api and ui packages each list theirs in
// one routes function.
type Route struct {
	Method  string // GET, POST, PUT, PATCH or DELETE
	Pattern string // http.ServeMux path pattern without method or host: "/api/v1/orders/{id}"
	Policy  Policy // required; who may call it (policy.go)

	// Action is what the handler does, from the one policy table in
	// internal/auth. Required on every non-public route: the handler passes
	// it to auth.Authorize through middleware.Authorize, and the route's
	// Policy must not admit a role that the table denies the action.
	Action auth.Action
	// RequireMFA refuses (403 mfa_required) a signed-in caller whose session
	// was not established with a second factor. With
	// Options.Require2FAForStaff it is implied for staff-only routes.
	RequireMFA bool

	// Schema names the JSON Schema in api/schemas (file name without
	// ".json") the request body must satisfy. It is checked before the
	// handler runs. Required for POST, PUT and PATCH unless NoBody is set.
	Schema string
	// NoBody declares that the route takes no request body; one is refused.
	NoBody bool
	// OptionalBody lets a route with a Schema also be called without a
	// body (Content-Length 0): the schema check is skipped and the handler
	// finds r.ContentLength == 0. A body that is sent is validated as
	// always. For endpoints whose one member may come from elsewhere, like
	// the refresh token that browsers send as a cookie.
	OptionalBody bool
	// ContentTypes lists the accepted request media types; default
	// application/json only.
	ContentTypes []string
	// Form declares an HTML form route of the UI: the body is
	// application/x-www-form-urlencoded (the only type accepted), its fields
	// become a JSON object of strings validated against Schema
	// (request.ReadForm), and the handler decodes that object with
	// request.DecodeJSON. UI routes only; needs a Schema.
	Form bool
	// Stream opts out of the handler deadline, for long-lived responses such
	// as server-sent events; the handler then owns its lifetime and must end
	// with the request's context.
	Stream bool
	// UserLimit adds a per-user limit of the route's own, on top of the
	// API-wide ones (the chat's CHAT_RATE_LIMIT_PER_MINUTE). Routes that
	// share a Name share the bucket.
	UserLimit *NamedLimit

	Handler HandlerFunc
}

// NamedLimit is a rate limit with the name of its bucket.
type NamedLimit struct {
	Name  string
	Limit ratelimit.Limit
}

// String names the route as "METHOD PATTERN".
func (rt Route) String() string { return rt.Method + " " + rt.Pattern }

// apiPrefix marks the JSON API: CORS and the rate limit apply below it.
const apiPrefix = "/api/"

func (rt Route) isAPI() bool { return strings.HasPrefix(rt.Pattern, apiPrefix) }

// check validates a route declaration; the router refuses to build with a
// route that would be ambiguous or unsafe.
func (rt Route) check() error {
	var errs []error
	if !slices.Contains(routeMethods, rt.Method) {
		errs = append(errs, fmt.Errorf("method %q is not one of %v", rt.Method, routeMethods))
	}
	if !strings.HasPrefix(rt.Pattern, "/") {
		errs = append(errs, errors.New("pattern must be a path starting with /"))
	}
	switch {
	case rt.Policy == "":
		errs = append(errs, errors.New("no policy: every route must declare one (deny by default)"))
	case !knownPolicy(rt.Policy):
		errs = append(errs, fmt.Errorf("unknown policy %q", rt.Policy))
	default:
		errs = append(errs, rt.checkAccess()...)
	}
	if rt.Handler == nil {
		errs = append(errs, errors.New("no handler"))
	}
	if rt.Schema != "" && rt.NoBody {
		errs = append(errs, errors.New("both Schema and NoBody set"))
	}
	if rt.OptionalBody && rt.Schema == "" {
		errs = append(errs, errors.New("OptionalBody needs a Schema for the body that is sent"))
	}
	if rt.Form && (rt.Schema == "" || len(rt.ContentTypes) > 0 || rt.isAPI()) {
		errs = append(errs, errors.New("a Form route is a UI route with a Schema and no ContentTypes of its own"))
	}
	if slices.Contains(bodyMethods, rt.Method) && rt.Schema == "" && !rt.NoBody {
		errs = append(errs, errors.New("a request body needs a Schema (or NoBody if there is none)"))
	}
	for _, ct := range rt.ContentTypes {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil || mt != ct || len(params) > 0 {
			errs = append(errs, fmt.Errorf("content type %q must be a bare lower-case media type", ct))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("middleware: route %s: %w", rt, err)
	}
	return nil
}

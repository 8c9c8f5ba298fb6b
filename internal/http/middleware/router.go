package middleware

import (
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"

	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// router resolves a request to its route with the standard ServeMux. A
// catch-all "/" pattern without method takes everything no route matches,
// so the mux's own plain-text 404 and 405 never reach a client: they are
// answered by the error writer, with Allow on 405 (OWASP ASVS 4.0.3
// V14.5.1, only the methods in use).
type router struct {
	mux     *http.ServeMux // the routes plus the catch-all
	probe   *http.ServeMux // the routes alone, to learn which methods a path allows
	methods []string       // every method some route uses, HEAD included with GET
	errs    *response.ErrorWriter
}

func newRouter(routes []Route, schemas *request.Schemas, wrap func(Route, *request.Schema) http.Handler, errs *response.ErrorWriter) (*router, error) {
	rt := &router{mux: http.NewServeMux(), probe: http.NewServeMux(), errs: errs}
	var problems []error
	for _, r := range routes {
		if err := r.check(); err != nil {
			problems = append(problems, err)
			continue
		}
		var schema *request.Schema
		if r.Schema != "" {
			s, err := schemas.Lookup(r.Schema)
			if err != nil {
				problems = append(problems, fmt.Errorf("middleware: route %s: %w", r, err))
				continue
			}
			schema = s
		}
		pattern := r.Method + " " + r.Pattern
		if err := register(rt.mux, pattern, wrap(r, schema)); err != nil {
			problems = append(problems, fmt.Errorf("middleware: route %s: %w", r, err))
			continue
		}
		_ = register(rt.probe, pattern, http.NotFoundHandler())
		if !slices.Contains(rt.methods, r.Method) {
			rt.methods = append(rt.methods, r.Method)
		}
		if r.Method == http.MethodGet && !slices.Contains(rt.methods, http.MethodHead) {
			rt.methods = append(rt.methods, http.MethodHead)
		}
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	slices.Sort(rt.methods)
	rt.mux.Handle("/", http.HandlerFunc(rt.unmatched))
	return rt, nil
}

// register adds pattern to mux, turning the mux's panic on an invalid or
// conflicting pattern into an error.
func register(mux *http.ServeMux, pattern string, h http.Handler) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%v", v)
		}
	}()
	mux.Handle(pattern, h)
	return nil
}

// ServeHTTP dispatches to the matched route or to unmatched. Requests the
// mux would answer itself, with its own body and no error writer, are
// answered here first: the "*" target (400) and paths that are not in
// canonical form (see nonCanonical).
func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.RequestURI == "*" {
		rt.errs.Write(w, r, response.BadRequest("", "", errorf("request target * for %s", r.Method)))
		return
	}
	// The mux leaves CONNECT paths alone; so do we. The cheap test first:
	// only a path with "//", "/." or no leading slash can need cleaning.
	if r.Method != http.MethodConnect {
		if p := r.URL.EscapedPath(); p == "" || p[0] != '/' || strings.Contains(p, "//") || strings.Contains(p, "/.") {
			if clean := cleanPath(p); clean != p {
				rt.nonCanonical(w, r, clean)
				return
			}
		}
	}
	rt.mux.ServeHTTP(w, r)
}

// nonCanonical answers a request whose path has empty, "." or ".." segments
// ("//healthz", "/api/../healthz"), which the mux would answer with a 307
// and an HTML body of its own. Nothing of ours links to such paths; they
// come from scanners, or from requests crafted so that a proxy or filter in
// front and the server disagree on the path (path confusion, OWASP WSTG
// "Testing for HTTP Incoming Requests", ASVS 4.0.3 V12.3.1).
//
//   - A path that is, or cleans to, an API path answers 404 through the error
//     writer: an API client never needs the redirect, and following one would
//     replay its method, body and credentials on another path.
//   - A UI page requested with GET or HEAD is redirected with an empty 301
//     to its clean path (a browser may produce one from a hand-edited URL);
//     the Location is a same-origin path ("/x", never "//host"), with the
//     query kept.
//   - Any other method on a UI path answers 404: a form posts only to the
//     paths we render.
func (rt *router) nonCanonical(w http.ResponseWriter, r *http.Request, clean string) {
	cause := errorf("non-canonical path %q (clean %q)", r.URL.EscapedPath(), clean)
	// The error writer picks JSON or HTML by path: judge by the clean one
	// too, so "//healthz" answers like "/healthz".
	cleaned := *r
	u := *r.URL
	u.Path, u.RawPath = cleanPath(r.URL.Path), ""
	cleaned.URL = &u
	switch {
	case response.IsAPI(r):
		rt.errs.Write(w, r, response.NotFound(cause))
	case response.IsAPI(&cleaned):
		rt.errs.Write(w, &cleaned, response.NotFound(cause))
	case (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		strings.HasPrefix(clean, "/") && !strings.HasPrefix(clean, "//") && !strings.Contains(clean, "\\"):
		loc := clean
		if r.URL.RawQuery != "" {
			loc += "?" + r.URL.RawQuery
		}
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusMovedPermanently)
	default:
		rt.errs.Write(w, r, response.NotFound(cause))
	}
}

// cleanPath is the mux's own canonical form of a path: rooted, without
// empty, "." or ".." segments, keeping a trailing slash.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}

// unmatched answers requests no route takes: 405 with Allow when the path
// exists under other methods (and always for TRACE and CONNECT), else 404.
func (rt *router) unmatched(w http.ResponseWriter, r *http.Request) {
	allow := rt.allowed(r)
	never := r.Method == http.MethodTrace || r.Method == http.MethodConnect
	if len(allow) == 0 && !never {
		rt.errs.Write(w, r, response.NotFound(errorf("no route for %s %s", r.Method, r.URL.Path)))
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	rt.errs.Write(w, r, response.MethodNotAllowed(errorf("method %s not allowed for %s", r.Method, r.URL.Path)))
}

// allowed returns the methods some route serves r's path with.
func (rt *router) allowed(r *http.Request) []string {
	if r.Method == http.MethodConnect {
		return nil // CONNECT names a host, not one of our paths
	}
	var allow []string
	probe := *r
	for _, m := range rt.methods {
		probe.Method = m
		if _, pattern := rt.probe.Handler(&probe); pattern != "" {
			allow = append(allow, m)
		}
	}
	return allow
}

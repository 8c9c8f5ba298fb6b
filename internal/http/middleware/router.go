package middleware

import (
	"errors"
	"fmt"
	"net/http"
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

// ServeHTTP dispatches to the matched route or to unmatched.
func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt.mux.ServeHTTP(w, r)
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

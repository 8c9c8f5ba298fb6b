package middleware

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/rs/cors"

	"supportbot/internal/http/response"
)

// corsMaxAge is how long browsers may cache a preflight answer, in seconds.
const corsMaxAge = 600

// crossOrigin applies CORS to the API and cross-origin protection to every
// state-changing request.
//
// CORS (hardening guide, "CORS Configuration"; OWASP ASVS 4.0.3 V14.5.3):
// only the exact origins of the allow-list, never "*" or "null"; only the
// methods and headers the API uses. Origins are matched by our own exact
// comparison (AllowOriginFunc), so rs/cors' wildcard patterns and its
// "allow everything" default for an empty list can never apply.
//
// Cross-origin protection (CSRF, ASVS 4.0.3 V4.2.2): http.CrossOriginProtection
// refuses unsafe-method requests that Sec-Fetch-Site or Origin mark as
// cross-origin, unless the origin is on the same allow-list. A refusal goes
// through the error writer as 403. Requests without either header come from
// non-browser clients, which cannot carry a victim's cookies, and pass.
//
// The allow-list is trusted for the API only. The UI's forms are posted from
// its own pages and nowhere else; trusting the API's origins there would let
// a sibling site on the list (same-site, so the SameSite=Strict session
// cookies go along) post any form as the signed-in user.
func crossOrigin(origins []string, credentials bool, errs *response.ErrorWriter) (step, error) {
	cop := http.NewCrossOriginProtection()
	uiCOP := http.NewCrossOriginProtection()
	allowed := make(map[string]bool, len(origins))
	for _, o := range origins {
		if err := CheckOrigin(o); err != nil {
			return nil, err
		}
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("middleware: CORS origin %q: %w", o, err)
		}
		allowed[o] = true
	}
	c := cors.New(cors.Options{
		AllowOriginFunc:  func(origin string) bool { return allowed[origin] },
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
		AllowedHeaders:   []string{"Authorization", "Content-Type"},
		ExposedHeaders:   []string{"X-Request-Id", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"},
		AllowCredentials: credentials,
		MaxAge:           corsMaxAge,
	})
	return func(next http.Handler) http.Handler {
		protect := func(p *http.CrossOriginProtection) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := p.Check(r); err != nil {
					errs.Write(w, r, response.Forbidden(errorf("cross-origin protection: %w", err)))
					return
				}
				next.ServeHTTP(w, r)
			})
		}
		api, site := c.Handler(protect(cop)), protect(uiCOP)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, apiPrefix) {
				api.ServeHTTP(w, r)
				return
			}
			site.ServeHTTP(w, r)
		})
	}, nil
}

// CheckOrigin reports whether o is an exact origin (scheme://host[:port],
// lower case, no path) that may be allowed; wildcards and null never are
// (hardening guide, "CORS Configuration"). Configuration uses it too, so
// both refuse the same values.
func CheckOrigin(o string) error {
	if o == "*" || o == "null" || strings.Contains(o, "*") {
		return fmt.Errorf("middleware: CORS origin %q: wildcards and null are never allowed", o)
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" ||
		strings.TrimSuffix(o, "/") != u.Scheme+"://"+u.Host {
		return fmt.Errorf("middleware: CORS origin %q must be scheme://host[:port]", o)
	}
	if o != strings.ToLower(o) {
		return fmt.Errorf("middleware: CORS origin %q must be lower case, as browsers send it", o)
	}
	if strings.HasSuffix(o, "/") {
		return fmt.Errorf("middleware: CORS origin %q must not end with /", o)
	}
	return nil
}

package middleware

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// WWWAuthenticate is the challenge of every 401. It is the same whether the
// credentials were missing, malformed, expired or revoked: the client is
// never told why (issue 3; ASVS 4.0.3 V3.5.3, V7.4.1), the log is. The
// identity handlers send it with their own 401s (a failed login or
// refresh) too.
const WWWAuthenticate = `Bearer realm="supportbot"`

// queryCredentials are the query parameters that would carry a token in a
// URL, where it would end up in logs, proxies, browser history and Referer
// headers (issue 3, "Tokens never appear in URLs"; ASVS 4.0.3 V3.1.1;
// RFC 6750 5.3). API requests carrying one are refused, valid or not.
var queryCredentials = []string{"access_token", "token", "refresh_token", "id_token"}

// authn is what the authentication and authorization steps share.
type authn struct {
	authenticator   Authenticator // nil: only public routes exist (checked by New)
	cookieName      string        // the access-token cookie (cookie.Jar.AccessName)
	requireStaffMFA bool          // Options.Require2FAForStaff
	loginPath       string        // Options.LoginPath
	audit           audit.Recorder
	clock           func() time.Time
	log             *slog.Logger
	errs            *response.ErrorWriter
}

// guard is one route's access rules, built once with the router.
type guard struct {
	*authn
	route  string      // "GET /api/v1/orders/{id}", for audit and logs
	policy Policy      // as declared
	public bool        // PolicyPublic: the identity is optional
	admits []auth.Role // the roles the policy lets in (none when public)
	mfa    bool        // a second factor is required
	action auth.Action // what the handler does, for Authorize
}

func newGuard(rt Route, a *authn) *guard {
	g := &guard{authn: a, route: rt.String(), policy: rt.Policy, public: rt.Policy == PolicyPublic, action: rt.Action}
	g.admits, _ = rt.Policy.roles()
	g.mfa = rt.RequireMFA || (a.requireStaffMFA && rt.Policy.staffOnly())
	return g
}

// authenticate is step 8: it establishes who is calling.
//
//   - On API routes a token in the query string is refused (400) first,
//     whatever the route's policy.
//   - The access token comes from "Authorization: Bearer <token>" (API
//     clients) or, when that header is absent, from the access-token cookie
//     (browsers). When both are present the header wins and the cookie is
//     not looked at, so a mismatch between them is no error.
//   - Public routes run with an optional identity: a valid token attaches
//     it, a missing, malformed or refused one leaves the request anonymous.
//   - Every other route needs a valid token: without one it is 401 with
//     WWW-Authenticate and the fixed body, the reason going to the log only.
//     A failure of the check itself (the token store unreachable) is 503:
//     failing closed, never letting the caller through (ASVS 4.0.3 V4.1.5).
//
// Roles, MFA and ownership are authorization's business (step 10,
// authorize, and Authorize in the handler).
func authenticate(g *guard, api bool) step {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if api {
				if name, found := credentialInQuery(r.URL.RawQuery); found {
					g.errs.Write(w, r, response.BadRequest("", "Credentials must never be sent in the URL.",
						errorf("credential parameter %q in the query string", name)))
					return
				}
			}
			if g.authenticator == nil { // New allows this for public routes only
				next.ServeHTTP(w, r)
				return
			}
			id, found, err := g.identify(r)
			switch {
			case err != nil && g.public:
				level := slog.LevelDebug
				if err.Status != http.StatusUnauthorized {
					level = slog.LevelWarn
				}
				g.log.LogAttrs(r.Context(), level, "credentials ignored on a public route",
					slog.String("event", "auth.credentials_ignored"),
					slog.String("request_id", request.ID(r.Context())),
					slog.String("error", err.Error()))
				next.ServeHTTP(w, r)
				return
			case err == nil && !found && g.public:
				next.ServeHTTP(w, r)
				return
			case err == nil && !found:
				err = response.Unauthorized(errorf("authentication: no credentials for %s", g.route))
			}
			if err != nil {
				if err.Status == http.StatusUnauthorized && !api && g.loginPath != "" &&
					(r.Method == http.MethodGet || r.Method == http.MethodHead) {
					// A page, not an API call: send the browser to sign in,
					// then back here. The reason stays in the log.
					g.log.LogAttrs(r.Context(), slog.LevelDebug, "sign-in required for a page",
						slog.String("event", "auth.signin_redirect"),
						slog.String("request_id", request.ID(r.Context())),
						slog.String("error", err.Error()))
					http.Redirect(w, r, g.loginPath+"?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
					return
				}
				if err.Status == http.StatusUnauthorized {
					w.Header().Set("WWW-Authenticate", WWWAuthenticate)
				}
				g.errs.Write(w, r, err)
				return
			}
			if info := request.InfoFrom(r.Context()); info != nil {
				info.UserID = id.UserID
			}
			next.ServeHTTP(w, r.WithContext(withCaller(r.Context(), &caller{id: id, guard: g})))
		})
	}
}

// identify returns the identity r's credentials prove; found is false when
// r carries none.
func (g *guard) identify(r *http.Request) (id Identity, found bool, _ *response.Error) {
	token, source, err := credentials(r, g.cookieName)
	if err != nil {
		return Identity{}, false, response.Unauthorized(errorf("authentication: %s: %w", source, err))
	}
	if token == "" {
		return Identity{}, false, nil
	}
	id, err = g.authenticator.Authenticate(r.Context(), token)
	switch {
	case errors.Is(err, auth.ErrInvalidToken):
		return Identity{}, false, response.Unauthorized(errorf("authentication: %s token refused: %w", source, err))
	case err != nil:
		return Identity{}, false, response.Unavailable(errorf("authentication: checking a %s token: %w", source, err))
	case !id.valid():
		// Deny by default: an identity without user or with an unknown
		// role is a bug in the authenticator, never a guest pass.
		return Identity{}, false, response.Internal(errorf("authentication: authenticator returned an unusable identity (user %t, role %q)",
			id.UserID != "", id.Role))
	}
	return id, true, nil
}

// credentials returns the access token r carries and where it came from
// ("header" or "cookie"); token is "" when there is none. An Authorization
// header, when present, is the only source looked at, so a malformed one is
// an error even if a good cookie is present too. Several Authorization
// headers, or several access cookies (a planted duplicate), are errors:
// which one to believe cannot be told.
func credentials(r *http.Request, cookieName string) (token, source string, err error) {
	if vals := r.Header.Values("Authorization"); len(vals) > 0 {
		if len(vals) > 1 {
			return "", "header", fmt.Errorf("%d Authorization headers", len(vals))
		}
		token, err := bearer(vals[0])
		return token, "header", err
	}
	cs := r.CookiesNamed(cookieName)
	switch {
	case len(cs) == 0, len(cs) == 1 && cs[0].Value == "":
		return "", "", nil
	case len(cs) > 1:
		return "", "cookie", fmt.Errorf("%d %s cookies", len(cs), cookieName)
	case !validToken(cs[0].Value):
		return "", "cookie", errors.New("malformed token in the cookie")
	}
	return cs[0].Value, "cookie", nil
}

// bearer parses an Authorization header value of the Bearer scheme
// (RFC 6750 2.1: "Bearer" 1*SP b64token; the scheme is case-insensitive).
func bearer(v string) (string, error) {
	scheme, rest, ok := strings.Cut(v, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", errors.New("the Authorization header is not of the Bearer scheme")
	}
	token := strings.TrimLeft(rest, " ")
	if !ok || token == "" {
		return "", errors.New("no token after Bearer")
	}
	if !validToken(token) {
		return "", errors.New("malformed bearer token")
	}
	return token, nil
}

// validToken reports whether s is a b64token (RFC 6750 2.1) no longer than
// auth.MaxTokenBytes: letters, digits and -._~+/ followed by optional "="
// padding. JWTs and our opaque tokens are; spaces, commas and quotes (two
// tokens, a list, a quoted string) are not.
func validToken(s string) bool {
	if s == "" || len(s) > auth.MaxTokenBytes {
		return false
	}
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		if !tokenByte[body[i]] {
			return false
		}
	}
	return true
}

// tokenByte holds the bytes of a b64token before its padding. A table:
// every authenticated request checks a few hundred bytes.
var tokenByte = func() (t [256]bool) {
	for _, c := range []byte("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/") {
		t[c] = true
	}
	return t
}()

// credentialInQuery reports whether the raw query string names one of
// queryCredentials. It splits on both & and ; and compares unescaped,
// lower-cased names, so neither "?Token=…", "?%74oken=…" nor a pair that
// url.ParseQuery would drop for a semicolon slips through.
func credentialInQuery(raw string) (string, bool) {
	if raw == "" {
		return "", false
	}
	for pair := range strings.FieldsFuncSeq(raw, func(c rune) bool { return c == '&' || c == ';' }) {
		name, _, _ := strings.Cut(pair, "=")
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		name = strings.ToLower(name)
		if slices.Contains(queryCredentials, name) {
			return name, true
		}
	}
	return "", false
}

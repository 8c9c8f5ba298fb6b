package middleware

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"supportbot/internal/auth"
	"supportbot/internal/http/response"
)

func TestPolicyRolesIsCanonical(t *testing.T) {
	tests := []struct {
		name  string
		got   Policy
		want  Policy
		known bool
	}{
		{"staff in any order", PolicyRoles(auth.RoleAdmin, auth.RoleSupport), PolicyStaff, true},
		{"duplicates collapse", PolicyRoles(auth.RoleAdmin, auth.RoleAdmin), PolicyAdmin, true},
		{"all roles is authenticated", PolicyRoles(auth.Roles()...), PolicyAuthenticated, true},
		{"customers only", PolicyRoles(auth.RoleCustomer), "roles:customer", true},
		{"no role is unknown", PolicyRoles(), "roles:", false},
		{"an unknown role stays visible and unknown", PolicyRoles(auth.RoleAdmin, "root"), "roles:admin,root", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("policy = %q, want %q", tt.got, tt.want)
			}
			if knownPolicy(tt.got) != tt.known {
				t.Errorf("knownPolicy(%q) = %t, want %t", tt.got, !tt.known, tt.known)
			}
		})
	}
	for _, p := range []Policy{"", "admin", "roles:admin,support", "roles:admin,", "roles:Admin", "roles:customer,support,admin", " public"} {
		if knownPolicy(p) {
			t.Errorf("knownPolicy(%q) = true for a hand-written, non-canonical policy", p)
		}
	}
	if !PolicyStaff.staffOnly() || !PolicyAdmin.staffOnly() || PolicyAuthenticated.staffOnly() || PolicyPublic.staffOnly() ||
		PolicyRoles(auth.RoleCustomer, auth.RoleAdmin).staffOnly() {
		t.Error("staffOnly misclassifies a policy")
	}
}

func TestPolicyAdmits(t *testing.T) {
	tests := []struct {
		policy Policy
		admits string // one letter per role of auth.Roles(): Y or N
	}{
		{PolicyPublic, "YYY"},
		{PolicyAuthenticated, "YYY"},
		{PolicyStaff, "NYY"},
		{PolicyAdmin, "NNY"},
		{PolicyRoles(auth.RoleCustomer), "YNN"},
		{"roles:admin,support", "NNN"}, // not canonical: unknown, admits nobody
		{"", "NNN"},
	}
	for _, tt := range tests {
		for i, role := range auth.Roles() {
			if got := tt.policy.Admits(role); got != (tt.admits[i] == 'Y') {
				t.Errorf("%q.Admits(%s) = %t", tt.policy, role, got)
			}
		}
		if tt.policy.Admits("root") || tt.policy.Admits("") {
			t.Errorf("%q admits an invalid role", tt.policy)
		}
	}
}

func TestRouteAccessDeclarations(t *testing.T) {
	ok := func(http.ResponseWriter, *http.Request) error { return nil }
	tests := []struct {
		name  string
		route Route
		want  string // "" for a valid route
	}{
		{"public route", Route{Method: "GET", Pattern: "/x", Policy: PolicyPublic, Handler: ok}, ""},
		{"signed-in route with its action", Route{Method: "GET", Pattern: "/x", Policy: PolicyAuthenticated, Action: auth.ActionMeRead, Handler: ok}, ""},
		{"admin route", Route{Method: "GET", Pattern: "/x", Policy: PolicyAdmin, Action: auth.ActionUsersList, RequireMFA: true, Handler: ok}, ""},
		{"public route with an action", Route{Method: "GET", Pattern: "/x", Policy: PolicyPublic, Action: auth.ActionMeRead, Handler: ok}, "takes no Action"},
		{"public route requiring MFA", Route{Method: "GET", Pattern: "/x", Policy: PolicyPublic, RequireMFA: true, Handler: ok}, "RequireMFA"},
		{"signed-in route without action", Route{Method: "GET", Pattern: "/x", Policy: PolicyAuthenticated, Handler: ok}, "no Action"},
		{"unknown action", Route{Method: "GET", Pattern: "/x", Policy: PolicyAuthenticated, Action: "orders.burn", Handler: ok}, "unknown Action"},
		{"policy wider than the table", Route{Method: "GET", Pattern: "/x", Policy: PolicyAuthenticated, Action: auth.ActionUsersList, Handler: ok}, "admits customer"},
		{"staff policy for a customer action", Route{Method: "POST", Pattern: "/x", NoBody: true, Policy: PolicyStaff, Action: auth.ActionConversationMessage, Handler: ok}, "admits support"},
		{"hand-written role policy", Route{Method: "GET", Pattern: "/x", Policy: "roles:admin,support", Action: auth.ActionUsersList, Handler: ok}, "unknown policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.route.check()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("check: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("check = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	const cookieName = "__Host-sb_access"
	long := strings.Repeat("a", auth.MaxTokenBytes+1)
	tests := []struct {
		name    string
		headers []string // Authorization header values
		cookies []string // raw Cookie header values
		token   string
		source  string
		bad     bool
	}{
		{name: "nothing"},
		{name: "bearer header", headers: []string{"Bearer abc.DEF-ghi_~+/=="}, token: "abc.DEF-ghi_~+/==", source: "header"},
		{name: "scheme is case-insensitive", headers: []string{"bearer tok"}, token: "tok", source: "header"},
		{name: "extra spaces after the scheme", headers: []string{"Bearer   tok"}, token: "tok", source: "header"},
		{name: "cookie", cookies: []string{cookieName + "=tok"}, token: "tok", source: "cookie"},
		{name: "header beats cookie", headers: []string{"Bearer from-header"}, cookies: []string{cookieName + "=from-cookie"}, token: "from-header", source: "header"},
		{name: "malformed header beats a good cookie", headers: []string{"Basic dXNlcjpwYXNz"}, cookies: []string{cookieName + "=tok"}, source: "header", bad: true},
		{name: "empty cookie is none", cookies: []string{cookieName + "="}},
		{name: "other cookies are ignored", cookies: []string{"sb_access=tok; __Host-sb_refresh=r"}},
		{name: "Bearer alone", headers: []string{"Bearer"}, source: "header", bad: true},
		{name: "Bearer and spaces", headers: []string{"Bearer   "}, source: "header", bad: true},
		{name: "Basic", headers: []string{"Basic dXNlcjpwYXNz"}, source: "header", bad: true},
		{name: "two tokens", headers: []string{"Bearer a b"}, source: "header", bad: true},
		{name: "a list", headers: []string{"Bearer a, Bearer b"}, source: "header", bad: true},
		{name: "two headers", headers: []string{"Bearer a", "Bearer b"}, source: "header", bad: true},
		{name: "empty header", headers: []string{""}, source: "header", bad: true},
		{name: "quoted token", headers: []string{`Bearer "tok"`}, source: "header", bad: true},
		{name: "padding only", headers: []string{"Bearer ==="}, source: "header", bad: true},
		{name: "padding inside", headers: []string{"Bearer a=b"}, source: "header", bad: true},
		{name: "oversized token", headers: []string{"Bearer " + long}, source: "header", bad: true},
		{name: "two access cookies", cookies: []string{cookieName + "=a", cookieName + "=b"}, source: "cookie", bad: true},
		{name: "malformed cookie", cookies: []string{cookieName + "=a%20b"}, source: "cookie", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			for _, h := range tt.headers {
				r.Header.Add("Authorization", h)
			}
			for _, c := range tt.cookies {
				r.Header.Add("Cookie", c)
			}
			token, source, err := credentials(r, cookieName)
			if (err != nil) != tt.bad || token != tt.token || source != tt.source {
				t.Fatalf("credentials = %q, %q, %v; want %q, %q, error %t", token, source, err, tt.token, tt.source, tt.bad)
			}
			if err != nil && strings.Contains(err.Error(), "dXNlcjpwYXNz") {
				t.Errorf("error %q repeats the credentials", err)
			}
		})
	}
}

func TestCredentialInQuery(t *testing.T) {
	for raw, want := range map[string]string{
		"":                          "",
		"page=2":                    "",
		"tokens=1&my_token=2":       "",
		"q=token":                   "",
		"access_token=x":            "access_token",
		"page=1&token=x":            "token",
		"refresh_token=":            "refresh_token",
		"id_token":                  "id_token",
		"Access_Token=x":            "access_token",
		"%74oken=x":                 "token",
		"a=1;token=x":               "token",
		"token=x;a=1":               "token",
		"%zz=1&access%5Ftoken=x":    "access_token",
		"a=%zz&refresh_token=x&b=2": "refresh_token",
	} {
		got, found := credentialInQuery(raw)
		if got != want || found != (want != "") {
			t.Errorf("credentialInQuery(%q) = %q, %t; want %q", raw, got, found, want)
		}
	}
}

func FuzzCredentials(f *testing.F) {
	for _, s := range []string{"Bearer abc", "Basic x", "Bearer a b", "bearer  x==", "Bearer", ""} {
		f.Add(s, "tok")
	}
	f.Fuzz(func(t *testing.T, header, cookie string) {
		r := httptest.NewRequest("GET", "/", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		r.Header.Set("Cookie", "sb_access="+cookie)
		token, _, err := credentials(r, "sb_access")
		if err == nil && token != "" && !validToken(token) {
			t.Fatalf("accepted an invalid token %q", token)
		}
		if err != nil && token != "" {
			t.Fatalf("token %q returned with error %v", token, err)
		}
	})
}

// b64token is RFC 6750's grammar (section 2.1), the reference validToken's
// table must agree with.
var b64token = regexp.MustCompile(`^[A-Za-z0-9._~+/-]+=*$`)

func FuzzValidTokenIsTheB64TokenGrammar(f *testing.F) {
	for _, s := range []string{"abc", "a.b-c_d~e+f/g==", "=", "a=b", "a b", "a,b", `"a"`, "é", "a\x00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := b64token.MatchString(s) && len(s) <= auth.MaxTokenBytes
		if got := validToken(s); got != want {
			t.Fatalf("validToken(%q) = %t, want %t", s, got, want)
		}
	})
}

func FuzzCredentialInQuery(f *testing.F) {
	for _, s := range []string{"token=x", "a=1;ACCESS_TOKEN", "%zz&id%5ftoken"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		name, found := credentialInQuery(raw)
		if found != (name != "") {
			t.Fatalf("credentialInQuery(%q) = %q, %t", raw, name, found)
		}
	})
}

type staticAuthenticator map[string]Identity

func (s staticAuthenticator) Authenticate(_ context.Context, token string) (Identity, error) {
	if id, ok := s[token]; ok {
		return id, nil
	}
	return Identity{}, auth.ErrInvalidToken
}

func TestNewNeedsAnAuthenticatorForSignedInRoutes(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	ok := func(http.ResponseWriter, *http.Request) error { return nil }
	routes := []Route{{Method: "GET", Pattern: "/api/v1/me", Policy: PolicyAuthenticated, Action: auth.ActionMeRead, Handler: ok}}
	_, err := New(Options{}, Deps{Log: log, Errors: response.NewErrorWriter(log, nil)}, routes)
	if err == nil || !strings.Contains(err.Error(), "GET /api/v1/me") || !strings.Contains(err.Error(), "Authenticator") {
		t.Fatalf("err = %v, want one naming the route and the missing Authenticator", err)
	}
	_, err = New(Options{}, Deps{Log: log, Errors: response.NewErrorWriter(log, nil), Authenticator: staticAuthenticator{}}, routes)
	if err == nil || !strings.Contains(err.Error(), "Audit") {
		t.Fatalf("err = %v, want one asking for the audit recorder", err)
	}
}

func TestAuthorizeWithoutTheChain(t *testing.T) {
	r := httptest.NewRequest("GET", "/api/v1/orders/1", nil)
	err := Authorize(r, auth.Resource{Exists: true})
	if e, ok := err.(*response.Error); !ok || e.Status != http.StatusUnauthorized {
		t.Fatalf("Authorize outside the chain = %v, want a 401", err)
	}
	if _, ok := IdentityFrom(r.Context()); ok {
		t.Error("identity outside the chain")
	}
}

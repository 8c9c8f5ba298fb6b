package middleware

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

func TestFormRoutes(t *testing.T) {
	schemas, err := request.CompileSchemas(fstest.MapFS{"f.json": {Data: []byte(`{
		"type": "object", "additionalProperties": false, "required": ["text"],
		"properties": {"text": {"type": "string", "maxLength": 5}}}`)}})
	if err != nil {
		t.Fatal(err)
	}
	var got string
	log := slog.New(slog.DiscardHandler)
	rt, err := New(Options{}, Deps{Log: log, Errors: response.NewErrorWriter(log, nil), Schemas: schemas}, []Route{{
		Method: "POST", Pattern: "/form", Policy: PolicyPublic, Form: true, Schema: "f",
		Handler: func(w http.ResponseWriter, r *http.Request) error {
			b, _ := io.ReadAll(r.Body)
			got = string(b)
			w.WriteHeader(http.StatusSeeOther)
			return nil
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, ctype, body string
		status            int
	}{
		{"a form reaches the handler as JSON", "application/x-www-form-urlencoded", "text=hi", http.StatusSeeOther},
		{"JSON is not a form", "application/json", `{"text":"hi"}`, http.StatusUnsupportedMediaType},
		{"multipart is not accepted", "multipart/form-data; boundary=x", "--x--", http.StatusUnsupportedMediaType},
		{"a repeated field is refused", "application/x-www-form-urlencoded", "text=a&text=b", http.StatusBadRequest},
		{"the schema applies", "application/x-www-form-urlencoded", "text=toolong", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got = ""
			req := httptest.NewRequest("POST", "/form", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.ctype)
			rec := httptest.NewRecorder()
			rt.ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status == http.StatusSeeOther && got != `{"text":"hi"}` {
				t.Errorf("handler got %q", got)
			} else if tt.status != http.StatusSeeOther && got != "" {
				t.Errorf("a refused form reached the handler: %q", got)
			}
		})
	}
}

func TestFormRouteDeclarations(t *testing.T) {
	ok := func(http.ResponseWriter, *http.Request) error { return nil }
	for name, rt := range map[string]Route{
		"without a schema":   {Method: "POST", Pattern: "/x", Policy: PolicyPublic, Form: true, NoBody: true, Handler: ok},
		"with its own types": {Method: "POST", Pattern: "/x", Policy: PolicyPublic, Form: true, Schema: "s", ContentTypes: []string{"application/json"}, Handler: ok},
		"on the API":         {Method: "POST", Pattern: "/api/v1/x", Policy: PolicyPublic, Form: true, Schema: "s", Handler: ok},
	} {
		if err := rt.check(); err == nil || !strings.Contains(err.Error(), "Form route") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestSignedOutPageRedirectsToLogin(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	ok := func(w http.ResponseWriter, r *http.Request) error { return nil }
	rt, err := New(Options{LoginPath: "/login"}, Deps{Log: log, Errors: response.NewErrorWriter(log, nil),
		Authenticator: staticAuthenticator{}, Audit: &audit.Memory{}}, []Route{
		{Method: "GET", Pattern: "/account", Policy: PolicyAuthenticated, Action: auth.ActionMeRead, Handler: ok},
		{Method: "POST", Pattern: "/account/x", Policy: PolicyAuthenticated, Action: auth.ActionMeUpdate, NoBody: true, Handler: ok},
		{Method: "GET", Pattern: "/api/v1/me", Policy: PolicyAuthenticated, Action: auth.ActionMeRead, Handler: ok},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		method, path string
		status       int
		location     string
	}{
		{"GET", "/account?tab=2fa", http.StatusSeeOther, "/login?next=%2Faccount%3Ftab%3D2fa"},
		{"POST", "/account/x", http.StatusUnauthorized, ""},
		{"GET", "/api/v1/me", http.StatusUnauthorized, ""},
	} {
		rec := httptest.NewRecorder()
		rt.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		if rec.Code != tt.status || rec.Header().Get("Location") != tt.location {
			t.Errorf("%s %s: %d %q, want %d %q", tt.method, tt.path, rec.Code, rec.Header().Get("Location"), tt.status, tt.location)
		}
	}
}

package server_test

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"supportbot/internal/http/middleware"
	"supportbot/internal/server"
)

func ok(http.ResponseWriter, *http.Request) error { return nil }

func TestUnsafeRouteDeclarationsFailTheBuild(t *testing.T) {
	tests := []struct {
		name  string
		route middleware.Route
		want  string
	}{
		{"a route without policy", middleware.Route{Method: "GET", Pattern: "/api/v1/x", Handler: ok}, "no policy"},
		{"a route with an unknown policy", middleware.Route{Method: "GET", Pattern: "/api/v1/x", Policy: "admin-ish", Handler: ok}, "unknown policy"},
		{"a body route without schema", middleware.Route{Method: "POST", Pattern: "/api/v1/x", Policy: middleware.PolicyPublic, Handler: ok}, "Schema"},
		{"an unknown schema", middleware.Route{Method: "POST", Pattern: "/api/v1/x", Policy: middleware.PolicyPublic, Schema: "nope", Handler: ok}, "nope"},
		{"a TRACE route", middleware.Route{Method: "TRACE", Pattern: "/api/v1/x", Policy: middleware.PolicyPublic, Handler: ok}, "TRACE"},
		{"a route without handler", middleware.Route{Method: "GET", Pattern: "/api/v1/x", Policy: middleware.PolicyPublic}, "no handler"},
		{"a duplicate of an existing route", middleware.Route{Method: "GET", Pattern: "/healthz", Policy: middleware.PolicyPublic, Handler: ok}, "GET /healthz"},
		{"a content type with parameters", middleware.Route{Method: "POST", Pattern: "/api/v1/x", Policy: middleware.PolicyPublic, Schema: "csp_report",
			ContentTypes: []string{"application/json; charset=utf-8"}, Handler: ok}, "content type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := server.New(server.Options{}, server.Deps{
				Logger: slog.New(slog.DiscardHandler), DB: fakeDB{}, Audit: &fakeRecorder{}, Limiter: &fakeLimiter{},
			}, tt.route)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestEveryRouteDeclaresAPolicy(t *testing.T) {
	f := newFixture(t, nil)
	routes := f.srv.Routes()
	if len(routes) < 5 {
		t.Fatalf("only %d routes", len(routes))
	}
	for _, rt := range routes {
		if rt.Policy == "" {
			t.Errorf("%s has no policy", rt)
		}
	}
}

func TestRateLimitingNeedsALimiter(t *testing.T) {
	_, err := server.New(server.Options{}, server.Deps{Logger: slog.New(slog.DiscardHandler), DB: fakeDB{}})
	if err == nil {
		t.Fatal("server built with rate limiting on and no limiter")
	}
	_, err = server.New(server.Options{RateLimitPerMinute: -1}, server.Deps{Logger: slog.New(slog.DiscardHandler), DB: fakeDB{}})
	if err != nil {
		t.Fatalf("rate limiting explicitly off: %v", err)
	}
}

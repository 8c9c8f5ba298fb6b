package api

import (
	"context"
	"log/slog"

	"supportbot/internal/http/middleware"
)

// Pinger checks that the database answers; storage's handle implements it.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are what the API handlers need.
type Deps struct {
	Log *slog.Logger // required
	DB  Pinger       // required: readiness
}

// Routes lists every API route: method, pattern, policy, request schema and
// accepted content types. It is the one place to read what the API exposes
// (DESIGN.md, "Style"); api/openapi.yaml documents the same list.
func Routes(d Deps) []middleware.Route {
	return []middleware.Route{
		{Method: "GET", Pattern: "/healthz", Policy: middleware.PolicyPublic, Handler: healthCheck},
		{Method: "GET", Pattern: "/readyz", Policy: middleware.PolicyPublic, Handler: readinessCheck(d.DB)},
		{
			Method: "POST", Pattern: middleware.CSPReportPath, Policy: middleware.PolicyPublic,
			Schema:       "csp_report",
			ContentTypes: []string{"application/csp-report", "application/reports+json", "application/json"},
			Handler:      cspReportCreate(d.Log),
		},
	}
}

package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"supportbot/internal/http/response"
)

// readinessTimeout bounds the database ping of GET /readyz (issue 2).
const readinessTimeout = time.Second

// readinessCheck answers GET /readyz: 200 when the database answers within a
// second, 503 otherwise, so a load balancer stops sending traffic to an
// instance that cannot serve it. The route is public and not rate limited,
// so the server hands it a shared Pinger that coalesces concurrent checks
// into one ping and reuses its result for a second.
func readinessCheck(db Pinger) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx, cancel := context.WithTimeout(r.Context(), readinessTimeout)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			return response.Unavailable(fmt.Errorf("api: readiness: database ping: %w", err))
		}
		return response.JSON(w, http.StatusOK, healthStatus{Status: "ok"})
	}
}

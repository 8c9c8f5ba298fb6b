package api

import (
	"net/http"

	"supportbot/internal/http/response"
)

// healthStatus is the body of the health and readiness probes.
type healthStatus struct {
	Status string `json:"status"`
}

// healthCheck answers GET /healthz: the process is up and serving. It touches
// nothing else, so it stays cheap enough for a load balancer to call often.
func healthCheck(w http.ResponseWriter, _ *http.Request) error {
	return response.JSON(w, http.StatusOK, healthStatus{Status: "ok"})
}

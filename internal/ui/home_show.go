package ui

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"supportbot/internal/http/request"
)

// homeHealthTimeout bounds the database check behind the status shown on the
// home page, like /readyz.
const homeHealthTimeout = time.Second

// homeData is the home page's own data.
type homeData struct {
	Ready bool // the database answered: the service is fully available
}

// homeShow renders GET /: what the service is and whether it is healthy.
// A failed health check still renders the page, showing the degraded state.
func (u *UI) homeShow(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), homeHealthTimeout)
	defer cancel()
	ready := true
	if err := u.DB.Ping(ctx); err != nil {
		ready = false
		u.Log.LogAttrs(r.Context(), slog.LevelWarn, "home page: database not ready",
			slog.String("event", "ui.health_degraded"),
			slog.String("request_id", request.ID(r.Context())),
			slog.String("error", err.Error()))
	}
	return u.show(w, http.StatusOK, "home", u.newPage(r, "Help with your orders", homeData{Ready: ready}, "status.js"))
}

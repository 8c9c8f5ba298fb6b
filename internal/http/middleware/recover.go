package middleware

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// recoverPanics turns a panic anywhere below it into a 500 through the error
// writer. The stack goes to the log only; the client sees the fixed message
// and the request ID (hardening guide, "Error Handling": never expose stack
// traces; OWASP ASVS 4.0.3 V7.4.1). http.ErrAbortHandler is re-raised: it is
// the standard way to abort a response on purpose.
func recoverPanics(log *slog.Logger, errs *response.ErrorWriter) step {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sw := &startedWriter{ResponseWriter: w}
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logPanic(log, r, v, debug.Stack())
				errs.Write(sw, r, response.Internal(errorf("panic serving %s %s: %v", r.Method, r.URL.Path, v)))
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

func logPanic(log *slog.Logger, r *http.Request, v any, stack []byte) {
	log.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
		slog.String("event", "http.panic"),
		slog.String("request_id", request.ID(r.Context())),
		slog.String("panic", fmt.Sprint(v)),
		slog.String("stack", string(stack)),
	)
}

package middleware

import (
	"encoding/hex"
	"io"
	"net/http"

	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
)

// requestID gives every request a random 128-bit ID, returned in
// X-Request-ID and in error bodies and logged with every line about the
// request. IDs sent by clients are ignored: an attacker must not be able to
// pick the ID that correlates log lines (hardening guide, "Logging &
// Monitoring"). The step also puts the request's request.Info in the context
// for the later steps to fill in.
func requestID(random io.Reader, errs *response.ErrorWriter) step {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var raw [16]byte
			if _, err := io.ReadFull(random, raw[:]); err != nil {
				errs.Write(w, r, response.Internal(errorf("request ID: %w", err)))
				return
			}
			var text [32]byte
			hex.Encode(text[:], raw[:])
			info := &request.Info{ID: string(text[:])}
			w.Header()["X-Request-Id"] = []string{info.ID}
			next.ServeHTTP(w, r.WithContext(request.WithInfo(r.Context(), info)))
		})
	}
}

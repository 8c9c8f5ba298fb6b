package middleware

import (
	"net/http"

	"supportbot/internal/http/request"
)

// clientIP records the client's address in request.Info: the peer, or the
// address a trusted proxy forwarded for (see request.TrustedProxies). Rate
// limits, audit events and logs use it.
func clientIP(proxies request.TrustedProxies) step {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			request.InfoFrom(r.Context()).ClientIP = proxies.ClientIP(r)
			next.ServeHTTP(w, r)
		})
	}
}

// Package server assembles supportbot's HTTP server: the one handler (the
// middleware chain around the API and UI routes), TLS, the optional
// plain-HTTP redirect listener, connection timeouts and graceful shutdown
// (issue 2, "HTTP layer"; DESIGN.md, "A request's way through").
package server

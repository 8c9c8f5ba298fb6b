// Package logging sets up log/slog for supportbot: JSON (default) or text
// output behind a redacting handler that keeps secrets, card numbers and
// forged log lines out of the log (issue 2, section 6; first specification,
// "Never log sensitive data - passwords, API keys, CVV"; hardening guide,
// "Never log passwords, API keys, or payment information"; ASVS 4.0.3 7.1.1,
// 7.1.2, 7.3.1).
package logging

import (
	"io"
	"log/slog"
)

// Fixed attribute keys used across the project (DESIGN.md, "Log with slog
// and fixed keys"), so log queries and alert rules can rely on them.
const (
	KeyEvent     = "event"      // dotted event name, e.g. "auth.login_failed"
	KeyUserID    = "user_id"    // acting user's id, never an email
	KeyIP        = "ip"         // client IP as resolved by the HTTP layer
	KeyRequestID = "request_id" // request ID, shown to the client on errors
	KeyStatus    = "status"     // outcome or HTTP status
	KeyError     = "error"      // the full internal error (never sent to clients)
)

// Replacement texts written in place of removed data.
const (
	Redacted    = "[REDACTED]"
	CardRemoved = "[card number removed]"
	// Truncated marks where a size limit cut a logged map, struct or
	// slice: it replaces a value nested too deep, and is the key of a last
	// entry counting the entries left out ("936 more").
	Truncated = "…"
)

// New returns a logger writing to w in format "json" or "text" (anything
// else means JSON, the production default) at level and above. Every
// record passes through NewHandler's redaction first.
func New(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	if format == "text" {
		h = slog.NewTextHandler(w, opts)
	} else {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(NewHandler(h))
}

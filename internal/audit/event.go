// Package audit records security events in a tamper-evident, hash-chained
// table and mirrors them to the log (hardening guide, "Logging & Monitoring").
package audit

import (
	"context"
	"time"
)

// Level is the severity of an event, in the layout of the hardening guide's
// log format (INFO, WARNING, ERROR, CRITICAL).
type Level string

// Levels, lowest first.
const (
	LevelInfo     Level = "INFO"
	LevelWarning  Level = "WARNING"
	LevelError    Level = "ERROR"
	LevelCritical Level = "CRITICAL"
)

// Event is one security event. Details must never hold secrets, card data or
// message bodies; PII belongs in encrypted tables, not here (DESIGN.md,
// invariants 4 and 5).
type Event struct {
	Type      string    // dotted name, e.g. "auth.login_failed", "access.denied"
	Level     Level     // severity
	Time      time.Time // set by the recorder (UTC) when zero
	Actor     string    // user id of whoever acted; empty when anonymous
	IP        string    // client IP as resolved by the HTTP layer
	RequestID string    // request ID, when the event comes from a request
	Target    string    // what was acted on, e.g. "order:ORD001"
	Details   string    // short, non-secret detail
	Status    string    // outcome, e.g. "success", "denied", "locked"
}

// Recorder records security events. Implementations must be safe for
// concurrent use.
type Recorder interface {
	Record(ctx context.Context, e Event) error
}

// Package ratelimit decides whether a keyed action may proceed. Limits go
// through the Limiter interface so the in-memory implementation of a single
// instance and the Redis one of several instances are interchangeable
// (first specification, "Enable rate limiting"; hardening guide, "API Security").
package ratelimit

import (
	"context"
	"time"
)

// Limit allows Rate events per Period with bursts of up to Burst.
type Limit struct {
	Rate   int
	Period time.Duration
	Burst  int
}

// PerMinute returns a Limit of n events a minute with a burst of n.
func PerMinute(n int) Limit { return Limit{Rate: n, Period: time.Minute, Burst: n} }

// Decision is the outcome of one Allow call; its fields fill the
// X-RateLimit-* and Retry-After response headers.
type Decision struct {
	Allowed    bool
	Limit      int           // the limit's burst, as advertised to clients
	Remaining  int           // events left before the limit bites
	RetryAfter time.Duration // when not allowed: how long until one more is
	ResetAfter time.Duration // how long until the bucket is full again
}

// Limiter decides whether one more event under key is allowed now, and
// counts it when it is. Implementations are safe for concurrent use.
type Limiter interface {
	Allow(ctx context.Context, key string, l Limit) (Decision, error)
}

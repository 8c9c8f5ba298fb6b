// Package clock holds the manual clock that tests pass wherever production
// code takes a `func() time.Time`, so times are exact and no test sleeps
// (DESIGN.md invariant 9).
package clock

import (
	"sync"
	"time"
)

// Manual is a clock that moves only when told to. It is safe for
// concurrent use; pass its Now method as the clock.
type Manual struct {
	mu sync.Mutex
	t  time.Time
}

// NewManual returns a Manual clock reading t.
func NewManual(t time.Time) *Manual { return &Manual{t: t} }

// Now returns the clock's time.
func (c *Manual) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d (backward when d is negative, to
// test clocks that jump).
func (c *Manual) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Set moves the clock to t.
func (c *Manual) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

package server

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Bounds of the shared database health check.
const (
	// pingTTL is how long one ping's result answers every health check.
	pingTTL = time.Second
	// pingTimeout bounds one ping, like the checks of /readyz and the home
	// page that wait for it.
	pingTimeout = time.Second
)

// errPingAbandoned is the result of a ping whose caller panicked.
var errPingAbandoned = errors.New("server: database ping did not finish")

// sharedPing is the Pinger the health checks get: GET /readyz and the home
// page are public, unauthenticated and outside the API's rate limit (load
// balancers and every visitor call them), so each must not cost a database
// round trip. At most one ping is in flight; callers arriving meanwhile wait
// for it (each no longer than its own deadline), and its result, success or
// failure, answers every check for pingTTL by the injected clock. A flood of
// health checks thus costs at most one ping a second and one pool
// connection (hardening guide, "API Security", resource limits; ASVS 4.0.3
// V11.1.4, anti-automation on expensive functions).
type sharedPing struct {
	db    Pinger
	clock func() time.Time

	mu       sync.Mutex
	inFlight *pingCall // nil when no ping runs
	last     *pingCall // the latest finished ping; nil before the first
	lastAt   time.Time // when last finished, by clock

	onWait func() // test hook: a caller starts waiting for the ping in flight
}

// pingCall is one database ping; done is closed once err is set.
type pingCall struct {
	done chan struct{}
	err  error
}

func newSharedPing(db Pinger, clock func() time.Time) *sharedPing {
	if clock == nil {
		clock = time.Now
	}
	return &sharedPing{db: db, clock: clock}
}

// Ping returns the latest result if it is younger than pingTTL, else waits
// for the ping in flight, else pings. The ping runs on the first caller's
// goroutine with a context of its own (the caller's values, not its
// cancellation, bounded by pingTimeout), so one client going away does not
// fail the check for everyone waiting.
func (p *sharedPing) Ping(ctx context.Context) error {
	p.mu.Lock()
	if c := p.last; c != nil {
		if age := p.clock().Sub(p.lastAt); age >= 0 && age < pingTTL {
			p.mu.Unlock()
			return c.err
		}
	}
	if c := p.inFlight; c != nil {
		onWait := p.onWait
		p.mu.Unlock()
		if onWait != nil {
			onWait()
		}
		select {
		case <-c.done:
			return c.err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c := &pingCall{done: make(chan struct{}), err: errPingAbandoned}
	p.inFlight = c
	p.mu.Unlock()

	defer p.finish(c)
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), pingTimeout)
	defer cancel()
	c.err = p.db.Ping(pctx)
	return c.err
}

// finish publishes c's result to its waiters and to later callers. It runs
// even if the ping panicked, so no caller waits on a ping that never ends.
func (p *sharedPing) finish(c *pingCall) {
	p.mu.Lock()
	p.inFlight = nil
	p.last, p.lastAt = c, p.clock()
	p.mu.Unlock()
	close(c.done)
}

package server_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"supportbot/internal/server"
)

// countingDB counts pings; each blocks until release is closed (when set)
// and answers err.
type countingDB struct {
	mu      sync.Mutex
	pings   int
	err     error
	started chan struct{} // receives once per ping, when set (buffered)
	release chan struct{}
}

func (d *countingDB) Ping(ctx context.Context) error {
	d.mu.Lock()
	d.pings++
	err, started, release := d.err, d.started, d.release
	d.mu.Unlock()
	if started != nil {
		started <- struct{}{}
	}
	if release != nil {
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

func (d *countingDB) noMoreBlocking() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.started, d.release = nil, nil
}

func (d *countingDB) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pings
}

func (d *countingDB) fail(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.err = err
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// TestHealthChecksShareOneDatabasePing floods /readyz (and the home page,
// which shows the same health) while a ping is in flight: the database is
// pinged once, every caller gets its answer, and the answer is reused until
// a second has passed on the clock.
func TestHealthChecksShareOneDatabasePing(t *testing.T) {
	const n = 8
	db := &countingDB{started: make(chan struct{}, 2*n), release: make(chan struct{})}
	clock := &fakeClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	f := newFixture(t, func(s *setup) { s.pinger, s.clock = db, clock.Now })
	waiting := make(chan struct{}, n)
	server.SetOnPingWait(f.srv, func() { waiting <- struct{}{} })

	statuses := make(chan int, n)
	for i := range n {
		path := "/readyz"
		if i == n-1 {
			path = "/"
		}
		go func() { statuses <- f.do(get(path)()).StatusCode }()
	}
	<-db.started // one caller pings...
	for waiters := 0; waiters < n-1; {
		select {
		case <-waiting: // ...and every other one waits for that ping
			waiters++
		case <-db.started:
			close(db.release)
			t.Fatal("a second ping started while one was in flight")
		}
	}
	close(db.release)
	for range n {
		if got := <-statuses; got != http.StatusOK {
			t.Errorf("status %d, want 200", got)
		}
	}
	if got := db.count(); got != 1 {
		t.Fatalf("%d concurrent health checks made %d pings, want 1", n, got)
	}

	db.noMoreBlocking()
	clock.advance(server.PingTTL - time.Nanosecond)
	if resp := f.do(get("/readyz")()); resp.StatusCode != http.StatusOK || db.count() != 1 {
		t.Errorf("within the TTL: status %d, %d pings; want 200 from the cached result and 1 ping", resp.StatusCode, db.count())
	}
	clock.advance(time.Nanosecond)
	if resp := f.do(get("/readyz")()); resp.StatusCode != http.StatusOK || db.count() != 2 {
		t.Errorf("after the TTL: status %d, %d pings; want 200 and a new ping", resp.StatusCode, db.count())
	}

	// A failing database still fails the check, and the failure is shared
	// and cached the same way.
	db.fail(errTest)
	clock.advance(server.PingTTL)
	for range 3 {
		resp := f.do(get("/readyz")())
		b := body(t, resp)
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("database down: status %d, want 503", resp.StatusCode)
		}
		if e := decodeError(t, b); e.Error.Code != "service_unavailable" || strings.Contains(b, "connection refused") {
			t.Errorf("database down: body %s", b)
		}
	}
	if html := body(t, f.do(get("/")())); !strings.Contains(html, "Some services are unavailable") {
		t.Error("home page does not show the degraded state")
	}
	if got := db.count(); got != 3 {
		t.Errorf("pings = %d, want 3: one per TTL", got)
	}
}

// TestHealthCheckWaitIsBoundedByTheCallersDeadline checks that a caller
// waiting for a ping in flight gives up with its own context.
func TestHealthCheckWaitIsBoundedByTheCallersDeadline(t *testing.T) {
	db := &countingDB{started: make(chan struct{}, 2), release: make(chan struct{})}
	f := newFixture(t, func(s *setup) { s.pinger = db })
	waiting := make(chan struct{}, 1)
	server.SetOnPingWait(f.srv, func() { waiting <- struct{}{} })

	first := make(chan int, 1)
	go func() { first <- f.do(get("/readyz")()).StatusCode }()
	<-db.started

	ctx, cancel := context.WithCancel(context.Background())
	second := make(chan int, 1)
	go func() { second <- f.do(get("/readyz")().WithContext(ctx)).StatusCode }()
	select {
	case <-waiting:
	case <-db.started:
		close(db.release)
		t.Fatal("a second ping started while one was in flight")
	}
	cancel()
	if got := <-second; got != http.StatusServiceUnavailable {
		t.Errorf("caller whose context ended: status %d, want 503", got)
	}
	close(db.release)
	if got := <-first; got != http.StatusOK {
		t.Errorf("the pinging caller: status %d, want 200", got)
	}
	if got := db.count(); got != 1 {
		t.Errorf("pings = %d, want 1", got)
	}
}

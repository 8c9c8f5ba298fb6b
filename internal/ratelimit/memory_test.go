package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"supportbot/internal/clock"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func newFakeClock() *clock.Manual {
	return clock.NewManual(time.Date(2025, 1, 15, 14, 30, 0, 0, time.UTC))
}

func allow(t *testing.T, m *Memory, key string, l Limit) Decision {
	t.Helper()
	d, err := m.Allow(context.Background(), key, l)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// step is one call in a scripted sequence: advance the clock by wait, then
// call Allow and expect want.
type step struct {
	wait time.Duration
	key  string
	want Decision
}

func runSteps(t *testing.T, l Limit, steps []step) {
	t.Helper()
	clock := newFakeClock()
	m := NewMemory(clock.Now, 0)
	for i, s := range steps {
		clock.Advance(s.wait)
		key := s.key
		if key == "" {
			key = "ip:203.0.113.7"
		}
		if got := allow(t, m, key, l); got != s.want {
			t.Fatalf("step %d (%s after %v): got %+v, want %+v", i, key, s.wait, got, s.want)
		}
	}
}

func TestMemoryBurstThenDeny(t *testing.T) {
	// 3 a minute, burst 3: one event every 20 s.
	l := PerMinute(3)
	runSteps(t, l, []step{
		{0, "", Decision{Allowed: true, Limit: 3, Remaining: 2, ResetAfter: 20 * time.Second}},
		{0, "", Decision{Allowed: true, Limit: 3, Remaining: 1, ResetAfter: 40 * time.Second}},
		{0, "", Decision{Allowed: true, Limit: 3, Remaining: 0, ResetAfter: 60 * time.Second}},
		{0, "", Decision{Allowed: false, Limit: 3, Remaining: 0, RetryAfter: 20 * time.Second, ResetAfter: 60 * time.Second}},
		{5 * time.Second, "", Decision{Allowed: false, Limit: 3, RetryAfter: 15 * time.Second, ResetAfter: 55 * time.Second}},
		// One nanosecond early is still too early; exactly on time is allowed.
		{15*time.Second - 1, "", Decision{Allowed: false, Limit: 3, RetryAfter: 1, ResetAfter: 40*time.Second + 1}},
		{1, "", Decision{Allowed: true, Limit: 3, Remaining: 0, ResetAfter: 60 * time.Second}},
	})
}

func TestMemoryRefill(t *testing.T) {
	l := PerMinute(3)
	runSteps(t, l, []step{
		{0, "", Decision{Allowed: true, Limit: 3, Remaining: 2, ResetAfter: 20 * time.Second}},
		{0, "", Decision{Allowed: true, Limit: 3, Remaining: 1, ResetAfter: 40 * time.Second}},
		{0, "", Decision{Allowed: true, Limit: 3, Remaining: 0, ResetAfter: 60 * time.Second}},
		// 40 s later two events have refilled.
		{40 * time.Second, "", Decision{Allowed: true, Limit: 3, Remaining: 1, ResetAfter: 40 * time.Second}},
		// An hour later the bucket is full again, not fuller than the burst.
		{time.Hour, "", Decision{Allowed: true, Limit: 3, Remaining: 2, ResetAfter: 20 * time.Second}},
	})
}

func TestMemoryLoginLimitFromHardeningGuide(t *testing.T) {
	// "5 attempts per 15 minutes": the sixth attempt waits 3 minutes.
	l := Limit{Rate: 5, Period: 15 * time.Minute, Burst: 5}
	steps := make([]step, 0, 7)
	for i := range 5 {
		steps = append(steps, step{0, "login:ann", Decision{Allowed: true, Limit: 5, Remaining: 4 - i, ResetAfter: time.Duration(i+1) * 3 * time.Minute}})
	}
	steps = append(steps,
		step{0, "login:ann", Decision{Allowed: false, Limit: 5, RetryAfter: 3 * time.Minute, ResetAfter: 15 * time.Minute}},
		step{0, "login:bob", Decision{Allowed: true, Limit: 5, Remaining: 4, ResetAfter: 3 * time.Minute}},
	)
	runSteps(t, l, steps)
}

func TestMemoryExactWithUnevenRates(t *testing.T) {
	// 7 a minute: one event every 60/7 s, which is not a whole number of
	// nanoseconds. After the burst, the seventh refill lands at exactly
	// 60 s; rounding the interval down would hand it out early.
	clock := newFakeClock()
	m := NewMemory(clock.Now, 0)
	l := Limit{Rate: 7, Period: time.Minute, Burst: 7}
	for range 7 {
		allow(t, m, "k", l)
	}
	clock.Advance(time.Minute - 1)
	for i := range 6 {
		if d := allow(t, m, "k", l); !d.Allowed {
			t.Fatalf("refill %d of 6 denied: %+v", i+1, d)
		}
	}
	if d := allow(t, m, "k", l); d.Allowed || d.RetryAfter != 1 {
		t.Fatalf("1 ns before the seventh refill: %+v, want denied with RetryAfter 1ns", d)
	}
	clock.Advance(1)
	if d := allow(t, m, "k", l); !d.Allowed {
		t.Fatalf("seventh refill at exactly 60 s denied: %+v", d)
	}
	if d := allow(t, m, "k", l); d.Allowed || d.RetryAfter != time.Duration((int64(time.Minute)+6)/7) {
		t.Fatalf("got %+v, want RetryAfter 60/7 s rounded up", d)
	}
}

func TestMemoryLongRunNeverExceedsRate(t *testing.T) {
	// Ten hours of one call a second at 7/min with burst 7: exactly
	// 7 + floor(35999 s × 7/60 s) events pass.
	clock := newFakeClock()
	m := NewMemory(clock.Now, 0)
	l := Limit{Rate: 7, Period: time.Minute, Burst: 7}
	allowed := 0
	const calls = 10 * 3600
	for range calls {
		if allow(t, m, "k", l).Allowed {
			allowed++
		}
		clock.Advance(time.Second)
	}
	if want := 7 + (calls-1)*7/60; allowed != want {
		t.Fatalf("allowed %d, want %d", allowed, want)
	}
}

func TestMemoryRetryAfterIsEnough(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now, 0)
	l := Limit{Rate: 3, Period: time.Second, Burst: 2}
	for range 1000 {
		d := allow(t, m, "k", l)
		if !d.Allowed {
			clock.Advance(d.RetryAfter)
			if !allow(t, m, "k", l).Allowed {
				t.Fatalf("denied right after waiting RetryAfter %v", d.RetryAfter)
			}
		}
	}
}

func TestMemorySeparateKeysAndLimits(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now, 0)
	one := Limit{Rate: 1, Period: time.Minute, Burst: 1}
	if !allow(t, m, "a", one).Allowed || allow(t, m, "a", one).Allowed {
		t.Fatal("key a: want allow then deny")
	}
	if !allow(t, m, "b", one).Allowed {
		t.Fatal("key b is limited by key a")
	}
	if !allow(t, m, "a", PerMinute(10)).Allowed {
		t.Fatal("a different limit on the same key shares the bucket")
	}
}

func TestMemoryEvictionBoundsMemory(t *testing.T) {
	clock := newFakeClock()
	const maxKeys = 100
	m := NewMemory(clock.Now, maxKeys)
	l := PerMinute(5)
	for i := range 10_000 {
		allow(t, m, fmt.Sprintf("flood:%d", i), l)
		if n := m.Len(); n > maxKeys {
			t.Fatalf("after %d keys: %d buckets, budget %d", i+1, n, maxKeys)
		}
	}
}

func TestMemoryEvictsClosestToFullFirst(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now, 3) // a small budget is a single shard
	if len(m.shards) != 1 {
		t.Fatalf("%d shards for 3 keys, want 1", len(m.shards))
	}
	l := Limit{Rate: 1, Period: time.Minute, Burst: 3}
	for range 3 {
		allow(t, m, "attacker", l) // full again in 3 min
	}
	allow(t, m, "a", l) // full again in 1 min
	clock.Advance(10 * time.Second)
	allow(t, m, "b", l) // full again at 1 min 10 s
	clock.Advance(10 * time.Second)
	allow(t, m, "c", l) // budget reached: "a", closest to full, goes

	if n := m.Len(); n != 3 {
		t.Fatalf("Len = %d, want 3", n)
	}
	if d := allow(t, m, "attacker", l); d.Allowed {
		t.Fatalf("the limited key lost its state: %+v", d)
	}
	if d := allow(t, m, "b", l); d.Remaining != 1 {
		t.Fatalf("b: %+v, want its bucket kept (Remaining 1)", d)
	}
	if d := allow(t, m, "a", l); d.Remaining != 2 {
		t.Fatalf("a: %+v, want a fresh bucket (Remaining 2) after eviction", d)
	}
}

func TestMemoryShardCount(t *testing.T) {
	for _, tc := range []struct{ maxKeys, shards int }{
		{1, 1}, {100, 1}, {128, 2}, {1000, 8}, {1024, 16}, {DefaultMaxKeys, 16}, {0, 16},
	} {
		m := NewMemory(newFakeClock().Now, tc.maxKeys)
		if len(m.shards) != tc.shards {
			t.Errorf("maxKeys %d: %d shards, want %d", tc.maxKeys, len(m.shards), tc.shards)
		}
		total := 0
		for i := range m.shards {
			total += m.shards[i].max
		}
		if budget := max(tc.maxKeys, 1); tc.maxKeys > 0 && total > budget {
			t.Errorf("maxKeys %d: shard budgets sum to %d", tc.maxKeys, total)
		}
	}
}

func TestMemoryDropsRefilledBuckets(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now, 0)
	l := PerMinute(60) // one a second
	for i := range 50 {
		allow(t, m, fmt.Sprintf("k%d", i), l)
	}
	clock.Advance(2 * time.Second)
	// Touch every shard until its refilled buckets are gone; a call cleans
	// only its own shard.
	for i := range m.shards {
		s := &m.shards[i]
		for j := 0; ; j++ {
			key := fmt.Sprintf("fresh%d", j)
			if m.shardFor(key) == s {
				for range 50/expireBatch + 1 {
					allow(t, m, key, l)
				}
				break
			}
		}
	}
	if n := m.Len(); n != len(m.shards) {
		t.Fatalf("%d buckets left, want only the %d fresh ones", n, len(m.shards))
	}
}

func TestMemoryClockGoingBackwards(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now, 0)
	l := PerMinute(2)
	allow(t, m, "k", l)
	allow(t, m, "k", l)
	clock.Advance(-24 * time.Hour)
	d := allow(t, m, "k", l)
	if d.Allowed || d.RetryAfter <= 0 || d.ResetAfter > time.Minute+time.Nanosecond {
		t.Fatalf("after the clock went back a day: %+v, want a bounded denial", d)
	}
}

func TestMemoryRejectsInvalidLimits(t *testing.T) {
	m := NewMemory(newFakeClock().Now, 0)
	for _, l := range []Limit{
		{},
		{Rate: 0, Period: time.Minute, Burst: 1},
		{Rate: 1, Period: 0, Burst: 1},
		{Rate: 1, Period: time.Minute, Burst: 0},
		{Rate: -1, Period: time.Minute, Burst: 1},
		{Rate: 1, Period: time.Minute, Burst: -5},
		{Rate: 2, Period: 1, Burst: 1},
		{Rate: 1, Period: 1 << 62, Burst: 4},
	} {
		if _, err := m.Allow(context.Background(), "k", l); !errors.Is(err, ErrInvalidLimit) {
			t.Errorf("%+v: err = %v, want ErrInvalidLimit", l, err)
		}
	}
}

func TestMemoryNeedsClock(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewMemory(nil, …) did not panic")
		}
	}()
	NewMemory(nil, 0)
}

func TestMemoryConcurrentUseIsExact(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now, 1000)
	l := Limit{Rate: 100, Period: time.Hour, Burst: 100}
	var allowedShared, allowedOwn atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				if d, err := m.Allow(context.Background(), "shared", l); err == nil && d.Allowed {
					allowedShared.Add(1)
				}
				if d, err := m.Allow(context.Background(), fmt.Sprintf("own:%d:%d", g, i%50), l); err == nil && d.Allowed {
					allowedOwn.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if got := allowedShared.Load(); got != 100 {
		t.Fatalf("shared key allowed %d times under concurrency, want exactly the burst of 100", got)
	}
	if got := allowedOwn.Load(); got != 8*500 {
		t.Fatalf("own keys allowed %d, want %d", got, 8*500)
	}
}

var _ Limiter = (*Memory)(nil)

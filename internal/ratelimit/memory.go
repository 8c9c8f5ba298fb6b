package ratelimit

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"math/bits"
	"sync"
	"time"
)

// DefaultMaxKeys is the key budget NewMemory uses when given maxKeys <= 0.
const DefaultMaxKeys = 100_000

// ErrInvalidLimit reports a Limit that cannot be enforced: Rate, Period or
// Burst not positive, or so large that its arithmetic would overflow.
var ErrInvalidLimit = errors.New("ratelimit: invalid limit")

// minShardKeys is the smallest per-shard budget worth a separate shard.
const minShardKeys = 64

// expireBatch bounds how many refilled buckets one Allow call removes, so
// no single call pays for a long idle period.
const expireBatch = 8

// Memory is an in-process Limiter for a single instance (DESIGN.md, "Embedded
// (default)"). Each key has a GCRA bucket (the generic cell rate algorithm,
// equivalent to a token bucket with Burst tokens refilled at Rate per
// Period) kept as one "theoretical arrival time", computed exactly in
// integer nanoseconds scaled by Rate, so no rounding ever grants an extra
// event.
//
// Memory is bounded: a bucket that has refilled completely is
// indistinguishable from no bucket and is dropped, and at most maxKeys
// buckets exist. When a flood of distinct keys (spoofed IPs, random user
// names) fills the budget, the bucket closest to full is evicted first, so
// the keys actually being limited are the last to lose their state
// (first specification, "Enable rate limiting"; hardening guide, "API rate
// limit violations"; ASVS 4.0.3 11.1.4).
//
// Keys are spread over shards, each with its own mutex, so concurrent
// calls on different keys rarely contend.
type Memory struct {
	clock  func() time.Time
	base   time.Time // clock() at creation; times are kept relative to it
	seed   maphash.Seed
	shards []shard
}

type shard struct {
	mu      sync.Mutex
	buckets map[bucketKey]*bucket
	byFull  fullHeap // buckets ordered by when they are full again
	max     int
	_       [64]byte // keep shards on separate cache lines
}

// bucketKey separates limits: the same key under two different Limits has
// two buckets, so one caller's limit never spends another's budget.
type bucketKey struct {
	key   string
	limit Limit
}

type bucket struct {
	id bucketKey
	// tat is the theoretical arrival time in nanoseconds since base, as
	// tatNs + tatFrac/Rate with 0 <= tatFrac < Rate. The bucket is full
	// (no debt) once now >= tat.
	tatNs   int64
	tatFrac int64
	index   int // position in shard.byFull
}

// fullAt is the first whole nanosecond at which the bucket is full.
func (b *bucket) fullAt() int64 {
	if b.tatFrac > 0 {
		return b.tatNs + 1
	}
	return b.tatNs
}

// NewMemory returns an in-memory Limiter that reads the time only from
// clock (DESIGN.md invariant 9), so tests are exact. It keeps at most
// maxKeys buckets (DefaultMaxKeys when maxKeys <= 0). clock must not be nil.
func NewMemory(clock func() time.Time, maxKeys int) *Memory {
	if clock == nil {
		panic("ratelimit: NewMemory needs a clock")
	}
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	// Up to 16 shards (plenty for the 2-core target), but never fewer than
	// minShardKeys buckets per shard, so a small budget is not spread thin.
	n := 16
	for n > 1 && maxKeys/n < minShardKeys {
		n /= 2
	}
	m := &Memory{clock: clock, base: clock(), seed: maphash.MakeSeed(), shards: make([]shard, n)}
	for i := range m.shards {
		m.shards[i].buckets = make(map[bucketKey]*bucket)
		m.shards[i].max = maxKeys / n
	}
	return m
}

// Allow implements Limiter. It fails only for an invalid Limit
// (ErrInvalidLimit). Keys are held in memory as given, so callers should
// build them from bounded values (an IP, a user id, a hash) rather than
// raw request text.
func (m *Memory) Allow(_ context.Context, key string, l Limit) (Decision, error) {
	if err := validate(l); err != nil {
		return Decision{}, err
	}
	now := int64(m.clock().Sub(m.base))
	s := m.shardFor(key)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)

	id := bucketKey{key: key, limit: l}
	b := s.buckets[id]
	rate, period, burst := int64(l.Rate), int64(l.Period), int64(l.Burst)
	// Every event costs one period in the scaled unit (ns × Rate), and the
	// bucket holds at most burst of them.
	capacity := burst * period
	debt := int64(0)
	if b != nil {
		debt = b.debt(now, rate, capacity)
	}
	after := debt + period
	d := Decision{Limit: l.Burst}
	if after > capacity {
		d.RetryAfter = ceilDiv(after-capacity, rate)
		d.ResetAfter = ceilDiv(debt, rate)
		return d, nil
	}
	if b == nil {
		b = s.insert(id, now)
	}
	b.tatNs = now + after/rate
	b.tatFrac = after % rate
	heap.Fix(&s.byFull, b.index)

	d.Allowed = true
	d.Remaining = int((capacity - after) / period)
	d.ResetAfter = ceilDiv(after, rate)
	return d, nil
}

// shardFor picks key's shard with a per-process random hash seed, so an
// attacker cannot aim a flood of keys at the shard holding a victim's key.
func (m *Memory) shardFor(key string) *shard {
	return &m.shards[maphash.String(m.seed, key)%uint64(len(m.shards))] // #nosec G115 -- len is positive
}

// debt is how far the bucket is from full at now, in ns × Rate; 0 means
// full. A clock that went backwards cannot push it past capacity.
func (b *bucket) debt(now, rate, capacity int64) int64 {
	if b.tatNs < now {
		return 0
	}
	ahead := b.tatNs - now
	if ahead > capacity/rate+1 {
		return capacity
	}
	return min(ahead*rate+b.tatFrac, capacity)
}

// insert adds a bucket for id, first evicting the bucket closest to full
// when the shard is at its budget.
func (s *shard) insert(id bucketKey, now int64) *bucket {
	if len(s.buckets) >= s.max && len(s.byFull) > 0 {
		s.remove(s.byFull[0])
	}
	b := &bucket{id: id, tatNs: now}
	s.buckets[id] = b
	heap.Push(&s.byFull, b)
	return b
}

// expire drops up to expireBatch buckets that have refilled by now.
func (s *shard) expire(now int64) {
	for range expireBatch {
		if len(s.byFull) == 0 || s.byFull[0].fullAt() > now {
			return
		}
		s.remove(s.byFull[0])
	}
}

func (s *shard) remove(b *bucket) {
	heap.Remove(&s.byFull, b.index)
	delete(s.buckets, b.id)
}

// Len reports how many buckets are held; it exists for tests and metrics.
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.buckets)
		s.mu.Unlock()
	}
	return n
}

// validate refuses limits that could never allow anything, that allow more
// than one event per nanosecond, or whose scaled arithmetic,
// (Burst+1) × Period nanoseconds, would overflow int64.
func validate(l Limit) error {
	if l.Rate <= 0 || l.Period <= 0 || l.Burst <= 0 {
		return fmt.Errorf("%w: rate %d, period %v and burst %d must all be positive", ErrInvalidLimit, l.Rate, l.Period, l.Burst)
	}
	if int64(l.Rate) > int64(l.Period) {
		return fmt.Errorf("%w: rate %d per %v is more than one event per nanosecond", ErrInvalidLimit, l.Rate, l.Period)
	}
	hi, lo := bits.Mul64(uint64(l.Burst)+1, uint64(l.Period))
	if hi != 0 || lo > math.MaxInt64 {
		return fmt.Errorf("%w: burst %d over %v is too large", ErrInvalidLimit, l.Burst, l.Period)
	}
	return nil
}

// ceilDiv converts a scaled amount to a duration, rounding up: a client
// that waits RetryAfter is then certain to be allowed.
func ceilDiv(scaled, rate int64) time.Duration {
	return time.Duration((scaled + rate - 1) / rate)
}

// fullHeap is a min-heap of buckets by fullAt.
type fullHeap []*bucket

func (h fullHeap) Len() int           { return len(h) }
func (h fullHeap) Less(i, j int) bool { return h[i].fullAt() < h[j].fullAt() }
func (h fullHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index = i
	h[j].index = j
}
func (h *fullHeap) Push(x any) {
	b := x.(*bucket)
	b.index = len(*h)
	*h = append(*h, b)
}
func (h *fullHeap) Pop() any {
	old := *h
	b := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return b
}

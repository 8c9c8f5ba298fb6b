package ratelimit

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkMemoryAllow runs Allow from all CPUs over 1024 keys, the shape
// of per-IP limits on a busy instance.
func BenchmarkMemoryAllow(b *testing.B) {
	base := time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC)
	var ticks atomic.Int64
	clock := func() time.Time { return base.Add(time.Duration(ticks.Add(1000))) }
	m := NewMemory(clock, 10_000)
	l := PerMinute(600)
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "ip:198.51.100." + strconv.Itoa(i)
	}
	ctx := context.Background()
	var next atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := int(next.Add(7919))
		for pb.Next() {
			i++
			if _, err := m.Allow(ctx, keys[i&1023], l); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package clock

import (
	"sync"
	"testing"
	"time"
)

func TestManualMovesOnlyWhenTold(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	c := NewManual(start)
	if !c.Now().Equal(start) || !c.Now().Equal(start) {
		t.Fatal("the clock moved by itself")
	}
	c.Advance(90 * time.Second)
	if got := c.Now(); !got.Equal(start.Add(90 * time.Second)) {
		t.Fatalf("after Advance: %v", got)
	}
	c.Set(start)
	if !c.Now().Equal(start) {
		t.Fatal("Set did not move the clock")
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { c.Advance(time.Second); _ = c.Now() })
	}
	wg.Wait()
	if got := c.Now(); !got.Equal(start.Add(8 * time.Second)) {
		t.Fatalf("concurrent Advance lost steps: %v", got)
	}
}

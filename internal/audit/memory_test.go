package audit

import (
	"context"
	"sync"
	"testing"
)

func TestMemoryKeepsEveryEventInOrder(t *testing.T) {
	var m Memory
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { _ = m.Record(context.Background(), Event{Type: "x"}) })
	}
	wg.Wait()
	if err := m.Record(context.Background(), Event{Type: "last"}); err != nil {
		t.Fatal(err)
	}
	got := m.Events()
	if len(got) != 51 || got[50].Type != "last" {
		t.Fatalf("got %d events, last %q", len(got), got[len(got)-1].Type)
	}
	got[0].Type = "changed"
	if m.Events()[0].Type != "x" {
		t.Fatal("Events returned the internal slice")
	}
}

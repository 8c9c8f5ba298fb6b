package audit

import (
	"context"
	"slices"
	"sync"
)

// Memory is a Recorder that keeps events in memory, for tests of packages
// that record events and for tools that collect them before storing. It is
// safe for concurrent use.
type Memory struct {
	mu     sync.Mutex
	events []Event
}

// Record keeps e.
func (m *Memory) Record(_ context.Context, e Event) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.events = append(m.events, e)
	return nil
}

// Events returns a copy of the events recorded so far, oldest first.
func (m *Memory) Events() []Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.events)
}

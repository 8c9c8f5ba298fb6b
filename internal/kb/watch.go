package kb

import (
	"context"
	_ "embed" // the demo shop's knowledge base
	"encoding/json"
	"fmt"
	"time"
)

// Watch keeps a search index in step with the stored entries, also when
// another instance edits them: at every tick it reads the revision and,
// when it differs from the last one applied, hands every entry to apply
// (which rebuilds the index and swaps it in atomically). applied is the
// revision the index already holds (-1 for none); Watch checks once
// before the first tick, and returns when ctx ends. Errors go to onErr and
// are retried at the next tick.
func (s *Store) Watch(ctx context.Context, applied int64, ticks <-chan time.Time, apply func([]Entry) error, onErr func(error)) {
	sync := func() {
		rev, err := s.Revision(ctx)
		if err != nil || rev == applied {
			if err != nil && ctx.Err() == nil {
				onErr(err)
			}
			return
		}
		entries, err := s.List(ctx)
		if err == nil {
			err = apply(entries)
		}
		if err != nil {
			if ctx.Err() == nil {
				onErr(fmt.Errorf("kb: apply revision %d: %w", rev, err))
			}
			return
		}
		applied = rev
	}
	sync()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticks:
			sync()
		}
	}
}

//go:embed demo_faq.json
var demoFAQ []byte

// DemoEntries returns the demo shop's knowledge base.
func DemoEntries() ([]Entry, error) {
	var entries []Entry
	if err := json.Unmarshal(demoFAQ, &entries); err != nil {
		return nil, fmt.Errorf("kb: demo entries: %w", err)
	}
	return entries, nil
}

package conversations

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
)

// TestActivityCountsCustomerTurnsAndIntents: the dashboard's counts come
// from the sender, intent and time of each message alone, per hour from
// since, and only admins may read them.
func TestActivityCountsCustomerTurnsAndIntents(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		ctx := context.Background()
		conv, _, err := f.svc.Start(ctx, f.alice)
		if err != nil {
			t.Fatal(err)
		}
		f.send(t, f.alice, conv.ID, "hello") // 09:00, before since: not counted
		since := start.Add(time.Minute)      // 09:01

		f.clk.Advance(30 * time.Minute) // 09:30: hour 0
		f.send(t, f.alice, conv.ID, "track my order")
		f.clk.Advance(40 * time.Minute) // 10:10: hour 1
		f.send(t, f.alice, conv.ID, "ORD001")
		other := f.start(t, f.bob)
		f.send(t, f.bob, other.ID, "a person please")
		f.send(t, f.bob, other.ID, "hello") // waiting for an agent: a turn without an intent
		if _, _, err := f.svc.AgentReply(ctx, f.adm, other.ID, "Hi Bob"); err != nil {
			t.Fatal(err)
		}
		f.clk.Advance(2*time.Hour + 5*time.Minute) // 12:15: hour 3, now

		turns, err := f.svc.TurnsPerHour(ctx, f.adm, since)
		if err != nil {
			t.Fatal(err)
		}
		// The fourth hour is the current one, quiet so far.
		if want := []int{1, 3, 0, 0}; !slices.Equal(turns, want) {
			t.Errorf("TurnsPerHour = %v, want %v", turns, want)
		}
		intents, err := f.svc.IntentCounts(ctx, f.adm, since)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"order_status": 1, "fallback": 1, "human_handoff": 1}
		if !maps.Equal(intents, want) {
			t.Errorf("IntentCounts = %v, want %v", intents, want)
		}

		for _, c := range []Caller{f.alice, f.agent} {
			if _, err := f.svc.TurnsPerHour(ctx, c, since); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s read the turns: %v", c.Actor.Role, err)
			}
			if _, err := f.svc.IntentCounts(ctx, c, since); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s read the intents: %v", c.Actor.Role, err)
			}
		}
	})
}

func TestTurnsPerHourBounds(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := setup(t, db)
		ctx := context.Background()
		conv := f.start(t, f.alice)
		f.send(t, f.alice, conv.ID, "hello") // exactly at start
		tests := []struct {
			name         string
			since, until time.Time
			want         []int
		}{
			{"until before since is empty", start, start.Add(-time.Second), []int{}},
			{"a message at since and until is counted", start, start, []int{1}},
			{"a message at the hour's end falls in the next hour", start.Add(-time.Hour), start, []int{0, 1}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := f.store.TurnsPerHour(ctx, tt.since, tt.until)
				if err != nil || !slices.Equal(got, tt.want) {
					t.Errorf("TurnsPerHour = %v, %v; want %v", got, err, tt.want)
				}
			})
		}
		got, err := f.store.TurnsPerHour(ctx, start.Add(-100*24*time.Hour), start)
		if err != nil || len(got) != MaxActivityHours {
			t.Errorf("a hundred days: %d hours, %v; want %d", len(got), err, MaxActivityHours)
		}
	})
}

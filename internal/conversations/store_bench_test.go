package conversations

import (
	"bytes"
	"context"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"supportbot/internal/bot/dialogue"
	"supportbot/internal/crypto"
	"supportbot/internal/storage/storagetest"
	"supportbot/internal/users"
)

// benchConversations returns a store on a fresh SQLite database with one
// conversation for each of 50 customers.
func benchConversations(b *testing.B) (*Store, []Conversation) {
	db := storagetest.SQLite(b)
	keys, err := crypto.NewKeyring(bytes.Repeat([]byte{0x33}, crypto.KeySize))
	if err != nil {
		b.Fatal(err)
	}
	index, err := crypto.NewBlindIndex(bytes.Repeat([]byte{0x44}, crypto.KeySize))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	us := users.NewStore(db, keys, index, nil)
	store := NewStore(db, keys, nil)
	convs := make([]Conversation, 50)
	for i := range convs {
		u, err := us.Create(ctx, users.NewUser{Role: users.RoleCustomer, Email: "c" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@example.com",
			Name: "Customer", PasswordHash: "$2a$04$abcdefghijklmnopqrstuuNSw1vS3OLUYJ1jX3TrZQZf1Q2bRGrtu"})
		if err != nil {
			b.Fatal(err)
		}
		if convs[i], _, err = store.Create(ctx, u.ID, []Message{{Sender: SenderBot, Text: Welcome}}); err != nil {
			b.Fatal(err)
		}
	}
	return store, convs
}

// benchTurn is the customer message and bot reply of each benchmark turn.
func benchTurn(customerID string) []Message {
	return []Message{
		{Sender: SenderCustomer, AuthorID: customerID, Text: "where is my order ORD001?", Intent: "order_status"},
		{Sender: SenderBot, Text: "Your order ORD001 is on its way: it shipped on 20 November.", Intent: "order_status",
			Meta: Meta{Confidence: 0.93, OrderID: "ORD001", Suggestions: []string{"Show my orders", "Talk to a person"}}},
	}
}

// BenchmarkStoreTurns is the storage half of a chat turn on SQLite, as
// bench/chat.sh drives it: 50 customers, one goroutine each, reading their
// conversation and appending a customer message and a bot reply with the
// new state (group-committed). ns/op and turns/s are wall time across all
// goroutines; cpu-µs/turn is the process's CPU time per turn, which the
// rest of the machine's load does not change.
func BenchmarkStoreTurns(b *testing.B) {
	store, convs := benchConversations(b)
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	t0, cpu0 := time.Now(), processCPU()
	for _, c := range convs {
		id := c.ID
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				c, err := store.Get(ctx, id)
				if err != nil {
					b.Error(err)
					return
				}
				_, _, err = store.Apply(ctx, c, Change{Messages: benchTurn(c.CustomerID), Status: StatusBot, State: dialogue.State{}, Activity: true})
				if err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(t0).Seconds(), "turns/s")
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/turn")
}

// processCPU is the CPU time this process has used, user and system: per
// turn, it does not depend on what else the machine is running.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWriteBatch is one group commit of eight turns on SQLite, each
// turn a compare-and-set update and two messages, without the concurrency
// that makes batch sizes vary: ns/op is per turn.
func BenchmarkWriteBatch(b *testing.B) {
	store, convs := benchConversations(b)
	ctx := context.Background()
	store.prepare(ctx)
	const per = 8
	b.ResetTimer()
	for n := 0; n < b.N; n += per {
		batch := make([]*write, per)
		for j := range batch {
			c := &convs[(n+j)%len(convs)]
			next := *c
			next.Version++
			next.LastSeq += 2
			now := time.Now().UTC()
			next.UpdatedAt, next.LastActivityAt = now, now
			rows, err := store.seal(c.ID, c.LastSeq, benchTurn(c.CustomerID), now)
			if err != nil {
				b.Fatal(err)
			}
			batch[j] = &write{before: *c, after: next, state: `{}`, now: now, rows: rows}
			*c = next
		}
		store.writeBatch(ctx, batch)
		for _, w := range batch {
			if w.err != nil {
				b.Fatal(w.err)
			}
		}
	}
}

package conversations

import (
	"bytes"
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	"supportbot"
	"supportbot/internal/bot"
	"supportbot/internal/bot/dialogue"
	"supportbot/internal/kb"
	"supportbot/internal/payment/card"
)

// benchMessages is a realistic mix of what customers write, card data
// included now and then.
var benchMessages = []string{
	"hi, where is my order ORD001?",
	"How long does shipping take?",
	"I want to cancel my order ORD003",
	"yes",
	"show my orders",
	"can I return ORD004, it doesn't fit",
	"has #100234 shipped yet",
	"what is your return policy",
	"thanks!",
	"my card is 4111 1111 1111 1111 exp 12/29 cvv 123",
	"asdf qwerty",
	"I want to talk to a person",
	"when will I get my refund for ORD-2024-0001",
	"do you ship to Canada?",
	"¿dónde está mi pedido ORD002?",
	"track my order",
}

// memOrders is an in-memory shop so the turn does no I/O.
type memOrders map[string]dialogue.Order

func (m memOrders) Find(_ context.Context, n string) (dialogue.Order, error) {
	if o, ok := m[n]; ok {
		return o, nil
	}
	return dialogue.Order{}, dialogue.ErrOrderNotFound
}

func (m memOrders) List(context.Context) ([]dialogue.Order, error) {
	return []dialogue.Order{m["ORD001"], m["ORD003"], m["ORD004"]}, nil
}

func (m memOrders) Cancel(ctx context.Context, n string) (dialogue.Order, error) {
	return m.Find(ctx, n)
}
func (m memOrders) Return(ctx context.Context, n string) (dialogue.Order, error) {
	return m.Find(ctx, n)
}

func benchBrain(b *testing.B) *bot.Brain {
	b.Helper()
	examples, err := bot.ParseExamples(bytes.NewReader(supportbot.TrainingCorpus))
	if err != nil {
		b.Fatal(err)
	}
	entries, err := kb.DemoEntries()
	if err != nil {
		b.Fatal(err)
	}
	faqs := kb.FAQs(entries)
	brain, err := bot.New(examples, faqs, bot.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return brain
}

// turnWithoutIO is a full bot turn minus storage: clean, remove card data,
// understand, decide the reply.
func turnWithoutIO(brain *bot.Brain, engine *dialogue.Engine, shop memOrders, st dialogue.State, text string) (dialogue.Reply, dialogue.State) {
	text, err := Clean(text, 2000)
	if err != nil {
		panic(err)
	}
	text, _ = card.Redact(text)
	reply, next, err := engine.Step(context.Background(), st, brain.Understand(text), shop)
	if err != nil {
		panic(err)
	}
	return reply, next
}

func benchShop() memOrders {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	return memOrders{
		"ORD001": {Number: "ORD001", Status: "shipped", Items: 2, TotalCents: 4500, Currency: "EUR", Carrier: "DHL", Tracking: "JD1"},
		"ORD003": {Number: "ORD003", Status: "pending", Items: 1, TotalCents: 1999, Currency: "EUR"},
		"ORD004": {Number: "ORD004", Status: "delivered", Items: 1, TotalCents: 2500, Currency: "EUR", DeliveredAt: now, ReturnDeadline: now.Add(30 * 24 * time.Hour)},
	}
}

// BenchmarkTurnWithoutIO measures a full bot turn without storage and
// reports its p50 and p99 latency (issue 4: p99 under 100 µs).
func BenchmarkTurnWithoutIO(b *testing.B) {
	brain := benchBrain(b)
	engine := dialogue.New(time.Now, 30*24*time.Hour, nil)
	shop := benchShop()
	var st dialogue.State
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		_, st = turnWithoutIO(brain, engine, shop, st, benchMessages[i%len(benchMessages)])
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}

// BenchmarkMillionTurnsHeap runs a million turns without storage and
// reports how much the live heap grew (after a GC) from the first 10,000
// turns to the end: memory must stay flat (issue 4).
func BenchmarkMillionTurnsHeap(b *testing.B) {
	brain := benchBrain(b)
	engine := dialogue.New(time.Now, 30*24*time.Hour, nil)
	shop := benchShop()
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	for b.Loop() {
		var st dialogue.State
		var base uint64
		for i := range 1_000_000 {
			if i == 10_000 {
				base = heap()
			}
			_, st = turnWithoutIO(brain, engine, shop, st, benchMessages[i%len(benchMessages)])
		}
		end := heap()
		b.ReportMetric(float64(int64(end)-int64(base))/1024, "heap-growth-KiB")
		b.ReportMetric(float64(end)/(1<<20), "heap-MiB")
	}
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"time"

	"supportbot"
	"supportbot/internal/audit"
	"supportbot/internal/bot"
	"supportbot/internal/bot/dialogue"
	"supportbot/internal/config"
	"supportbot/internal/conversations"
	"supportbot/internal/kb"
	"supportbot/internal/orders"
	"supportbot/internal/payment"
	"supportbot/internal/ratelimit"
	"supportbot/internal/storage"
	"supportbot/internal/users"
)

// kbPoll is how often an instance checks whether another one edited the
// knowledge base.
const kbPoll = 5 * time.Second

// supportBot is the running bot: its understanding, the knowledge base,
// the orders and the conversations (issue 4).
type supportBot struct {
	brain    *bot.Brain
	kb       *kb.Store
	orders   *orders.Service
	payments *payment.Service
	chat     *conversations.Service
	poke     chan time.Time // an edit on this instance: rebuild the index now
	kbRev    int64          // the knowledge-base revision the index was built from
}

// newBrain trains the bot on the embedded corpus with the configured order
// number grammar.
func newBrain(c *config.Config) (*bot.Brain, error) {
	examples, err := bot.ParseExamples(bytes.NewReader(supportbot.TrainingCorpus))
	if err != nil {
		return nil, fmt.Errorf("training corpus: %w", err)
	}
	brain, err := bot.New(examples, nil, bot.Options{OrderIDPattern: c.OrderIDPattern, MaxChars: c.MaxMessageChars})
	if err != nil {
		return nil, fmt.Errorf("ORDER_ID_PATTERN: %w", err)
	}
	return brain, nil
}

// newSupportBot wires the bot from the configuration; now is the shared
// clock (invariant 9).
func newSupportBot(c *config.Config, db *storage.DB, k *keys, accounts *users.Store, rec audit.Recorder, now func() time.Time) (*supportBot, error) {
	brain, err := newBrain(c)
	if err != nil {
		return nil, err
	}
	window := time.Duration(c.ReturnWindowDays) * 24 * time.Hour
	ord := orders.NewService(db, k.fields, rec, orders.Options{
		ValidNumber:  brain.CanonicalOrderID,
		ReturnWindow: window,
		Clock:        now,
		IsStaff:      accounts.IsEnabledSupport,
	})
	chat := conversations.NewService(conversations.NewStore(db, k.fields, now), brain, dialogue.New(now, window, nil),
		conversations.OrdersFor(ord), rec, nil,
		conversations.Options{MaxChars: c.MaxMessageChars, IdleTimeout: c.ConversationIdleTimeout, Clock: now})
	pay := payment.NewService(db, ord, rec, payment.Options{Instructions: c.PaymentInstructions, PaymentLink: c.PaymentLink, Clock: now})
	return &supportBot{brain: brain, kb: kb.NewStore(db, rec, now), orders: ord, payments: pay, chat: chat, poke: make(chan time.Time, 1)}, nil
}

// loadKB builds the search index from the stored entries once, before the
// server takes requests.
func (b *supportBot) loadKB(ctx context.Context) error {
	rev, err := b.kb.Revision(ctx)
	if err != nil {
		return err
	}
	entries, err := b.kb.List(ctx)
	if err != nil {
		return err
	}
	// An edit between the two reads has a newer revision, which watchKB
	// applies at its first check.
	b.kbRev = rev
	return b.brain.SetKnowledgeBase(kb.FAQs(entries))
}

// watchKB keeps the index in step with edits made here (poked) or on any
// other instance (polled), until ctx ends.
func (b *supportBot) watchKB(ctx context.Context, logger *slog.Logger) {
	ticker := time.NewTicker(kbPoll)
	defer ticker.Stop()
	ticks := make(chan time.Time)
	go func() {
		for {
			var t time.Time
			select {
			case <-ctx.Done():
				return
			case t = <-ticker.C:
			case t = <-b.poke:
			}
			select {
			case ticks <- t:
			case <-ctx.Done():
				return
			}
		}
	}()
	b.kb.Watch(ctx, b.kbRev, ticks, func(entries []kb.Entry) error {
		return b.brain.SetKnowledgeBase(kb.FAQs(entries))
	}, func(err error) {
		logger.Error("knowledge base reload failed", "event", "kb.reload_failed", "error", err)
	})
}

// kbChanged asks watchKB for a rebuild without waiting for the poll.
func (b *supportBot) kbChanged() {
	select {
	case b.poke <- time.Now():
	default: // one is pending already
	}
}

// chatLimit is CHAT_RATE_LIMIT_PER_MINUTE as a limit; 0 turns it off.
func chatLimit(c *config.Config) ratelimit.Limit {
	if c.ChatRateLimitPerMinute <= 0 {
		return ratelimit.Limit{}
	}
	return ratelimit.PerMinute(c.ChatRateLimitPerMinute)
}

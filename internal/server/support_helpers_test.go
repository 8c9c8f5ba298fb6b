package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"supportbot"
	"supportbot/internal/bot"
	"supportbot/internal/bot/dialogue"
	"supportbot/internal/conversations"
	"supportbot/internal/crypto"
	"supportbot/internal/kb"
	"supportbot/internal/orders"
	"supportbot/internal/storage"
	"supportbot/internal/users"
)

// The support bot of issue 4 in the identity fixture: conversations, the
// knowledge base and the orders, wired as cmd/supportbot's newSupportBot
// wires them, on the fixture's database, clock and audit recorder.

// Settings the fixture shares with production defaults.
const (
	maxMessageChars = 2000                // MAX_MESSAGE_CHARS
	returnWindow    = 30 * 24 * time.Hour // RETURN_WINDOW_DAYS
)

// testFieldKey is the field-encryption key of the fixture: the same bytes
// as authtest's users store (which does not expose its keyring), so all
// PII of one fixture is under one key, as in production.
var testFieldKey = bytes.Repeat([]byte{0x11}, crypto.KeySize)

// trainingExamples parses the embedded corpus once per test binary.
var trainingExamples = sync.OnceValues(func() ([]bot.Example, error) {
	return bot.ParseExamples(bytes.NewReader(supportbot.TrainingCorpus))
})

// lazyBrain is the fixture's bot.Brain, trained on first use: most tests of
// the package never chat, and training costs a few hundred milliseconds
// under -race. It is built as serve builds it (trained without a knowledge
// base, then given the stored one), and it records every text it is asked
// to understand, so tests can check what reached the bot.
type lazyBrain struct {
	kb   *kb.Store
	once sync.Once
	b    *bot.Brain
	err  error

	mu   sync.Mutex
	seen []string
}

func (l *lazyBrain) brain() *bot.Brain {
	l.once.Do(func() {
		ex, err := trainingExamples()
		if err != nil {
			l.err = err
			return
		}
		b, err := bot.New(ex, nil, bot.Options{MaxChars: maxMessageChars})
		if err != nil {
			l.err = err
			return
		}
		l.b, l.err = b, l.load(b)
	})
	if l.err != nil {
		panic(fmt.Sprintf("test brain: %v", l.err)) // recovered by the router as a 500: the test sees it
	}
	return l.b
}

func (l *lazyBrain) load(b *bot.Brain) error {
	entries, err := l.kb.List(context.Background())
	if err != nil {
		return err
	}
	faqs := kb.FAQs(entries)
	return b.SetKnowledgeBase(faqs)
}

// Understand implements conversations.Understander.
func (l *lazyBrain) Understand(text string) bot.Understanding {
	l.mu.Lock()
	l.seen = append(l.seen, text)
	l.mu.Unlock()
	return l.brain().Understand(text)
}

// CanonicalOrderID is orders.Options.ValidNumber, as serve wires it.
func (l *lazyBrain) CanonicalOrderID(s string) (string, bool) { return l.brain().CanonicalOrderID(s) }

// reload is Deps.KBChanged: the index is rebuilt synchronously, where serve
// pokes its kb.Watch loop, so a test sees the edit in the very next chat
// message without waiting.
func (l *lazyBrain) reload() {
	if err := l.load(l.brain()); err != nil {
		panic(fmt.Sprintf("test brain: reload: %v", err))
	}
}

// understood returns every text the bot was given.
func (l *lazyBrain) understood() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.seen...)
}

// supportBot wires the bot on db.
func (f *idFixture) supportBot(db *storage.DB) {
	f.t.Helper()
	keys, err := crypto.NewKeyring(testFieldKey)
	if err != nil {
		f.t.Fatal(err)
	}
	f.db, f.keys = db, keys
	f.kb = kb.NewStore(db, f.audit, f.clock.Now)
	entries, err := kb.DemoEntries()
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.kb.SeedIfEmpty(context.Background(), kb.Editor{UserID: "seed"}, entries); err != nil {
		f.t.Fatal(err)
	}
	f.bot = &lazyBrain{kb: f.kb}
	accounts := f.store
	f.orders = orders.NewService(db, keys, f.audit, orders.Options{
		ValidNumber:  f.bot.CanonicalOrderID,
		ReturnWindow: returnWindow,
		Clock:        f.clock.Now,
		IsStaff:      accounts.IsEnabledSupport,
	})
	f.convs = conversations.NewStore(db, keys, f.clock.Now)
	f.chat = conversations.NewService(f.convs, f.bot, dialogue.New(f.clock.Now, returnWindow, nil),
		conversations.OrdersFor(f.orders), f.audit, nil,
		conversations.Options{MaxChars: maxMessageChars, Clock: f.clock.Now})
}

// order creates an order for customer in status st, with the timestamps
// the status implies relative to the fixture's clock (delivered yesterday,
// so a return is in time). An empty number gets a fresh one.
func (f *idFixture) order(number, customerID, assigneeID string, st orders.Status) orders.Order {
	f.t.Helper()
	if number == "" {
		f.orderN++
		number = fmt.Sprintf("ORD%07d", 1_000_000+f.orderN)
	}
	now := f.clock.Now()
	o := orders.Order{
		Number: number, CustomerID: customerID, AssigneeID: assigneeID, Status: st, Currency: "EUR",
		Items:           []orders.Item{{SKU: "MUG-01", Name: "Stoneware mug", Quantity: 2, PriceCents: 1450}},
		ShippingAddress: "Keizersgracht 123, 1015 CJ Amsterdam, NL",
		CreatedAt:       now.Add(-5 * 24 * time.Hour),
	}
	switch st {
	case orders.StatusShipped:
		o.Carrier, o.TrackingNumber, o.ShippedAt = "PostNL", "3SNWG0123456789", now.Add(-2*24*time.Hour)
	case orders.StatusDelivered:
		o.Carrier, o.TrackingNumber = "DHL", "JD014600006281"
		o.ShippedAt, o.DeliveredAt = now.Add(-3*24*time.Hour), now.Add(-24*time.Hour)
	}
	created, err := f.orders.Create(context.Background(), o)
	if err != nil {
		f.t.Fatalf("create order %s: %v", number, err)
	}
	return created
}

// conversation stores a conversation of customerID directly (as any
// instance's store would), then moves it to status with assignee.
func (f *idFixture) conversation(customerID string, status conversations.Status, assignee string) conversations.Conversation {
	f.t.Helper()
	ctx := context.Background()
	c, _, err := f.convs.Create(ctx, customerID, []conversations.Message{{Sender: conversations.SenderBot, Text: conversations.Welcome}})
	if err != nil {
		f.t.Fatal(err)
	}
	if status == conversations.StatusBot && assignee == "" {
		return c
	}
	c, _, err = f.convs.Apply(ctx, c, conversations.Change{Status: status, Assignee: assignee})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// cancelOnFlush ends the request's context on the handler's first Flush:
// a server-sent event stream then writes what it has and returns, so a
// test reads the first events without sleeping or timing out.
type cancelOnFlush struct {
	*httptest.ResponseRecorder
	cancel context.CancelFunc
}

func (w *cancelOnFlush) Flush() {
	w.ResponseRecorder.Flush()
	w.cancel()
}

// stream sends r to an event-stream route and returns what was written up
// to and just after the first flush; an error answer (written without a
// flush) is returned as for call.
func (f *idFixture) stream(r *http.Request) result {
	f.t.Helper()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	rec := httptest.NewRecorder()
	return f.serve(rec, &cancelOnFlush{ResponseRecorder: rec, cancel: cancel}, r.WithContext(ctx))
}

// sessionOf signs in a fresh account of role and returns it with its
// bearer option.
func (f *idFixture) signedIn(role users.Role, email string) (users.User, reqOpt) {
	f.t.Helper()
	u := f.account(role, email)
	s, _ := f.login(u)
	return u, withBearer(s.AccessToken)
}

// Response bodies of the chat API, decoded strictly (decodeAs) so that a
// view that grows a field grows its test too.

type conversationJSON struct {
	ID             string     `json:"id"`
	Status         string     `json:"status"`
	CustomerID     string     `json:"customer_id"`
	AssigneeID     string     `json:"assignee_id"`
	CreatedAt      time.Time  `json:"created_at"`
	LastActivityAt time.Time  `json:"last_activity_at"`
	HandoffAt      *time.Time `json:"handoff_at"`
	ClosedAt       *time.Time `json:"closed_at"`
	LastSeq        int64      `json:"last_seq"`
}

type messageJSON struct {
	Seq         int64     `json:"seq"`
	Sender      string    `json:"sender"`
	AuthorID    string    `json:"author_id"`
	Text        string    `json:"text"`
	Intent      string    `json:"intent"`
	CardRemoved int       `json:"card_data_removed"`
	OrderID     string    `json:"order_id"`
	FAQID       string    `json:"faq_id"`
	Suggestions []string  `json:"suggestions"`
	Handoff     bool      `json:"handoff"`
	CreatedAt   time.Time `json:"created_at"`
}

type replyJSON struct {
	Text       string  `json:"text"`
	Intent     string  `json:"intent"`
	Confidence float64 `json:"confidence"`
	Entities   struct {
		OrderID *string `json:"order_id"`
	} `json:"entities"`
	FAQID       *string  `json:"faq_id"`
	Suggestions []string `json:"suggestions"`
	Handoff     bool     `json:"handoff"`
}

type turnJSON struct {
	Reply        *replyJSON       `json:"reply"`
	Message      messageJSON      `json:"message"`
	BotMessage   *messageJSON     `json:"bot_message"`
	Conversation conversationJSON `json:"conversation"`
	CardRemoved  int              `json:"card_data_removed"`
}

type conversationPageJSON struct {
	Conversation conversationJSON `json:"conversation"`
	Messages     []messageJSON    `json:"messages"`
	NextAfter    *int64           `json:"next_after"`
	PrevBefore   *int64           `json:"prev_before"`
}

// conversationOnlyJSON is the answer to a claim or a close.
type conversationOnlyJSON struct {
	Conversation conversationJSON `json:"conversation"`
}

type conversationListJSON struct {
	Conversations []conversationJSON `json:"conversations"`
	NextCursor    string             `json:"next_cursor"`
}

type orderJSON struct {
	Number string `json:"number"`
	Status string `json:"status"`
	Items  []struct {
		SKU        string `json:"sku"`
		Name       string `json:"name"`
		Quantity   int    `json:"quantity"`
		PriceCents int64  `json:"price_cents"`
	} `json:"items"`
	TotalCents        int64      `json:"total_cents"`
	Currency          string     `json:"currency"`
	Carrier           string     `json:"carrier"`
	TrackingNumber    string     `json:"tracking_number"`
	ShippingAddress   string     `json:"shipping_address"`
	CustomerID        string     `json:"customer_id"`
	AssigneeID        string     `json:"assignee_id"`
	CreatedAt         time.Time  `json:"created_at"`
	UpdatedAt         time.Time  `json:"updated_at"`
	ShippedAt         *time.Time `json:"shipped_at"`
	DeliveredAt       *time.Time `json:"delivered_at"`
	CancelledAt       *time.Time `json:"cancelled_at"`
	ReturnRequestedAt *time.Time `json:"return_requested_at"`
	EstimatedDelivery *time.Time `json:"estimated_delivery"`
	ReturnDeadline    *time.Time `json:"return_deadline"`
}

// startChat opens a conversation for the bearer's customer.
func (f *idFixture) startChat(as reqOpt) conversationPageJSON {
	f.t.Helper()
	res := f.call("POST", "/api/v1/conversations", nil, as).want(f.t, http.StatusCreated)
	return decodeAs[conversationPageJSON](f.t, res)
}

// say sends one customer message and returns the turn (failing unless 200).
func (f *idFixture) say(as reqOpt, convID, text string) turnJSON {
	f.t.Helper()
	res := f.call("POST", "/api/v1/conversations/"+convID+"/messages", map[string]string{"text": text}, as).want(f.t, http.StatusOK)
	return decodeAs[turnJSON](f.t, res)
}

// replyText is the bot's answer of a turn, failing when the bot said nothing.
func (tr turnJSON) replyText(t *testing.T) string {
	t.Helper()
	if tr.Reply == nil {
		t.Fatalf("no reply to %q", tr.Message.Text)
	}
	return tr.Reply.Text
}

// wantReply fails unless the bot's reply contains every part.
func (tr turnJSON) wantReply(t *testing.T, parts ...string) turnJSON {
	t.Helper()
	text := tr.replyText(t)
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Fatalf("reply to %q = %q, want it to contain %q", tr.Message.Text, text, p)
		}
	}
	return tr
}

// Package dialogue decides the bot's reply to one customer message, given
// what internal/bot understood and the conversation's state so far (issue
// 4, "Dialogue"): it fills the order-number slot over several turns ("track
// my order" → "Which order?" → "ORD001"), asks for a yes/no before it
// cancels or returns anything, lists orders, answers from the knowledge
// base, and hands the conversation to a person on request or after two
// misunderstandings in a row.
//
// The package is pure: orders are reached through the Orders interface,
// bound by the caller to the signed-in customer (so the dialogue can never
// name another customer's order), and time comes from the caller. The
// state is a small value the caller stores with the conversation, so any
// instance can continue it.
package dialogue

import (
	"context"
	"errors"
	"time"

	"supportbot/internal/bot"
)

// State is what the bot remembers between turns. It holds intents and
// order numbers, never message text, and is stored as JSON.
type State struct {
	// Pending is an order intent waiting for its order number.
	Pending bot.Intent `json:"pending,omitempty"`
	// Confirm is the order intent (cancel_order or return_request) waiting
	// for the customer's yes or no about OrderID.
	Confirm bot.Intent `json:"confirm,omitempty"`
	// OrderID is the order the conversation is about.
	OrderID string `json:"order_id,omitempty"`
	// Fallbacks counts consecutive messages the bot did not understand.
	Fallbacks int `json:"fallbacks,omitempty"`
}

// HandoffAfterFallbacks is how many misunderstood messages in a row send
// the conversation to a person (issue 4: "two fallbacks in a row").
const HandoffAfterFallbacks = 2

// Order is what the dialogue needs to know about one order.
type Order struct {
	Number            string
	Status            string // the statuses of internal/orders
	Items             int    // number of items
	TotalCents        int64
	Currency          string
	Carrier, Tracking string
	EstimatedDelivery time.Time // zero when unknown or delivered
	DeliveredAt       time.Time
	ReturnDeadline    time.Time // last moment a return may be asked for; zero if not delivered
	UpdatedAt         time.Time
}

// Orders reaches the signed-in customer's orders. Implementations enforce
// ownership: someone else's order is ErrOrderNotFound, exactly like one that
// does not exist.
type Orders interface {
	Find(ctx context.Context, number string) (Order, error)
	List(ctx context.Context) ([]Order, error)
	Cancel(ctx context.Context, number string) (Order, error)
	Return(ctx context.Context, number string) (Order, error)
}

var (
	// ErrOrderNotFound means the customer has no order with that number.
	ErrOrderNotFound = errors.New("dialogue: order not found")
	// ErrNotAllowed means the order's status forbids the change; wrap it in
	// a *NotAllowedError to say which status.
	ErrNotAllowed = errors.New("dialogue: not allowed in this status")
)

// NotAllowedError says the order is in a status that forbids the change.
type NotAllowedError struct {
	Order Order
}

// Error says which status forbade the change.
func (e *NotAllowedError) Error() string { return "dialogue: order " + e.Order.Status }

// Unwrap makes errors.Is(err, ErrNotAllowed) true.
func (e *NotAllowedError) Unwrap() error { return ErrNotAllowed }

// Reply is the bot's answer to one message.
type Reply struct {
	Text        string     `json:"text"`
	Intent      bot.Intent `json:"intent"`
	Confidence  float64    `json:"confidence"`
	OrderID     string     `json:"order_id,omitempty"`
	FAQID       string     `json:"faq_id,omitempty"`
	Suggestions []string   `json:"suggestions"`
	// Handoff means the conversation goes to the support queue.
	Handoff bool `json:"handoff"`
}

// Engine computes replies. The zero value is not usable: use New.
type Engine struct {
	now          func() time.Time
	returnWindow time.Duration
	loc          *time.Location
}

// New returns an Engine. now is the clock (invariant 9); returnWindow is
// RETURN_WINDOW_DAYS, quoted in replies; loc is the shop's time zone for
// dates (nil: UTC).
func New(now func() time.Time, returnWindow time.Duration, loc *time.Location) *Engine {
	if now == nil {
		now = time.Now
	}
	if loc == nil {
		loc = time.UTC
	}
	return &Engine{now: now, returnWindow: returnWindow, loc: loc}
}

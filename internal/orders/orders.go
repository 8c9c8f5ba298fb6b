// Package orders holds the order rules — the status transitions, when an
// order may be cancelled or returned, who may see or change it — and the
// orders table. Every caller, the HTTP handlers and the chat bot alike,
// goes through Service, which validates the order number before any
// lookup, authorizes with internal/auth on every call (customers reach only
// their own orders, support staff only those assigned to them; DESIGN.md
// invariant 2), changes an order with a compare-and-set so concurrent
// requests cannot both succeed, and records every change and every refusal
// in the audit trail (hardening guide, "Security Logging").
package orders

import (
	"errors"
	"fmt"
	"time"

	"supportbot/internal/auth"
)

// Status is where an order is in its life.
type Status string

// The statuses, in the order an order usually passes them.
const (
	StatusPending         Status = "pending"
	StatusProcessing      Status = "processing"
	StatusShipped         Status = "shipped"
	StatusDelivered       Status = "delivered"
	StatusCancelled       Status = "cancelled"
	StatusReturnRequested Status = "return_requested"
	StatusReturned        Status = "returned"
	StatusRefunded        Status = "refunded"
)

// transitions is the one table of allowed status changes; everything not
// listed is refused. The migration's CHECK constraint lists the same
// statuses.
var transitions = map[Status][]Status{
	StatusPending:         {StatusProcessing, StatusCancelled},
	StatusProcessing:      {StatusShipped, StatusCancelled},
	StatusShipped:         {StatusDelivered},
	StatusDelivered:       {StatusReturnRequested},
	StatusReturnRequested: {StatusReturned},
	StatusReturned:        {StatusRefunded},
	StatusCancelled:       nil,
	StatusRefunded:        nil,
}

// Statuses returns every status in life-cycle order.
func Statuses() []Status {
	return []Status{StatusPending, StatusProcessing, StatusShipped, StatusDelivered,
		StatusCancelled, StatusReturnRequested, StatusReturned, StatusRefunded}
}

// CanTransition reports whether an order may move from one status to the
// other in one step.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// ParseStatus returns the status named s exactly, or an error.
func ParseStatus(s string) (Status, error) {
	if st := Status(s); st.Valid() {
		return st, nil
	}
	return "", fmt.Errorf("orders: unknown status %q", truncate(s, 32))
}

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool {
	_, ok := transitions[s]
	return ok
}

// Item is one line of an order.
type Item struct {
	SKU        string
	Name       string
	Quantity   int
	PriceCents int64 // unit price
}

// Order is an order with its PII decrypted. It is plain data; change it
// only through Service.
type Order struct {
	ID             string // random, never shown to customers
	Number         string // canonical order number, unique, e.g. ORD001
	CustomerID     string // the user who placed it
	AssigneeID     string // the support agent it is assigned to, "" for none
	Status         Status
	Items          []Item
	TotalCents     int64
	Currency       string // ISO 4217, e.g. EUR
	Carrier        string
	TrackingNumber string
	// ShippingAddress is PII: stored encrypted, bound to the order's row
	// (crypto.AAD{orders, shipping_address_enc, ID}; DESIGN.md invariant 4).
	ShippingAddress string
	// ReturnReason and CancelReason are the customer's words, stored
	// encrypted like the address, with card data removed; they never go to
	// the audit trail.
	ReturnReason      string
	CancelReason      string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	ShippedAt         time.Time // zero until shipped
	DeliveredAt       time.Time // zero until delivered
	CancelledAt       time.Time // zero unless cancelled
	ReturnRequestedAt time.Time // zero unless a return was requested
	// Version grows with every change; updates compare and set it.
	Version int64
}

// Resource describes the order for auth.Authorize: it exists, belongs to
// its customer and is assigned to its assignee.
func (o Order) Resource() auth.Resource {
	return auth.Resource{Exists: true, OwnerID: o.CustomerID, AssigneeID: o.AssigneeID}
}

// Delivery estimate, in business days (Monday to Friday).
const (
	handlingDays = 2 // from the order to dispatch
	transitDays  = 3 // from dispatch to the door
)

// EstimatedDelivery returns when an order still on its way should arrive:
// dispatch plus transitDays business days once shipped, the order date
// plus handlingDays+transitDays business days before. It is zero for an
// order that is not on its way (delivered, cancelled, returned, …).
func (o Order) EstimatedDelivery() time.Time {
	switch o.Status {
	case StatusPending, StatusProcessing:
		return addBusinessDays(o.CreatedAt, handlingDays+transitDays)
	case StatusShipped:
		from := o.ShippedAt
		if from.IsZero() {
			from = o.CreatedAt
		}
		return addBusinessDays(from, transitDays)
	}
	return time.Time{}
}

// addBusinessDays returns t moved forward by n weekdays, in UTC.
func addBusinessDays(t time.Time, n int) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	t = t.UTC()
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}

// Event types recorded in the audit trail.
const (
	EventCreated         = "order.created"
	EventCancelled       = "order.cancelled"
	EventReturnRequested = "order.return_requested"
	EventAssigned        = "order.assigned"
	EventStatusChanged   = "order.status_changed"
)

// Errors returned by Service. Test with errors.Is; they are wrapped with the
// operation and the canonical order number, never with SQL, PII or the
// raw input of an invalid number.
var (
	// ErrNotFound means no such order — or someone else's, which is
	// deliberately the same error (DESIGN.md invariant 2): answer 404.
	// errors.Is(err, auth.ErrNotFound) holds too.
	ErrNotFound error = &sentinel{"order not found", auth.ErrNotFound}
	// ErrForbidden means the caller's role may never do this (a customer
	// assigning an order): answer 403. errors.Is(err, auth.ErrForbidden)
	// holds too.
	ErrForbidden error = &sentinel{"not allowed for this role", auth.ErrForbidden}
	// ErrInvalidNumber means the text is no order number: refused before
	// any lookup.
	ErrInvalidNumber = errors.New("invalid order number")
	// ErrNotCancellable means the order is past the point of cancelling
	// (only pending and processing orders can be cancelled).
	ErrNotCancellable = errors.New("order can no longer be cancelled")
	// ErrNotReturnable means the order is not delivered, so no return can
	// be requested.
	ErrNotReturnable = errors.New("order cannot be returned")
	// ErrReturnWindowClosed means the order was delivered longer ago than
	// the return window (RETURN_WINDOW_DAYS).
	ErrReturnWindowClosed = errors.New("return window has closed")
	// ErrInvalidTransition means the transition table does not allow the
	// status change asked of Advance.
	ErrInvalidTransition = errors.New("status change not allowed")
	// ErrNumberTaken means Create was given a number another order has.
	ErrNumberTaken = errors.New("order number already exists")
	// ErrInvalidOrder means Create was given an order that breaks a rule;
	// the error names the field.
	ErrInvalidOrder = errors.New("invalid order")
	// ErrInvalidAssignee means Assign was given someone who is not support
	// staff (or no IsStaff check is configured).
	ErrInvalidAssignee = errors.New("assignee is not support staff")
	// ErrInvalidCursor means List was given a cursor it did not issue.
	ErrInvalidCursor = errors.New("invalid page cursor")
	// ErrBusy means an order changed under too many attempts in a row; the
	// caller may try again.
	ErrBusy = errors.New("order is being changed concurrently, try again")
)

// sentinel is an error that also matches another, so orders.ErrNotFound is
// an auth.ErrNotFound to handlers that map auth errors to status codes.
type sentinel struct {
	msg string
	is  error
}

func (e *sentinel) Error() string { return e.msg }
func (e *sentinel) Unwrap() error { return e.is }

// StateError is a refusal because of the order's status, carrying that
// status so the bot can explain ("ORD001 has already shipped, so it can't
// be cancelled"). errors.Is(err, Err) holds for its sentinel:
// ErrNotCancellable, ErrNotReturnable, ErrReturnWindowClosed or
// ErrInvalidTransition.
type StateError struct {
	Op     string // "cancel", "return" or "advance"
	Number string // canonical order number
	Status Status // the order's status when refused
	To     Status // for "advance": the status asked for
	Err    error
}

// Error names the operation, the order and its status.
func (e *StateError) Error() string {
	if e.To != "" {
		return fmt.Sprintf("orders: %s %s: %s to %s: %v", e.Op, e.Number, e.Status, e.To, e.Err)
	}
	return fmt.Sprintf("orders: %s %s: status %s: %v", e.Op, e.Number, e.Status, e.Err)
}

// Unwrap returns the sentinel.
func (e *StateError) Unwrap() error { return e.Err }

// Package payment is supportbot's payment service, and it is manual only:
// automated card payment processing is disabled for PCI-DSS compliance
// (first specification, "Payment Security"). Support staff send a customer
// a payment request — the order's amount, a reference to quote, and
// instructions or a link to the shop's payment provider, where the card is
// entered — and nothing here ever sees, stores or processes card data
// (DESIGN.md invariant 6). Card data typed into the chat is removed by
// internal/payment/card before anything else sees it.
package payment

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Method is a way of taking payment.
type Method string

// The methods. Only MethodManual exists; MethodAutomatedCard is named so
// that asking for it can be refused with the reason.
const (
	MethodManual        Method = "manual"
	MethodAutomatedCard Method = "automated_card"
)

// ErrAutomatedCardDisabled refuses every method but manual.
var ErrAutomatedCardDisabled = errors.New("payment: automated card payments are disabled for PCI-DSS compliance; use the manual method (PAYMENT_METHOD=manual)")

// Other errors of Service.
var (
	// ErrNotPayable means the order cannot be paid: cancelled, returned,
	// refunded, or nothing to pay.
	ErrNotPayable = errors.New("payment: order is not payable")
	// ErrInvalidLink means Options.PaymentLink is not an https URL.
	ErrInvalidLink = errors.New("payment: PAYMENT_LINK must be an https URL")
)

// CheckMethod returns nil for MethodManual and ErrAutomatedCardDisabled for
// anything else — the check a configuration or a caller asking for a
// method must pass (first specification: configuring automated payments
// fails).
func CheckMethod(m Method) error {
	switch m {
	case MethodManual:
		return nil
	case MethodAutomatedCard:
		return ErrAutomatedCardDisabled
	}
	return fmt.Errorf("payment: unknown method: %w", ErrAutomatedCardDisabled)
}

// Statuses of a Request.
const (
	StatusOpen      = "open"
	StatusPaid      = "paid"
	StatusCancelled = "cancelled"
)

// Request is a manual payment request for an order. It has no card fields,
// by design.
type Request struct {
	ID           string
	OrderNumber  string
	AmountCents  int64
	Currency     string
	Reference    string // unique, for the customer to quote: PAY-ORD001-7K3Q9D
	Instructions string
	PaymentLink  string // the payment provider's https page, or ""
	Status       string // StatusOpen, StatusPaid or StatusCancelled
	CreatedBy    string // user id of the staff member who sent it
	CreatedAt    time.Time
}

// Options configures a Service.
type Options struct {
	// Instructions is PAYMENT_INSTRUCTIONS; "" means DefaultInstructions.
	Instructions string
	// PaymentLink is PAYMENT_LINK: an https URL of the payment provider's
	// hosted page, or "" for none.
	PaymentLink string
	// Clock is the time source; nil means time.Now.
	Clock func() time.Time
}

// DefaultInstructions are the instructions when Options has none.
const DefaultInstructions = "Pay by bank transfer to the account shown on your invoice, quoting the payment reference."

// Audit event types.
const (
	EventRequestCreated   = "payment.request_created"
	EventAutomatedRefused = "payment.automated_refused"
)

// checkLink accepts "" or an absolute https URL with a host and without
// credentials or control characters.
func checkLink(link string) error {
	if link == "" {
		return nil
	}
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil ||
		strings.ContainsFunc(link, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return ErrInvalidLink
	}
	return nil
}

package api

import (
	"errors"
	"net/http"
	"time"

	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
	"supportbot/internal/payment"
)

// Error codes of the payment routes.
const (
	CodeAutomatedCardDisabled = "automated_card_disabled"
	CodeNotPayable            = "not_payable"
)

// paymentRequestView is a manual payment request as the API shows it. It
// holds no card data: there is none anywhere in supportbot.
type paymentRequestView struct {
	ID           string    `json:"id"`
	OrderNumber  string    `json:"order_number"`
	AmountCents  int64     `json:"amount_cents"`
	Currency     string    `json:"currency"`
	Reference    string    `json:"reference"`
	Instructions string    `json:"instructions"`
	PaymentLink  string    `json:"payment_link,omitempty"`
	Status       string    `json:"status"`
	CreatedAt    time.Time `json:"created_at"`
}

func newPaymentRequestView(p payment.Request) paymentRequestView {
	return paymentRequestView{ID: p.ID, OrderNumber: p.OrderNumber, AmountCents: p.AmountCents, Currency: p.Currency,
		Reference: p.Reference, Instructions: p.Instructions, PaymentLink: p.PaymentLink, Status: p.Status, CreatedAt: p.CreatedAt}
}

func paymentError(err error) error {
	switch {
	case errors.Is(err, payment.ErrAutomatedCardDisabled):
		return &response.Error{Status: http.StatusBadRequest, Code: CodeAutomatedCardDisabled, Field: "/method",
			Message: "automated card payments are disabled for PCI-DSS compliance; use the manual method", Err: err}
	case errors.Is(err, payment.ErrNotPayable):
		return &response.Error{Status: http.StatusBadRequest, Code: CodeNotPayable,
			Message: "this order cannot be paid (cancelled, returned, refunded or nothing to pay)", Err: err}
	}
	return orderError(err)
}

// paymentRequestCreate answers POST /api/v1/orders/{id}/payment-requests
// (staff): a manual payment request with the shop's instructions or hosted
// payment link. The only method is "manual"; "automated_card" is refused
// with 400 and audited (first specification, "Automated Payments Are
// Disabled"). Asking again while one is open returns it.
func paymentRequestCreate(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		var body struct {
			Method string `json:"method"`
		}
		if err := request.DecodeJSON(r, &body, nil); err != nil {
			return err
		}
		p, err := d.Payments.Create(r.Context(), c, pathID(r), payment.Method(body.Method))
		if err != nil {
			return paymentError(err)
		}
		return response.JSON(w, http.StatusCreated, newPaymentRequestView(p))
	}
}

// paymentRequestsList answers GET /api/v1/orders/{id}/payment-requests: to
// whoever may read the order, so a customer sees how to pay.
func paymentRequestsList(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		list, err := d.Payments.List(r.Context(), c, pathID(r))
		if err != nil {
			return paymentError(err)
		}
		out := struct {
			PaymentRequests []paymentRequestView `json:"payment_requests"`
		}{PaymentRequests: make([]paymentRequestView, len(list))}
		for i, p := range list {
			out.PaymentRequests[i] = newPaymentRequestView(p)
		}
		return response.JSON(w, http.StatusOK, out)
	}
}

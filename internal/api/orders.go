package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
	"supportbot/internal/http/response"
	"supportbot/internal/orders"
)

// CodeOrderState is the error code of a change the order's status forbids.
const CodeOrderState = "order_state"

// orderView is an order as the API shows it.
type orderView struct {
	Number            string          `json:"number"`
	Status            string          `json:"status"`
	Items             []orderItemView `json:"items"`
	TotalCents        int64           `json:"total_cents"`
	Currency          string          `json:"currency"`
	Carrier           string          `json:"carrier,omitempty"`
	TrackingNumber    string          `json:"tracking_number,omitempty"`
	ShippingAddress   string          `json:"shipping_address,omitempty"`
	CustomerID        string          `json:"customer_id"`
	AssigneeID        string          `json:"assignee_id,omitempty"`
	CreatedAt         time.Time       `json:"created_at"`
	UpdatedAt         time.Time       `json:"updated_at"`
	ShippedAt         *time.Time      `json:"shipped_at,omitempty"`
	DeliveredAt       *time.Time      `json:"delivered_at,omitempty"`
	CancelledAt       *time.Time      `json:"cancelled_at,omitempty"`
	ReturnRequestedAt *time.Time      `json:"return_requested_at,omitempty"`
	EstimatedDelivery *time.Time      `json:"estimated_delivery,omitempty"`
	ReturnDeadline    *time.Time      `json:"return_deadline,omitempty"`
}

type orderItemView struct {
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	Quantity   int    `json:"quantity"`
	PriceCents int64  `json:"price_cents"`
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func newOrderView(o orders.Order, returnDeadline time.Time) orderView {
	v := orderView{Number: o.Number, Status: string(o.Status), Items: make([]orderItemView, len(o.Items)),
		TotalCents: o.TotalCents, Currency: o.Currency, Carrier: o.Carrier, TrackingNumber: o.TrackingNumber,
		ShippingAddress: o.ShippingAddress, CustomerID: o.CustomerID, AssigneeID: o.AssigneeID,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, ShippedAt: optionalTime(o.ShippedAt),
		DeliveredAt: optionalTime(o.DeliveredAt), CancelledAt: optionalTime(o.CancelledAt),
		ReturnRequestedAt: optionalTime(o.ReturnRequestedAt), EstimatedDelivery: optionalTime(o.EstimatedDelivery())}
	for i, it := range o.Items {
		v.Items[i] = orderItemView(it)
	}
	if o.Status == orders.StatusDelivered {
		v.ReturnDeadline = optionalTime(returnDeadline)
	}
	return v
}

// orderError maps an error of the orders service to its response.
// Someone else's order answers exactly like a missing one.
func orderError(err error) error {
	var se *orders.StateError
	switch {
	case errors.As(err, &se):
		return &response.Error{Status: http.StatusBadRequest, Code: CodeOrderState,
			Message: stateMessage(se), Err: err}
	case errors.Is(err, orders.ErrInvalidNumber):
		return response.BadRequest("", "not a valid order number", err)
	case errors.Is(err, orders.ErrNotFound):
		return response.NotFound(err)
	case errors.Is(err, orders.ErrForbidden):
		return response.Forbidden(err)
	case errors.Is(err, orders.ErrInvalidAssignee):
		return response.BadRequest("/assignee_id", "assignee_id must be an enabled support user", err)
	case errors.Is(err, orders.ErrInvalidCursor):
		return response.BadRequest("", "cursor is not one this server issued", err)
	case errors.Is(err, orders.ErrBusy):
		return response.Unavailable(err)
	}
	return response.Internal(err)
}

// stateMessage explains a refusal by status, in words we wrote.
func stateMessage(se *orders.StateError) string {
	switch {
	case errors.Is(se, orders.ErrNotCancellable):
		return fmt.Sprintf("order %s is %s and can no longer be cancelled", se.Number, se.Status)
	case errors.Is(se, orders.ErrReturnWindowClosed):
		return fmt.Sprintf("order %s is outside the return window", se.Number)
	case errors.Is(se, orders.ErrNotReturnable):
		return fmt.Sprintf("order %s is %s and cannot be returned", se.Number, se.Status)
	}
	return fmt.Sprintf("order %s is %s; that change is not allowed", se.Number, se.Status)
}

// ordersList answers GET /api/v1/orders: the caller's own orders
// (customers), those assigned to them (support) or all (admins), newest
// first; ?limit= and ?cursor= page it.
func ordersList(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		limit, err := queryInt(r, "limit", orders.MaxPageLimit)
		if err != nil {
			return err
		}
		res, err := d.Orders.List(r.Context(), c, orders.Page{Limit: int(limit), Cursor: r.URL.Query().Get("cursor")})
		if err != nil {
			return orderError(err)
		}
		out := struct {
			Orders     []orderView `json:"orders"`
			NextCursor string      `json:"next_cursor,omitempty"`
		}{Orders: make([]orderView, len(res.Orders)), NextCursor: res.NextCursor}
		for i, o := range res.Orders {
			out.Orders[i] = newOrderView(o, d.Orders.ReturnDeadline(o))
		}
		return response.JSON(w, http.StatusOK, out)
	}
}

// orderShow answers GET /api/v1/orders/{id}.
func orderShow(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		o, err := d.Orders.Get(r.Context(), c, pathID(r))
		if err != nil {
			return orderError(err)
		}
		return response.JSON(w, http.StatusOK, newOrderView(o, d.Orders.ReturnDeadline(o)))
	}
}

// reasonRequest is the optional body of a cancel or return
// (api/schemas/order_reason.json).
type reasonRequest struct {
	Reason string `json:"reason"`
}

func readReason(r *http.Request) (string, error) {
	var body reasonRequest
	if r.ContentLength == 0 {
		return "", nil
	}
	err := request.DecodeJSON(r, &body, nil)
	return body.Reason, err
}

// orderCancel answers POST /api/v1/orders/{id}/cancel. Cancelling an
// order that is already cancelled answers 200 with the order, so a retry is
// harmless.
func orderCancel(d Deps) middleware.HandlerFunc { return orderChange(d, d.Orders.Cancel) }

// orderReturnCreate answers POST /api/v1/orders/{id}/returns: asks to
// return a delivered order within the return window. Asking again answers
// 200 with the order.
func orderReturnCreate(d Deps) middleware.HandlerFunc { return orderChange(d, d.Orders.RequestReturn) }

// orderChange is a customer's change to an order with an optional reason.
func orderChange(d Deps, change func(ctx context.Context, c orders.Caller, number, reason string) (orders.Order, error)) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		reason, err := readReason(r)
		if err != nil {
			return err
		}
		o, err := change(r.Context(), c, pathID(r), reason)
		if err != nil {
			return orderError(err)
		}
		return response.JSON(w, http.StatusOK, newOrderView(o, d.Orders.ReturnDeadline(o)))
	}
}

// orderAssign answers POST /api/v1/orders/{id}/assign (admins): assigns
// the order to a support user, or removes the assignment with "".
func orderAssign(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		var body struct {
			AssigneeID string `json:"assignee_id"`
		}
		if err := request.DecodeJSON(r, &body, nil); err != nil {
			return err
		}
		o, err := d.Orders.Assign(r.Context(), c, pathID(r), body.AssigneeID)
		if err != nil {
			return orderError(err)
		}
		return response.JSON(w, http.StatusOK, newOrderView(o, d.Orders.ReturnDeadline(o)))
	}
}

// orderStatusUpdate answers POST /api/v1/orders/{id}/status (staff): moves
// the order along the transition table (processing, shipped, delivered,
// returned, refunded).
func orderStatusUpdate(d Deps) middleware.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		var body struct {
			Status string `json:"status"`
		}
		if err := request.DecodeJSON(r, &body, nil); err != nil {
			return err
		}
		to, err := orders.ParseStatus(body.Status)
		if err != nil {
			return response.BadRequest("/status", "status is not an order status", err)
		}
		o, err := d.Orders.Advance(r.Context(), c, pathID(r), to)
		if err != nil {
			return orderError(err)
		}
		return response.JSON(w, http.StatusOK, newOrderView(o, d.Orders.ReturnDeadline(o)))
	}
}

// orderRoutes are the orders of issue 4. The orders service authorizes
// every call itself (ownership, assignment) and audits refusals.
func orderRoutes(d Deps) []middleware.Route {
	const anyone = middleware.PolicyAuthenticated
	var (
		admin = middleware.PolicyAdmin
		staff = middleware.PolicyStaff
	)
	routes := []middleware.Route{
		{Method: "GET", Pattern: "/api/v1/orders", Policy: anyone, Action: auth.ActionOrderList, Handler: ordersList(d)},
		{Method: "GET", Pattern: "/api/v1/orders/{id}", Policy: anyone, Action: auth.ActionOrderRead, Handler: orderShow(d)},
		{Method: "POST", Pattern: "/api/v1/orders/{id}/cancel", Policy: anyone, Action: auth.ActionOrderCancel, Schema: "order_reason", OptionalBody: true, Handler: orderCancel(d)},
		{Method: "POST", Pattern: "/api/v1/orders/{id}/returns", Policy: anyone, Action: auth.ActionOrderReturn, Schema: "order_reason", OptionalBody: true, Handler: orderReturnCreate(d)},
		{Method: "POST", Pattern: "/api/v1/orders/{id}/assign", Policy: admin, Action: auth.ActionOrderAssign, Schema: "order_assign", Handler: orderAssign(d)},
		{Method: "POST", Pattern: "/api/v1/orders/{id}/status", Policy: staff, Action: auth.ActionOrderAdvance, Schema: "order_status", Handler: orderStatusUpdate(d)},
	}
	if d.Payments != nil {
		routes = append(routes,
			middleware.Route{Method: "GET", Pattern: "/api/v1/orders/{id}/payment-requests", Policy: anyone, Action: auth.ActionOrderRead, Handler: paymentRequestsList(d)},
			middleware.Route{Method: "POST", Pattern: "/api/v1/orders/{id}/payment-requests", Policy: staff, Action: auth.ActionPaymentRequestCreate, Schema: "payment_request", Handler: paymentRequestCreate(d)},
		)
	}
	return routes
}

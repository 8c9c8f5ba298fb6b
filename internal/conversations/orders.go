package conversations

import (
	"context"
	"errors"

	"supportbot/internal/bot/dialogue"
	"supportbot/internal/orders"
)

// OrdersFor gives the dialogue the caller's view of the orders: every call
// goes through orders.Service with the caller, so ownership is checked and
// refusals are audited there, and someone else's order, a missing one and
// a malformed number all read as "not found" (issue 4: the same "I
// couldn't find order X on your account").
func OrdersFor(svc *orders.Service) func(Caller) dialogue.Orders {
	return func(c Caller) dialogue.Orders { return callerOrders{svc: svc, c: c} }
}

type callerOrders struct {
	svc *orders.Service
	c   Caller
}

// listLimit bounds the orders the bot lists or suggests.
const listLimit = 20

func (o callerOrders) view(ord orders.Order) dialogue.Order {
	n := 0
	for _, it := range ord.Items {
		n += it.Quantity
	}
	v := dialogue.Order{Number: ord.Number, Status: string(ord.Status), Items: n, TotalCents: ord.TotalCents,
		Currency: ord.Currency, Carrier: ord.Carrier, Tracking: ord.TrackingNumber,
		EstimatedDelivery: ord.EstimatedDelivery(), DeliveredAt: ord.DeliveredAt, UpdatedAt: ord.UpdatedAt}
	if ord.Status == orders.StatusDelivered {
		v.ReturnDeadline = o.svc.ReturnDeadline(ord)
	}
	return v
}

func (o callerOrders) result(ord orders.Order, err error) (dialogue.Order, error) {
	var se *orders.StateError
	switch {
	case err == nil:
		return o.view(ord), nil
	case errors.Is(err, orders.ErrNotFound), errors.Is(err, orders.ErrInvalidNumber):
		return dialogue.Order{}, dialogue.ErrOrderNotFound
	case errors.As(err, &se):
		// The refusal comes with the order as it is stored now.
		return dialogue.Order{}, &dialogue.NotAllowedError{Order: o.view(ord)}
	}
	return dialogue.Order{}, err
}

func (o callerOrders) Find(ctx context.Context, number string) (dialogue.Order, error) {
	ord, err := o.svc.Get(ctx, o.c, number)
	return o.result(ord, err)
}

func (o callerOrders) List(ctx context.Context) ([]dialogue.Order, error) {
	res, err := o.svc.List(ctx, o.c, orders.Page{Limit: listLimit})
	if err != nil {
		return nil, err
	}
	out := make([]dialogue.Order, len(res.Orders))
	for i, ord := range res.Orders {
		out[i] = o.view(ord)
	}
	return out, nil
}

func (o callerOrders) Cancel(ctx context.Context, number string) (dialogue.Order, error) {
	ord, err := o.svc.Cancel(ctx, o.c, number, "requested in chat")
	return o.result(ord, err)
}

func (o callerOrders) Return(ctx context.Context, number string) (dialogue.Order, error) {
	ord, err := o.svc.RequestReturn(ctx, o.c, number, "requested in chat")
	return o.result(ord, err)
}

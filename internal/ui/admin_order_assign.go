package ui

import (
	"errors"
	"net/http"

	"supportbot/internal/http/request"
	"supportbot/internal/orders"

	"supportbot/internal/api"
)

// orderAssignForm is an order's assignment form
// (api/schemas/form_order_assign.json); "" removes the assignment.
type orderAssignForm struct {
	StaffID string `json:"staff_id"`
}

// adminOrderAssign answers POST /admin/orders/{id}/assign: an admin
// assigns an order to a support member (or to nobody). The orders service
// checks the assignee is enabled support staff and records order.assigned
// in the audit trail. Someone who is not support staff shows the list
// again with the reason inline (400); an unknown order is 404.
func (u *UI) adminOrderAssign(w http.ResponseWriter, r *http.Request) error {
	var in orderAssignForm
	if err := request.DecodeJSON(r, &in, nil); err != nil {
		return err
	}
	c, err := api.Caller(r)
	if err != nil {
		return err
	}
	_, err = u.Orders.Assign(r.Context(), c, r.PathValue("id"), in.StaffID)
	switch {
	case errors.Is(err, orders.ErrInvalidAssignee):
		return u.showOrders(w, r, http.StatusBadRequest, adminOrdersData{
			Error: "That account is not enabled support staff; choose someone from the list."})
	case err != nil:
		return ordersError(err)
	}
	return seeOther(w, r, "/admin/orders", "order_assigned")
}

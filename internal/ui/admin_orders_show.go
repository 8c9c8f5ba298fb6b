package ui

import (
	"net/http"
	"time"

	"supportbot/internal/api"
	"supportbot/internal/http/middleware"
	"supportbot/internal/orders"
)

// adminOrderRow is one order in the assignment list.
type adminOrderRow struct {
	Number       string
	Status       string // in words
	StatusKey    string // the status's name, for data-status
	CustomerID   string
	TotalCents   int64
	Currency     string
	CreatedAt    time.Time
	AssigneeID   string
	AssigneeName string // "" when unassigned
	// AssigneeListed is false when the current assignee is no longer
	// enabled support staff: the select then keeps them as its own option,
	// so submitting the row unchanged changes nothing.
	AssigneeListed bool
}

// adminOrdersData is the order assignment page.
type adminOrdersData struct {
	Orders     []adminOrderRow
	Staff      []staffOption // enabled support staff, offered as assignees
	Cursor     string        // this page's cursor ("" for the first)
	NextCursor string
	Error      string // why an assignment was refused
}

// adminOrdersShow renders GET /admin/orders: the orders, newest first, a
// page at a time (?cursor=), each with its current assignee and a select of
// the support staff to assign it to.
func (u *UI) adminOrdersShow(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if len(q["cursor"]) > 1 {
		return ordersError(orders.ErrInvalidCursor)
	}
	return u.showOrders(w, r, http.StatusOK, adminOrdersData{Cursor: q.Get("cursor")})
}

// showOrders renders the page of orders at d.Cursor with status.
func (u *UI) showOrders(w http.ResponseWriter, r *http.Request, status int, d adminOrdersData) error {
	c, err := api.Caller(r)
	if err != nil {
		return err
	}
	res, err := u.Orders.List(r.Context(), c, orders.Page{Limit: orders.MaxPageLimit, Cursor: d.Cursor})
	if err != nil {
		return ordersError(err)
	}
	p, err := middleware.Principal(r)
	if err != nil {
		return err
	}
	staff, err := u.staffUsers(r.Context(), p, r)
	if err != nil {
		return api.AuthError(w, err)
	}
	names := make(map[string]string, len(staff))
	listed := make(map[string]bool, len(staff))
	for _, s := range staff {
		names[s.ID] = s.Name
		if !s.Disabled {
			d.Staff = append(d.Staff, s)
			listed[s.ID] = true
		}
	}
	d.NextCursor = res.NextCursor
	for _, o := range res.Orders {
		row := adminOrderRow{Number: o.Number, Status: orderStatusText[o.Status], StatusKey: string(o.Status), CustomerID: o.CustomerID,
			TotalCents: o.TotalCents, Currency: o.Currency, CreatedAt: o.CreatedAt, AssigneeID: o.AssigneeID}
		if o.AssigneeID != "" {
			row.AssigneeName, row.AssigneeListed = names[o.AssigneeID], listed[o.AssigneeID]
			if row.AssigneeName == "" {
				row.AssigneeName = "Account " + shortID(o.AssigneeID) // no longer support staff
			}
		}
		d.Orders = append(d.Orders, row)
	}
	pg := u.newPage(r, "Order assignment", d)
	pg.Section = "admin"
	return u.show(w, status, "admin_orders", pg)
}

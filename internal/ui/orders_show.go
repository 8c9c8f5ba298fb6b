package ui

import (
	"net/http"
	"net/url"
	"time"

	"supportbot/internal/orders"

	"supportbot/internal/api"
)

// ordersPageSize is how many orders My orders lists at a time.
const ordersPageSize = 20

// ordersData is the My orders page.
type ordersData struct {
	Orders []orderRow
	Next   string // the URL of the next (older) page; "" on the last
	Paged  bool   // this is not the first page
}

// orderRow is one order in the list.
type orderRow struct {
	Number     string
	Status     orders.Status
	StatusText string
	Placed     time.Time
	Items      int // number of items
	TotalCents int64
	Currency   string
}

// ordersShow answers GET /orders: the customer's own orders, newest first
// (orders.Service.List scopes them to the caller), ?cursor= for older ones.
func (u *UI) ordersShow(w http.ResponseWriter, r *http.Request) error {
	c, err := api.Caller(r)
	if err != nil {
		return err
	}
	cursor := r.URL.Query().Get("cursor")
	res, err := u.Orders.List(r.Context(), c, orders.Page{Limit: ordersPageSize, Cursor: cursor})
	if err != nil {
		return ordersError(err)
	}
	d := ordersData{Orders: make([]orderRow, 0, len(res.Orders)), Paged: cursor != ""}
	for _, o := range res.Orders {
		n := 0
		for _, it := range o.Items {
			n += it.Quantity
		}
		d.Orders = append(d.Orders, orderRow{Number: o.Number, Status: o.Status, StatusText: orderStatusWords(o.Status),
			Placed: o.CreatedAt, Items: n, TotalCents: o.TotalCents, Currency: o.Currency})
	}
	if res.NextCursor != "" {
		d.Next = "/orders?cursor=" + url.QueryEscape(res.NextCursor)
	}
	p := u.newPage(r, "My orders", d)
	p.Section = "orders"
	return u.show(w, http.StatusOK, "orders", p)
}

package ui

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/conversations"
	"supportbot/internal/http/response"
	"supportbot/internal/orders"
)

// staffFuncs are the template functions of the staff console and of user
// and order administration. The pages get their words from Go (the view
// structs below), so the map stays small.
var staffFuncs = template.FuncMap{
	// shortID is how people refer to a conversation or an account: the
	// first eight hex digits of its id, enough to tell them apart on a page.
	"shortID": shortID,
}

// shortID returns the first eight characters of id.
func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// waitedText says how long someone has waited, the way people say it:
// "less than a minute", "4 min", "2 h 5 min", "3 days".
func waitedText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 24*time.Hour:
		h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
		if m == 0 {
			return strconv.Itoa(h) + " h"
		}
		return strconv.Itoa(h) + " h " + strconv.Itoa(m) + " min"
	}
	days := int(d / (24 * time.Hour))
	if days == 1 {
		return "1 day"
	}
	return strconv.Itoa(days) + " days"
}

// statusText are the conversation statuses in words.
var statusText = map[conversations.Status]string{
	conversations.StatusBot:       "With the assistant",
	conversations.StatusWaiting:   "Waiting for an agent",
	conversations.StatusWithAgent: "With an agent",
	conversations.StatusClosed:    "Closed",
}

// staffStatusTexts are the statuses in words as a list, for chat.js to
// show the status a live event reports.
var staffStatusTexts = []statusWords{
	{conversations.StatusBot, statusText[conversations.StatusBot]},
	{conversations.StatusWaiting, statusText[conversations.StatusWaiting]},
	{conversations.StatusWithAgent, statusText[conversations.StatusWithAgent]},
	{conversations.StatusClosed, statusText[conversations.StatusClosed]},
}

// orderStatusText are the order statuses in words.
var orderStatusText = map[orders.Status]string{
	orders.StatusPending:         "Pending",
	orders.StatusProcessing:      "Processing",
	orders.StatusShipped:         "Shipped",
	orders.StatusDelivered:       "Delivered",
	orders.StatusCancelled:       "Cancelled",
	orders.StatusReturnRequested: "Return requested",
	orders.StatusReturned:        "Returned",
	orders.StatusRefunded:        "Refunded",
}

// ordersError maps an error of the orders service on an admin page.
func ordersError(err error) error {
	switch {
	case errors.Is(err, orders.ErrInvalidCursor):
		return response.BadRequest("cursor", "This page link is not valid; start from the first page.", err)
	case errors.Is(err, orders.ErrInvalidNumber), errors.Is(err, orders.ErrNotFound):
		return response.NotFound(err)
	case errors.Is(err, orders.ErrForbidden):
		return response.Forbidden(err)
	case errors.Is(err, orders.ErrBusy):
		return response.Unavailable(err)
	}
	return response.Internal(err)
}

// maxScanPages bounds the pages a console view walks through a list (the
// hand-off queue, a customer's orders), so one page view costs a bounded
// number of queries however large the shop.
const maxScanPages = 10

// listConversations returns every conversation f selects for c, up to
// maxScanPages pages, and whether more were left out.
func (u *UI) listConversations(ctx context.Context, c conversations.Caller, f conversations.Filter) ([]conversations.Conversation, bool, error) {
	f.Limit = conversations.MaxPage
	var all []conversations.Conversation
	for range maxScanPages {
		list, next, err := u.Chat.List(ctx, c, f)
		if err != nil {
			return nil, false, err
		}
		all = append(all, list...)
		if next.ID == "" {
			return all, false, nil
		}
		f.Before = next
	}
	return all, true, nil
}

// staffUsers returns the enabled support staff, by id, for naming
// assignees and offering them in the assignment select.
func (u *UI) staffUsers(ctx context.Context, p auth.Principal, r *http.Request) ([]staffOption, error) {
	list, err := u.listUsers(ctx, p, r, auth.RoleSupport)
	if err != nil {
		return nil, err
	}
	out := make([]staffOption, 0, len(list))
	for _, s := range list {
		out = append(out, staffOption{ID: s.ID, Name: s.Name, Email: s.Email, Disabled: s.Disabled})
	}
	return out, nil
}

// staffOption is a support member offered as an order's assignee.
type staffOption struct {
	ID       string
	Name     string
	Email    string
	Disabled bool // kept for naming a current assignee; never offered
}

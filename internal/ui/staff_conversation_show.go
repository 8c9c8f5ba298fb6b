package ui

import (
	"cmp"
	"context"
	"math"
	"net/http"
	"time"

	"supportbot/internal/api"
	"supportbot/internal/auth"
	"supportbot/internal/conversations"
	"supportbot/internal/orders"
)

// staffConversationData is a conversation in the console.
type staffConversationData struct {
	ID         string
	Status     conversations.Status
	StatusText string
	CustomerID string
	AssigneeID string
	Mine       bool // the viewer holds it
	Since      time.Time
	Waited     string // how long it has waited, while in the queue

	Log         chatLog // the messages, rendered by the shared "messages" partial
	LastSeq     int64   // the last message shown, where chat.js continues
	FragmentURL string
	EventsURL   string

	CanReply   bool // the viewer holds it: the reply form
	CanClaim   bool // it waits in the queue
	CanClose   bool
	MaxChars   int
	ReplyText  string // kept after a refused reply
	ReplyLen   int    // its length as the browser counts it, for the counter
	ReplyError string
	// StatusTexts are the statuses in words, for chat.js to show the
	// status a live event reports.
	StatusTexts []statusWords

	Orders     []staffOrder // the customer's orders the viewer may see
	OrdersMore bool         // not every order was searched
}

// staffOrder is one of the customer's orders beside the conversation.
type staffOrder struct {
	Number     string
	Status     orders.Status
	StatusText string
	TotalCents int64
	Currency   string
	Carrier    string
	Tracking   string
	CreatedAt  time.Time
}

// staffConversationShow renders GET /staff/conversations/{id}: the
// conversation with live updates (the shared chat markup that chat.js
// drives), the claim, reply and close forms as the viewer's part allows,
// and beside it the customer's orders the viewer may see. A conversation
// the viewer may not read answers 404, as a missing one (the service
// decides and audits).
func (u *UI) staffConversationShow(w http.ResponseWriter, r *http.Request) error {
	return u.showConversation(w, r, http.StatusOK, r.PathValue("id"), "", "")
}

// showConversation renders the conversation page with status; replyText
// and replyError bring back a refused reply.
func (u *UI) showConversation(w http.ResponseWriter, r *http.Request, status int, id, replyText, replyError string) error {
	c, err := api.Caller(r)
	if err != nil {
		return err
	}
	// The latest page of messages: Before past any sequence number.
	conv, msgs, err := u.Chat.History(r.Context(), c, id, conversations.Page{Before: math.MaxInt64, Limit: conversations.MaxPage})
	if err != nil {
		return api.ChatError(err)
	}
	me, admin := c.Actor.UserID, c.Actor.Role == auth.RoleAdmin
	d := staffConversationData{
		ID: conv.ID, Status: conv.Status, StatusText: statusText[conv.Status], CustomerID: conv.CustomerID,
		AssigneeID: conv.AssigneeID, Mine: conv.AssigneeID == me,
		Log:         chatLog{Messages: u.chatMessages(r.Context(), c, conv, msgs)},
		LastSeq:     conv.LastSeq,
		FragmentURL: "/staff/conversations/" + conv.ID + "/messages",
		EventsURL:   "/api/v1/conversations/" + conv.ID + "/events",
		CanClaim:    conv.Status == conversations.StatusWaiting,
		MaxChars:    u.maxChars(),
		StatusTexts: staffStatusTexts,
		ReplyText:   shownDraft(replyText), ReplyError: replyError,
	}
	d.ReplyLen = jsLength(d.ReplyText)
	if n := len(msgs); n > 0 {
		d.LastSeq = msgs[n-1].Seq
	}
	d.CanReply = conv.Status == conversations.StatusWithAgent && d.Mine
	d.CanClose = conv.Status != conversations.StatusClosed && (d.CanReply || admin)
	if conv.Status == conversations.StatusWaiting {
		d.Since = cmp.Or(conv.HandoffAt, conv.LastActivityAt)
		d.Waited = waitedText(u.Clock().Sub(d.Since))
	}
	if d.Orders, d.OrdersMore, err = u.customerOrders(r.Context(), c, conv.CustomerID); err != nil {
		return ordersError(err)
	}
	p := u.newPage(r, "Conversation "+shortID(conv.ID), d, "chat.js")
	p.Section = "staff"
	return u.show(w, status, "staff_conversation", p)
}

// customerOrders returns the orders of customerID that c may see — for
// support staff the ones assigned to them, for an admin all — found by
// walking c's own order list (the orders service scopes it), at most
// maxScanPages pages; more is true when the walk stopped early.
func (u *UI) customerOrders(ctx context.Context, c conversations.Caller, customerID string) ([]staffOrder, bool, error) {
	var out []staffOrder
	cursor := ""
	for range maxScanPages {
		res, err := u.Orders.List(ctx, c, orders.Page{Limit: orders.MaxPageLimit, Cursor: cursor})
		if err != nil {
			return nil, false, err
		}
		for _, o := range res.Orders {
			if o.CustomerID != customerID {
				continue
			}
			out = append(out, staffOrder{Number: o.Number, Status: o.Status, StatusText: orderStatusWords(o.Status),
				TotalCents: o.TotalCents, Currency: o.Currency, Carrier: o.Carrier, Tracking: o.TrackingNumber, CreatedAt: o.CreatedAt})
		}
		if res.NextCursor == "" {
			return out, false, nil
		}
		cursor = res.NextCursor
	}
	return out, true, nil
}

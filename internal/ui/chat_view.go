package ui

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/bot"
	"supportbot/internal/conversations"
	"supportbot/internal/http/response"
	"supportbot/internal/orders"
)

// The chat's messages as pages show them: the customer's chat and the
// staff console render the same "messages" partial
// (templates/_messages.html) from the view built here, and static/chat.js
// drives both pages from the partial's markup.

// chatLog is the data of the "messages" partial: the <li class="msg">
// items of a conversation, for a whole page or for the fragment chat.js
// fetches.
type chatLog struct {
	Messages []chatMessage
	// PostURL is where the quick replies and the confirmation buttons of
	// the last message post their text (the customer's
	// /chat/{id}/messages). Empty shows neither: staff read the
	// suggestions the customer was offered but cannot answer for them.
	PostURL string
}

// chatMessage is one message as the pages show it. Text is plain text,
// escaped by html/template on output.
type chatMessage struct {
	Seq        int64
	Sender     conversations.Sender
	Who        string // the sender in words, from the viewer's side: "You", "Assistant", …
	Text       string
	At         time.Time
	Redactions int  // card numbers, codes and dates removed before storage
	Handoff    bool // the bot passed the conversation to a person
	Card       *orderCard
	// QuickReplies are the bot's suggestions, offered on the
	// conversation's last message only while the bot answers.
	QuickReplies []string
	// Confirm is set on the last message while the bot waits for a yes or
	// no before cancelling or returning an order.
	Confirm *confirmView
}

// confirmView labels the two buttons of a pending confirmation. They send
// "yes" and "no", which the bot understands whatever the labels say.
type confirmView struct {
	Yes, No string
}

// orderCard is the order a message is about. Known is false when the
// viewer may not read the order (or it is gone): the card then shows just
// the number the message names.
type orderCard struct {
	Number            string
	Known             bool
	Status            orders.Status
	StatusText        string
	Items             []orders.Item
	TotalCents        int64
	Currency          string
	Carrier           string
	Tracking          string
	EstimatedDelivery time.Time
}

// chatMessages builds the view of msgs, messages of conv, for caller c:
// each order a message names becomes an order card showing the order as it
// is now, and only to someone who may read it (orderCards); the last
// message carries the quick replies or the confirmation buttons the
// customer may answer with.
//
// The customer's chat (chat_show.go) and the staff console both call it
// and render the result with the "messages" partial in a chatLog.
func (u *UI) chatMessages(ctx context.Context, c conversations.Caller, conv conversations.Conversation, msgs []conversations.Message) []chatMessage {
	var numbers []string
	for _, m := range msgs {
		if n := m.Meta.OrderID; n != "" && m.Sender != conversations.SenderCustomer && !slices.Contains(numbers, n) {
			numbers = append(numbers, n)
		}
	}
	cards := u.orderCards(ctx, c, numbers)
	out := make([]chatMessage, 0, len(msgs))
	for _, m := range msgs {
		v := chatMessage{
			Seq: m.Seq, Sender: m.Sender, Who: senderText(c, m), Text: m.Text, At: m.CreatedAt,
			Redactions: m.Redactions, Handoff: m.Meta.Handoff,
		}
		if n := m.Meta.OrderID; n != "" && m.Sender != conversations.SenderCustomer {
			v.Card = cards[n]
		}
		if m.Seq == conv.LastSeq && m.Sender == conversations.SenderBot && conv.Status == conversations.StatusBot {
			if conv.State.Confirm != "" {
				v.Confirm = confirmFor(conv.State.Confirm, m.Meta.Suggestions)
			} else {
				v.QuickReplies = m.Meta.Suggestions
			}
		}
		out = append(out, v)
	}
	return out
}

// senderText names who wrote m as the viewer c sees it.
func senderText(c conversations.Caller, m conversations.Message) string {
	mine := m.AuthorID != "" && m.AuthorID == c.Actor.UserID
	switch m.Sender {
	case conversations.SenderCustomer:
		if mine {
			return "You"
		}
		return "Customer"
	case conversations.SenderBot:
		return "Assistant"
	case conversations.SenderAgent:
		if mine {
			return "You"
		}
		if c.Actor.Role == auth.RoleCustomer {
			return "Support team"
		}
		return "Agent"
	}
	return "Notice"
}

// confirmFor labels the confirmation of intent with the bot's own quick
// replies ("Yes, cancel it", "No, keep it") when it offered two.
func confirmFor(intent bot.Intent, suggestions []string) *confirmView {
	v := &confirmView{Yes: "Yes", No: "No"}
	if len(suggestions) == 2 {
		v.Yes, v.No = suggestions[0], suggestions[1]
	} else if intent == bot.IntentCancelOrder {
		v.Yes = "Yes, cancel it"
	}
	return v
}

// orderCards returns a card for each order number, by number. A card shows
// the order only when the viewer may read it; otherwise just the number.
//
// Customers and support staff get their cards from the orders they may
// list (their own, the ones assigned to them), not by asking for each
// number: a chat holds the bot's "I couldn't find order X" answers too, and
// asking for X again at every page view would record a fresh access.denied
// each time the customer reloads. Admins read every order, so asking never
// fails for them.
func (u *UI) orderCards(ctx context.Context, c conversations.Caller, numbers []string) map[string]*orderCard {
	cards := make(map[string]*orderCard, len(numbers))
	for _, n := range numbers {
		cards[n] = &orderCard{Number: n}
	}
	if len(numbers) == 0 {
		return cards
	}
	if c.Actor.Role == auth.RoleAdmin {
		for _, n := range numbers {
			o, err := u.Orders.GetFor(ctx, c, auth.ActionOrderRead, n)
			if err == nil {
				fillCard(cards[n], o)
			} else if !errors.Is(err, orders.ErrNotFound) && !errors.Is(err, orders.ErrInvalidNumber) {
				u.cardFailed(ctx, c, err)
			}
		}
		return cards
	}
	missing := len(numbers)
	page := orders.Page{Limit: orders.MaxPageLimit}
	for range maxScanPages {
		res, err := u.Orders.List(ctx, c, page)
		if err != nil {
			u.cardFailed(ctx, c, err)
			break
		}
		for _, o := range res.Orders {
			if card, ok := cards[o.Number]; ok && !card.Known {
				fillCard(card, o)
				missing--
			}
		}
		if missing == 0 || res.NextCursor == "" {
			break
		}
		page.Cursor = res.NextCursor
	}
	return cards
}

// fillCard shows order o on card.
func fillCard(card *orderCard, o orders.Order) {
	card.Number, card.Known = o.Number, true
	card.Status, card.StatusText = o.Status, orderStatusWords(o.Status)
	card.Items, card.TotalCents, card.Currency = o.Items, o.TotalCents, o.Currency
	card.Carrier, card.Tracking = o.Carrier, o.TrackingNumber
	card.EstimatedDelivery = o.EstimatedDelivery()
}

func (u *UI) cardFailed(ctx context.Context, c conversations.Caller, err error) {
	u.Log.LogAttrs(ctx, slog.LevelWarn, "chat: order card lookup failed",
		slog.String("event", "ui.order_card_failed"),
		slog.String("request_id", c.RequestID),
		slog.String("error", err.Error()))
}

// showMessages answers a fragment request of chat.js: the "messages"
// partial of log alone, as text/html (never cached: pages are no-store).
func (u *UI) showMessages(w http.ResponseWriter, log chatLog) error {
	body, err := u.execute("chat", "messages", log)
	if err != nil {
		return err
	}
	response.HTML(w, http.StatusOK, body)
	return nil
}

// afterParam reads ?after=SEQ of a fragment request: the last message the
// page has. Anything but a whole number from 0 is 400.
func afterParam(r *http.Request) (int64, error) {
	s := r.URL.Query().Get("after")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, response.BadRequest("after", "after must be a message number", err)
	}
	return n, nil
}

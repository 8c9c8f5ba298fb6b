package server_test

import (
	"context"
	"fmt"
	"strings"

	"supportbot/internal/auth"
	"supportbot/internal/conversations"
	"supportbot/internal/kb"
	"supportbot/internal/orders"
)

// The resource kinds of issue 4's routes for TestRouteRoleMatrix. Each
// makes a real resource in the requested relation to the caller, directly
// in its store, and returns it as auth's policy sees it (its Resource
// method), so the expected answer stays derived from the policy table. The
// state a resource is made in is the one the route's action needs, so that
// an allowed cell can be asserted as success: a claim needs a handed-off
// conversation, a cancel a pending order, a return a delivered one.

// missingID names no conversation (ids are 32 hex digits).
const missingID = "0123456789abcdef0123456789abcdef"

// missingOrder is a valid order number that no cell creates.
const missingOrder = "ORD9999999999"

// The status change the matrix asks of POST /api/v1/orders/{id}/status, and
// the status its orders are made in for it.
const (
	advanceFrom = orders.StatusPending
	advanceTo   = orders.StatusProcessing
)

var conversationKind = resourceKind{
	relations: []relation{relOwn, relOthers, relAssigned, relUnassigned, relMissing},
	make: func(c *mcase, rel relation) (string, auth.Resource) {
		me := c.actor.user.ID
		var owner, assignee string
		status := conversations.StatusBot
		switch rel {
		case relOwn:
			owner = me
		case relOthers:
			owner = c.other.ID
		case relAssigned: // claimed by the caller
			owner, status, assignee = c.other.ID, conversations.StatusWithAgent, me
		case relUnassigned: // handed off, waiting in the queue
			owner, status = c.other.ID, conversations.StatusWaiting
		}
		if owner == "" || rel == relAssigned && me == "" { // missing; anonymous owns and is assigned nothing
			return missingID, auth.Resource{}
		}
		// A claim acts on a handed-off conversation only: for it, the
		// caller's own and someone else's wait in the queue as well.
		if strings.HasSuffix(c.rt.Pattern, "/claim") && status == conversations.StatusBot {
			status = conversations.StatusWaiting
		}
		conv := c.f.conversation(owner, status, assignee)
		return conv.ID, conv.Resource()
	},
}

var orderKind = resourceKind{
	relations: []relation{relOwn, relOthers, relAssigned, relUnassigned, relMissing},
	make: func(c *mcase, rel relation) (string, auth.Resource) {
		me := c.actor.user.ID
		var customer, assignee string
		switch rel {
		case relOwn:
			customer = me
		case relOthers, relUnassigned: // someone else's, assigned to nobody
			customer = c.other.ID
		case relAssigned:
			customer, assignee = c.other.ID, me
		}
		if customer == "" || rel == relAssigned && me == "" {
			return missingOrder, auth.Resource{}
		}
		status := orders.StatusShipped
		switch {
		case strings.HasSuffix(c.rt.Pattern, "/cancel"):
			status = orders.StatusPending
		case strings.HasSuffix(c.rt.Pattern, "/returns"):
			status = orders.StatusDelivered // yesterday: inside the return window
		case strings.HasSuffix(c.rt.Pattern, "/status"):
			status = advanceFrom
		}
		o := c.f.order("", customer, assignee, status)
		return o.Number, o.Resource()
	},
}

var faqKind = resourceKind{
	relations: []relation{relExisting, relMissing},
	make: func(c *mcase, rel relation) (string, auth.Resource) {
		if rel == relMissing {
			return "no-such-entry", auth.Resource{}
		}
		id := c.f.faqID()
		if _, err := c.f.kb.Create(context.Background(), kb.Editor{UserID: c.other.ID}, kb.Entry{
			ID: id, Question: "Do you sell gift cards?", Answer: "Yes, from 10 to 200 euros.",
		}); err != nil {
			c.f.t.Fatal(err)
		}
		return id, auth.Resource{Exists: true}
	},
}

// faqID returns a knowledge-base id no earlier call returned.
func (f *idFixture) faqID() string {
	f.ipN++
	return fmt.Sprintf("matrix-entry-%d", f.ipN)
}

// faqBody is a valid knowledge-base entry; id "" leaves the id out (PUT).
func faqBody(id string) map[string]any {
	b := map[string]any{
		"question":    "Do you offer gift wrapping?",
		"paraphrases": []string{"can you gift wrap my order", "is gift wrapping available"},
		"answer":      "Yes: tick 'gift wrap' at checkout; it is free.",
		"tags":        []string{"gifts"},
	}
	if id != "" {
		b["id"] = id
	}
	return b
}

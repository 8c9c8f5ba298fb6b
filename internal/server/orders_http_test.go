package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"supportbot/internal/auth"
	"supportbot/internal/orders"
	"supportbot/internal/users"
)

// TestOthersOrderAnswersLikeAMissingOne: another customer's order number
// gets exactly the answer a number nobody has gets, in chat and over the
// orders API, and the attempt is audited (DESIGN.md invariant 2).
func TestOthersOrderAnswersLikeAMissingOne(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice, asAlice := f.signedIn(users.RoleCustomer, "alice@example.com")
	bob := f.account(users.RoleCustomer, "bob@example.com")
	_, asAgent := f.signedIn(users.RoleSupport, "sam@example.com")
	f.order("ORD001", alice.ID, "", orders.StatusShipped)
	// Bob's orders are in the states that would let each request succeed
	// if ownership were not checked.
	pending := f.order("ORD010", bob.ID, "", orders.StatusPending)
	delivered := f.order("ORD011", bob.ID, "", orders.StatusDelivered)
	const missing = "ORD999"

	deniedFor := func(number string) int {
		n := 0
		for _, e := range f.audit.Events() {
			if e.Type == auth.EventAccessDenied && e.Actor == alice.ID && e.Target == "order:"+number {
				n++
			}
		}
		return n
	}

	t.Run("in chat", func(t *testing.T) {
		for _, tt := range []struct {
			name, text, bobs string
		}{
			{"tracking", "Where is my order %s?", pending.Number},
			{"cancelling", "I want to cancel my order %s", pending.Number},
			{"returning", "I want to return order %s", delivered.Number},
			{"asking for a refund", "Where is the refund for order %s?", delivered.Number},
		} {
			t.Run(tt.name, func(t *testing.T) {
				before := deniedFor(tt.bobs)
				ask := func(number string) string {
					conv := f.startChat(asAlice).Conversation.ID
					tr := f.say(asAlice, conv, strings.ReplaceAll(tt.text, "%s", number))
					r := tr.Reply
					if r == nil {
						t.Fatalf("no reply about %s", number)
					}
					id := "<nil>"
					if r.Entities.OrderID != nil {
						id = *r.Entities.OrderID
					}
					// The reply as the customer sees it, the number
					// replaced by a placeholder.
					return strings.ReplaceAll(r.Text+" | "+r.Intent+" | "+id+" | "+strings.Join(r.Suggestions, ", ")+" | "+tr.Conversation.Status, number, "ORD#")
				}
				others, nobodys := ask(tt.bobs), ask(missing)
				if others != nobodys {
					t.Errorf("another customer's order:\n  %s\na missing one:\n  %s", others, nobodys)
				}
				if !strings.Contains(nobodys, "couldn't find order ORD#") {
					t.Errorf("a missing order's reply %q is not the not-found answer", nobodys)
				}
				if deniedFor(tt.bobs) == before {
					t.Errorf("looking up %s in chat was not audited as access.denied", tt.bobs)
				}
			})
		}
	})

	t.Run("over the orders API", func(t *testing.T) {
		for _, tt := range []struct {
			name         string
			method, path string // %s: the order number
			body         any
			bobs         string
		}{
			{"reading", "GET", "/api/v1/orders/%s", nil, pending.Number},
			{"cancelling", "POST", "/api/v1/orders/%s/cancel", map[string]string{"reason": "not mine anyway"}, pending.Number},
			{"cancelling without a reason", "POST", "/api/v1/orders/%s/cancel", nil, pending.Number},
			{"returning", "POST", "/api/v1/orders/%s/returns", map[string]string{"reason": "too small"}, delivered.Number},
		} {
			for _, who := range []struct {
				name string
				as   reqOpt
			}{{"by a customer", asAlice}, {"by an agent it is not assigned to", asAgent}} {
				t.Run(tt.name+" "+who.name, func(t *testing.T) {
					before := len(f.events(auth.EventAccessDenied))
					others := f.call(tt.method, strings.ReplaceAll(tt.path, "%s", tt.bobs), tt.body, who.as).want(t, http.StatusNotFound)
					nobodys := f.call(tt.method, strings.ReplaceAll(tt.path, "%s", missing), tt.body, who.as).want(t, http.StatusNotFound)
					if a, b := stripID(t, others.Body), stripID(t, nobodys.Body); a != b {
						t.Errorf("another customer's order answers %s, a missing one %s", a, b)
					}
					if strings.Contains(others.Body, tt.bobs) {
						t.Errorf("the answer names the order: %s", others.Body)
					}
					if n := len(f.events(auth.EventAccessDenied)) - before; n < 2 {
						t.Errorf("%d access.denied events for two attempts", n)
					}
				})
			}
		}
	})

	t.Run("bob's orders are untouched", func(t *testing.T) {
		for _, o := range []orders.Order{pending, delivered} {
			now, err := f.orders.Get(context.Background(), orders.Caller{Actor: auth.Actor{UserID: bob.ID, Role: auth.RoleCustomer}}, o.Number)
			if err != nil {
				t.Fatal(err)
			}
			if now.Status != o.Status || now.Version != o.Version {
				t.Errorf("%s: %s v%d → %s v%d", o.Number, o.Status, o.Version, now.Status, now.Version)
			}
		}
	})
	t.Run("the customer's own order is found", func(t *testing.T) {
		got := decodeAs[orderJSON](t, f.call("GET", "/api/v1/orders/ORD001", nil, asAlice).want(t, 200))
		if got.Number != "ORD001" || got.CustomerID != alice.ID || got.Status != "shipped" {
			t.Errorf("GET ORD001 = %+v", got)
		}
	})
}

// TestCardFieldsAreRefused: a JSON body naming a payment card field is
// refused with 400 naming the field and PCI-DSS, on any route, before the
// route does anything with it (issue 4; invariant 6).
func TestCardFieldsAreRefused(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice, asAlice := f.signedIn(users.RoleCustomer, "alice@example.com")
	conv := f.startChat(asAlice).Conversation.ID
	order := f.order("ORD003", alice.ID, "", orders.StatusPending)
	const pan = "4111111111111111"

	tests := []struct {
		name, method, path string
		body               string
		as                 []reqOpt
		field              string
	}{
		{"login with a card number", "POST", "/api/v1/auth/login",
			`{"email":"` + alice.Email + `","password":"` + testPassword + `","card_number":"` + pan + `"}`, nil, "/card_number"},
		{"chat message with a CVV", "POST", "/api/v1/conversations/" + conv + "/messages",
			`{"text":"here is my code","cvv":"123"}`, []reqOpt{asAlice}, "/cvv"},
		{"chat message with a card nested in another member", "POST", "/api/v1/conversations/" + conv + "/messages",
			`{"text":"pay with this","payment":{"cardNumber":"` + pan + `"}}`, []reqOpt{asAlice}, "/payment/cardNumber"},
		{"order cancel with an expiry month", "POST", "/api/v1/orders/" + order.Number + "/cancel",
			`{"reason":"refund to my card","exp_month":"12"}`, []reqOpt{asAlice}, "/exp_month"},
		{"order return with a card in other spelling", "POST", "/api/v1/orders/" + order.Number + "/returns",
			`{"Card-Number":"` + pan + `"}`, []reqOpt{asAlice}, "/Card-Number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seq := f.lastSeq(asAlice, conv)
			res := f.call(tt.method, tt.path, tt.body, tt.as...).want(t, http.StatusBadRequest)
			e := decodeError(t, res.Body)
			if e.Error.Field != tt.field || !strings.Contains(e.Error.Message, "PCI-DSS") {
				t.Errorf("error = %+v, want field %s and a message naming PCI-DSS", e.Error, tt.field)
			}
			if strings.Contains(res.Body, pan) || strings.Contains(f.log.String(), pan) {
				t.Error("the card number was echoed or logged")
			}
			if f.lastSeq(asAlice, conv) != seq {
				t.Error("the message was stored")
			}
		})
	}
	t.Run("the order was not cancelled", func(t *testing.T) {
		if got := decodeAs[orderJSON](t, f.call("GET", "/api/v1/orders/"+order.Number, nil, asAlice).want(t, 200)); got.Status != "pending" {
			t.Errorf("order is %s", got.Status)
		}
	})
	t.Run("no session was issued", func(t *testing.T) {
		if n := len(f.events(auth.EventLoginSucceeded)); n != 1 { // the one of signedIn
			t.Errorf("%d successful logins, want 1", n)
		}
	})
}

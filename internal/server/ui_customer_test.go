package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"supportbot/internal/auth"
	"supportbot/internal/conversations"
	"supportbot/internal/orders"
	"supportbot/internal/payment/card"
	"supportbot/internal/users"
)

// The customer's chat and My orders pages of issue 5, through the real
// router with the real bot, dialogue, orders and conversations on SQLite:
// form posts as a browser sends them (URL-encoded, same-origin, the
// session in the HttpOnly cookies), each page checked under the strict-CSP
// rules.

var chatPath = regexp.MustCompile(`^/chat/([0-9a-f]+)(\?|$)`)

// custStartChat opens a conversation with the start screen's button and
// returns its id.
func (f *idFixture) custStartChat(as reqOpt) string {
	f.t.Helper()
	loc := f.call("POST", "/chat", nil, as, withHeader("Sec-Fetch-Site", "same-origin")).seeOther(f.t)
	m := chatPath.FindStringSubmatch(loc)
	if m == nil || !strings.Contains(loc, "notice=conversation_open") {
		f.t.Fatalf("new conversation went to %q", loc)
	}
	return m[1]
}

// custSay sends text with the chat's form and returns the conversation
// page the browser is sent back to.
func (f *idFixture) custSay(as reqOpt, conv, text string) string {
	f.t.Helper()
	loc := f.postForm("/chat/"+conv+"/messages", url.Values{"text": {text}}, as).seeOther(f.t)
	if loc != "/chat/"+conv {
		f.t.Fatalf("after a message: Location %q", loc)
	}
	return f.page(f.t, loc, as).want(f.t, http.StatusOK).Body
}

var (
	msgItem   = regexp.MustCompile(`<li class="msg[^"]*" data-seq="(\d+)" data-sender="([a-z]+)">`)
	orderCard = regexp.MustCompile(`<div class="order-card" data-order="([A-Z0-9-]+)"(?: data-status="([a-z_]+)")?>`)
)

// lastSeq is the data-seq of the page's last message.
func lastSeq(t *testing.T, html string) int {
	t.Helper()
	all := msgItem.FindAllStringSubmatch(html, -1)
	if len(all) == 0 {
		t.Fatalf("no messages on the page")
	}
	n, _ := strconv.Atoi(all[len(all)-1][1])
	return n
}

// cards returns the order cards in page order as "NUMBER status".
func cards(html string) []string {
	var out []string
	for _, m := range orderCard.FindAllStringSubmatch(html, -1) {
		out = append(out, strings.TrimSpace(m[1]+" "+m[2]))
	}
	return out
}

func TestCustomerChatThroughTheForms(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	bob := f.account(users.RoleCustomer, "bob@example.com")
	f.order("ORD001", alice.ID, "", orders.StatusShipped)
	f.order("ORD003", alice.ID, "", orders.StatusPending)
	f.order("ORD010", bob.ID, "", orders.StatusShipped)
	as := f.browser(alice)

	var conv string
	t.Run("the chat starts from the start screen", func(t *testing.T) {
		start := f.page(t, "/chat", as).want(t, http.StatusOK).Body
		wantParts(t, start, `id="chat-new"`, `action="/chat"`, `id="card-notice"`, `<a href="/chat" aria-current="page">`)
		conv = f.custStartChat(as)
		if loc := f.call("GET", "/chat", nil, as).seeOther(t); loc != "/chat/"+conv {
			t.Errorf("GET /chat with an open conversation went to %q", loc)
		}
		page := f.page(t, "/chat/"+conv+"?notice=conversation_open", as).want(t, http.StatusOK).Body
		wantParts(t, page,
			`<section id="chat"`, `data-conversation="`+conv+`"`, `data-fragment-url="/chat/`+conv+`/messages"`,
			`data-events-url="/api/v1/conversations/`+conv+`/events"`, `<ol id="chat-log"`, `aria-live="polite"`,
			`id="card-notice"`, `Never type card numbers`, `maxlength="2000"`, `>0 / 2000<`, `id="chat-send"`,
			`<li class="msg msg-bot" data-seq="1" data-sender="bot">`, `class="quick-replies"`,
			`<button type="submit" name="text" value="Track my order">`, `A new conversation is open.`,
			`<script type="module" src="/static/chat.`,
		)
	})

	t.Run("track my order asks which, the number answers with a card", func(t *testing.T) {
		page := f.custSay(as, conv, "track my order")
		if !strings.Contains(page, "Which order number") {
			t.Fatalf("no question:\n%s", page)
		}
		if !strings.Contains(page, `value="ORD001"`) || strings.Contains(page, "ORD010") {
			t.Error("quick replies do not offer her orders only")
		}
		if n := strings.Count(page, `class="quick-replies"`); n != 1 {
			t.Errorf("%d sets of quick replies, want only the last message's", n)
		}
		page = f.custSay(as, conv, "ORD001")
		if got := cards(page); len(got) != 1 || got[0] != "ORD001 shipped" {
			t.Fatalf("cards = %v, want [ORD001 shipped]", got)
		}
		wantParts(t, page, `<span class="order-status">Shipped</span>`, "PostNL", "3SNWG0123456789", "2 × Stoneware mug", "Total €29.00")
	})

	t.Run("a cancel is confirmed with buttons and the card changes", func(t *testing.T) {
		page := f.custSay(as, conv, "I want to cancel my order ORD003")
		if !strings.Contains(page, `class="confirm-actions"`) ||
			!strings.Contains(page, `<button type="submit" name="text" value="yes" class="button">Yes, cancel it</button>`) ||
			!strings.Contains(page, `value="no"`) {
			t.Fatalf("no confirmation buttons:\n%s", page)
		}
		if got := cards(page); got[len(got)-1] != "ORD003 pending" {
			t.Errorf("cards = %v, want ORD003 pending last", got)
		}
		page = f.custSay(as, conv, "yes")
		if !strings.Contains(page, "order ORD003 is cancelled") {
			t.Fatalf("not cancelled:\n%s", page)
		}
		// Every card of the order shows it as it is now.
		got := cards(page)
		if got[len(got)-1] != "ORD003 cancelled" || got[len(got)-2] != "ORD003 cancelled" {
			t.Errorf("cards = %v, want both ORD003 cards cancelled", got)
		}
		if strings.Contains(page, `class="confirm-actions"`) {
			t.Error("confirmation buttons still offered")
		}
		o, err := f.orders.Get(context.Background(), orders.Caller{Actor: auth.Actor{UserID: alice.ID, Role: auth.RoleCustomer}}, "ORD003")
		if err != nil || o.Status != orders.StatusCancelled {
			t.Errorf("order = %v, %v", o.Status, err)
		}
	})

	t.Run("the fragment is the new list items only", func(t *testing.T) {
		page := f.page(t, "/chat/"+conv, as).want(t, http.StatusOK).Body
		last := lastSeq(t, page)
		res := f.call("GET", "/chat/"+conv+"/messages?after="+strconv.Itoa(last-2), nil, as).want(t, http.StatusOK)
		if ct, cc := res.Header.Get("Content-Type"), res.Header.Get("Cache-Control"); ct != "text/html; charset=utf-8" || cc != "no-store" {
			t.Errorf("fragment Content-Type %q, Cache-Control %q", ct, cc)
		}
		body := strings.TrimSpace(res.Body)
		if !strings.HasPrefix(body, `<li class="msg`) || strings.Contains(body, "<html") || strings.Contains(body, "<main") {
			t.Fatalf("fragment is not just messages:\n%s", body)
		}
		items := msgItem.FindAllStringSubmatch(body, -1)
		if len(items) != 2 || items[0][1] != strconv.Itoa(last-1) || items[1][1] != strconv.Itoa(last) {
			t.Errorf("fragment holds %v, want seqs %d and %d", items, last-1, last)
		}
		if got := f.call("GET", "/chat/"+conv+"/messages?after="+strconv.Itoa(last), nil, as).want(t, http.StatusOK).Body; strings.TrimSpace(got) != "" {
			t.Errorf("nothing new, yet the fragment holds %q", got)
		}
		f.call("GET", "/chat/"+conv+"/messages?after=x", nil, as).want(t, http.StatusBadRequest)
	})

	t.Run("an agent's reply reaches the customer's fragment", func(t *testing.T) {
		page := f.custSay(as, conv, "I want to talk to a person")
		last := lastSeq(t, page)
		if !strings.Contains(page, "A member of our support team will join") {
			t.Error("status does not say a person will join")
		}
		_, asAgent := f.signedIn(users.RoleSupport, "agent@example.com")
		f.call("POST", "/api/v1/conversations/"+conv+"/claim", nil, asAgent).want(t, http.StatusOK)
		f.call("POST", "/api/v1/conversations/"+conv+"/replies", map[string]string{"text": "Hello, I'm Sam."}, asAgent).want(t, http.StatusCreated)
		body := f.call("GET", "/chat/"+conv+"/messages?after="+strconv.Itoa(last), nil, as).want(t, http.StatusOK).Body
		if !strings.Contains(body, `data-sender="agent"`) || !strings.Contains(body, "Hello, I&#39;m Sam.") || !strings.Contains(body, "Support team") {
			t.Errorf("fragment lacks the agent's reply:\n%s", body)
		}
		if strings.Contains(body, "quick-replies") {
			t.Error("quick replies offered while a person has the conversation")
		}
	})
}

func TestCustomerChatRemovesCardData(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	as := f.browser(alice)
	conv := f.custStartChat(as)
	page := f.custSay(as, conv, "my card is 4111 1111 1111 1111, exp 12/29, cvv 123")
	wantNone(t, page, "4111 1111", "4111111111111111", "12/29", "cvv 123")
	wantParts(t, page, card.NumberRemoved, `class="msg-redacted"`, `id="card-notice"`, "For your security I&#39;ve removed the card details")
}

func TestCustomerChatFormRules(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	as := f.browser(alice)
	conv := f.custStartChat(as)
	path := "/chat/" + conv + "/messages"
	stored := func(t *testing.T) int {
		t.Helper()
		return lastSeq(t, f.page(t, "/chat/"+conv, as).want(t, http.StatusOK).Body)
	}
	before := stored(t)

	tests := []struct {
		name   string
		res    func() result
		status int
		says   string
	}{
		{"a cross-origin post is refused", func() result {
			return f.postForm(path, url.Values{"text": {"hello"}}, as, withHeader("Sec-Fetch-Site", "cross-site"))
		}, http.StatusForbidden, ""},
		{"a foreign Origin is refused", func() result {
			return f.call("POST", path, "text=hello", as, withHeader("Content-Type", "application/x-www-form-urlencoded"), withHeader("Origin", "https://evil.example"))
		}, http.StatusForbidden, ""},
		{"JSON to a form route is refused", func() result {
			return f.call("POST", path, map[string]string{"text": "hello"}, as, withHeader("Sec-Fetch-Site", "same-origin"))
		}, http.StatusUnsupportedMediaType, ""},
		{"a repeated field is refused", func() result {
			return f.call("POST", path, "text=a&text=b", as, withHeader("Content-Type", "application/x-www-form-urlencoded"), withHeader("Sec-Fetch-Site", "same-origin"))
		}, http.StatusBadRequest, ""},
		{"an unknown field is refused", func() result {
			return f.postForm(path, url.Values{"text": {"hi"}, "sender": {"agent"}}, as)
		}, http.StatusBadRequest, ""},
		{"an empty message shows the page with the reason", func() result {
			return f.postForm(path, url.Values{"text": {"  \n "}}, as)
		}, http.StatusBadRequest, "Your message was not sent: text must not be empty."},
		{"a message over the limit shows the page with the reason and the draft", func() result {
			return f.postForm(path, url.Values{"text": {strings.Repeat("é", 2001)}}, as)
		}, http.StatusBadRequest, "Your message was not sent: text must be at most 2000 characters."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := tt.res().want(t, tt.status)
			if res.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q: a form route answers with a page", res.Header.Get("Content-Type"))
			}
			assertStrictHTML(t, res.Body)
			if tt.says != "" {
				wantParts(t, res.Body, `role="alert" data-chat-error>`+tt.says, `id="chat-form"`)
			}
			if after := stored(t); after != before {
				t.Errorf("refused message stored: last seq %d → %d", before, after)
			}
		})
	}
	t.Run("the draft is kept after a refusal", func(t *testing.T) {
		text := strings.Repeat("a", 2001)
		res := f.postForm(path, url.Values{"text": {text}}, as).want(t, http.StatusBadRequest)
		if !strings.Contains(res.Body, ">"+text+"</textarea>") || !strings.Contains(res.Body, ">2001 / 2000<") {
			t.Error("draft or its count lost")
		}
	})
	t.Run("a closed conversation refuses with a way to start another", func(t *testing.T) {
		c, err := f.convs.Get(context.Background(), conv)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.convs.Apply(context.Background(), c, conversations.Change{Status: conversations.StatusClosed}); err != nil {
			t.Fatal(err)
		}
		res := f.postForm(path, url.Values{"text": {"hello"}}, as).want(t, http.StatusBadRequest)
		assertStrictHTML(t, res.Body)
		wantParts(t, res.Body, "This conversation is closed, so your message was not sent.", `id="chat-new"`, `data-status="closed"`)
		if strings.Contains(res.Body, `id="chat-form"`) || strings.Contains(res.Body, "quick-replies") {
			t.Error("a closed conversation still offers to write")
		}
		// With no open conversation, /chat is the start screen again.
		start := f.page(t, "/chat", as).want(t, http.StatusOK).Body
		if !strings.Contains(start, `id="chat-new"`) || !strings.Contains(start, `href="/chat/`+conv+`"`) {
			t.Error("the start screen does not offer a new conversation and the old one")
		}
	})
}

func TestCustomerChatIsTheirOwn(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	bob := f.account(users.RoleCustomer, "bob@example.com")
	agent := f.account(users.RoleSupport, "agent@example.com")
	asAlice, asBob := f.browser(alice), f.browser(bob)
	bobs := f.custStartChat(asBob)
	f.custSay(asBob, bobs, "hello")
	bobLast := lastSeq(t, f.page(t, "/chat/"+bobs, asBob).want(t, http.StatusOK).Body)

	t.Run("another customer's conversation is not found", func(t *testing.T) {
		for _, path := range []string{"/chat/" + bobs, "/chat/" + bobs + "/messages?after=0", "/chat/00000000000000000000000000000000", "/chat/not-an-id"} {
			res := f.call("GET", path, nil, asAlice).want(t, http.StatusNotFound)
			assertStrictHTML(t, res.Body)
			if strings.Contains(res.Body, "hello") || strings.Contains(res.Body, "msg-text") {
				t.Errorf("%s shows a message", path)
			}
		}
		f.postForm("/chat/"+bobs+"/messages", url.Values{"text": {"hi bob"}}, asAlice).want(t, http.StatusNotFound)
		if got := lastSeq(t, f.page(t, "/chat/"+bobs, asBob).want(t, http.StatusOK).Body); got != bobLast {
			t.Errorf("alice wrote into bob's conversation: %d → %d", bobLast, got)
		}
		if len(f.events("access.denied")) == 0 {
			t.Error("the attempts were not audited")
		}
	})
	t.Run("her /chat is her own, never his", func(t *testing.T) {
		page := f.page(t, "/chat", asAlice).want(t, http.StatusOK).Body
		if strings.Contains(page, bobs) {
			t.Error("alice's start screen names bob's conversation")
		}
	})
	t.Run("staff do not use the customer chat and signed-out browsers sign in", func(t *testing.T) {
		asAgent := f.browser(agent)
		f.call("GET", "/chat", nil, asAgent).want(t, http.StatusForbidden)
		f.call("GET", "/orders", nil, asAgent).want(t, http.StatusForbidden)
		for _, path := range []string{"/chat", "/chat/" + bobs, "/orders", "/account"} {
			if loc := f.call("GET", path, nil).seeOther(t); loc != "/login?next="+url.QueryEscape(path) {
				t.Errorf("signed-out GET %s went to %q", path, loc)
			}
		}
	})
}

func TestCustomerOrdersPage(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	bob := f.account(users.RoleCustomer, "bob@example.com")
	f.order("ORD001", alice.ID, "", orders.StatusShipped)
	f.order("ORD003", alice.ID, "", orders.StatusCancelled)
	f.order("ORD010", bob.ID, "", orders.StatusShipped)
	as := f.browser(alice)

	page := f.page(t, "/orders", as).want(t, http.StatusOK).Body
	rows := regexp.MustCompile(`<tr data-order="([A-Z0-9]+)">`).FindAllStringSubmatch(page, -1)
	if len(rows) != 2 {
		t.Fatalf("rows = %v, want alice's two orders", rows)
	}
	wantParts(t, page, `<table id="orders-table"`, `<div class="table-wrap">`, `data-status="cancelled">Cancelled</span>`,
		`data-status="shipped">Shipped</span>`, "€29.00", `<a href="/orders" aria-current="page">`)
	if strings.Contains(page, "ORD010") {
		t.Error("alice sees bob's order")
	}
	f.call("GET", "/orders?cursor=forged", nil, as).want(t, http.StatusBadRequest)

	t.Run("no orders", func(t *testing.T) {
		carol := f.account(users.RoleCustomer, "carol@example.com")
		if page := f.page(t, "/orders", f.browser(carol)).want(t, http.StatusOK).Body; !strings.Contains(page, "You have no orders yet.") {
			t.Error("no empty state")
		}
	})
}

// Asking the bot about someone else's order is audited once, when it is
// asked; reading the chat again later records nothing more, while the
// customer's own order card still shows its status.
func TestReloadingTheChatAddsNoAccessDenials(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	bob := f.account(users.RoleCustomer, "bob@example.com")
	f.order("ORD7001", alice.ID, "", orders.StatusShipped)
	f.order("ORD7002", bob.ID, "", orders.StatusShipped)
	as := f.browser(alice)
	conv := f.custStartChat(as)
	f.custSay(as, conv, "where is ORD7002")
	f.custSay(as, conv, "where is ORD7001")
	asked := len(f.events("access.denied"))
	if asked == 0 {
		t.Fatal("asking about another customer's order was not audited")
	}
	for range 3 {
		page := f.page(t, "/chat/"+conv, as).want(t, http.StatusOK).Body
		if !strings.Contains(page, `data-order="ORD7001"`) || !strings.Contains(page, `data-status="shipped"`) {
			t.Fatalf("her own order's card is missing or has no status:\n%s", page)
		}
		if strings.Contains(page, `data-order="ORD7002" data-status`) {
			t.Error("the card of bob's order shows its status")
		}
	}
	if got := len(f.events("access.denied")); got != asked {
		t.Errorf("reloading the chat recorded %d more access.denied events", got-asked)
	}
}

// An admin may read a customer's chat, but only the customer writes to the
// bot: the page shows no typing box, quick replies or confirmation buttons
// (which would answer 404), and points to the staff console.
func TestAdminReadsACustomersChatReadOnly(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	admin := f.account(users.RoleAdmin, "admin@example.com")
	asAlice := f.browser(alice)
	conv := f.custStartChat(asAlice)
	f.custSay(asAlice, conv, "track my order")
	if page := f.page(t, "/chat/"+conv, asAlice).want(t, http.StatusOK).Body; !strings.Contains(page, `id="chat-form"`) {
		t.Fatal("the customer has no typing box")
	}
	asAdmin := f.browser(admin)
	page := f.page(t, "/chat/"+conv, asAdmin).want(t, http.StatusOK).Body
	if !strings.Contains(page, `id="chat-read-only"`) || !strings.Contains(page, `href="/staff/conversations/`+conv+`"`) {
		t.Errorf("no read-only notice pointing to the console:\n%s", page)
	}
	// The live fragment neither: its buttons would answer 404 too. (A new
	// conversation's welcome offers quick replies to its customer.)
	fresh := f.custStartChat(asAlice)
	fragment := f.call("GET", "/chat/"+fresh+"/messages?after=0", nil, asAdmin).want(t, http.StatusOK).Body
	for _, html := range []string{page, fragment} {
		wantNone(t, html, `id="chat-form"`, `class="quick-replies"`, `class="confirm-actions"`, `data-chat-form`)
	}
	if !strings.Contains(f.call("GET", "/chat/"+fresh+"/messages?after=0", nil, asAlice).want(t, http.StatusOK).Body, `class="quick-replies"`) {
		t.Error("the customer's fragment lost its quick replies")
	}
}

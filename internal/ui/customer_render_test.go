package ui

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/bot"
	"supportbot/internal/bot/dialogue"
	"supportbot/internal/conversations"
	"supportbot/internal/orders"
)

// The customer's pages rendered with sample data: every template of the
// chat, My orders and My account, under the strict-CSP rules, with the
// element ids the browser tests use (/tmp contract, issue 5).

var customerTime = time.Date(2026, 3, 14, 9, 26, 0, 0, time.UTC)

// customerPage renders page name with data as a customer sees it.
func customerPage(t *testing.T, u *UI, name string, data any, scripts ...string) string {
	t.Helper()
	r := httptest.NewRequest("GET", "/", nil)
	p := u.newPage(r, "Test", data, scripts...)
	p.Viewer = &Viewer{UserID: "u1", Role: auth.RoleCustomer, ExpiresAt: customerTime.Add(15 * time.Minute)}
	body, err := u.render(name, p)
	if err != nil {
		t.Fatal(err)
	}
	html := string(body)
	checkStrict(t, html)
	if !strings.Contains(html, `<html lang="en">`) {
		t.Error("no lang attribute")
	}
	return html
}

// sampleLog is a conversation's messages with every kind of part.
func sampleLog() chatLog {
	shipped := &orderCard{Number: "ORD001", Known: true, Status: orders.StatusShipped, StatusText: "Shipped",
		Items: []orders.Item{{Name: "Stoneware <mug>", Quantity: 2, PriceCents: 1450}}, TotalCents: 2900, Currency: "EUR",
		Carrier: "PostNL", Tracking: "3SNWG0123456789", EstimatedDelivery: customerTime.Add(48 * time.Hour)}
	return chatLog{
		PostURL: "/chat/c1/messages",
		Messages: []chatMessage{
			{Seq: 1, Sender: conversations.SenderBot, Who: "Assistant", Text: conversations.Welcome, At: customerTime},
			{Seq: 2, Sender: conversations.SenderCustomer, Who: "You", Text: "my card is [card number removed] <b>", At: customerTime, Redactions: 1},
			{Seq: 3, Sender: conversations.SenderBot, Who: "Assistant", Text: "Order ORD001 is on its way.\nWith PostNL.", At: customerTime, Card: shipped},
			{Seq: 4, Sender: conversations.SenderBot, Who: "Assistant", Text: "I couldn't find order ORD999.", At: customerTime, Card: &orderCard{Number: "ORD999"}},
			{Seq: 5, Sender: conversations.SenderAgent, Who: "Support team", Text: "Hello, I'm Sam.", At: customerTime},
			{Seq: 6, Sender: conversations.SenderBot, Who: "Assistant", Text: "Just to confirm: shall I cancel order ORD001?", At: customerTime,
				Card: shipped, Confirm: &confirmView{Yes: "Yes, cancel it", No: "No, keep it"}},
		},
	}
}

func TestChatPageRenders(t *testing.T) {
	u := newUI(t)
	d := conversationData{ID: "c1", Status: conversations.StatusBot, StatusText: "With the assistant", StatusTexts: customerStatusText,
		LastSeq: 6, Log: sampleLog(), MaxChars: 2000, Draft: "half <typed>", DraftLen: 12, Error: "Your message was not sent: too long."}
	html := customerPage(t, u, "chat", d, "chat.js")
	wantAll(t, html,
		`<section id="chat"`, `data-conversation="c1"`, `data-status="bot"`, `data-fragment-url="/chat/c1/messages"`,
		`data-events-url="/api/v1/conversations/c1/events"`, `data-last-seq="6"`,
		`<ol id="chat-log"`, `aria-live="polite"`, `id="card-notice"`,
		`<li class="msg msg-bot" data-seq="1" data-sender="bot">`, `<p class="msg-text">`+strings.ReplaceAll(conversations.Welcome, "'", "&#39;"),
		`data-sender="customer"`, `my card is [card number removed] &lt;b&gt;`, `class="msg-redacted"`,
		`<div class="order-card" data-order="ORD001" data-status="shipped">`, `<span class="order-status">Shipped</span>`,
		`2 × Stoneware &lt;mug&gt;`, `Total €29.00`, `3SNWG0123456789`,
		`<div class="order-card" data-order="ORD999">`,
		`data-sender="agent"`, `Support team`,
		`<form method="post" action="/chat/c1/messages" class="confirm-actions" data-chat-form`,
		`<button type="submit" name="text" value="yes" class="button">Yes, cancel it</button>`,
		`<button type="submit" name="text" value="no" class="button secondary">No, keep it</button>`,
		`<form id="chat-form" class="chat-form" method="post" action="/chat/c1/messages" data-chat-form>`,
		`<textarea id="chat-text" name="text" rows="3" maxlength="2000"`, `>half &lt;typed&gt;</textarea>`,
		`<span id="chat-counter" class="chat-counter" data-chat-counter>12 / 2000</span>`, `id="chat-send"`,
		`<p id="chat-error" class="form-error" role="alert" data-chat-error>Your message was not sent: too long.</p>`,
		`<script type="module" src="/static/chat.`,
	)
	if strings.Contains(html, `data-order="ORD999" data-status`) || strings.Count(html, `class="order-status"`) != 2 {
		t.Error("a card the viewer may not read shows a status")
	}
	if !strings.Contains(html, `<div class="chat-closed" data-closed-notice hidden>`) {
		t.Error("an open conversation shows the closed notice, or has none for chat.js to show")
	}
}

func TestChatPageOfAClosedConversation(t *testing.T) {
	u := newUI(t)
	log := sampleLog()
	log.PostURL = ""
	d := conversationData{ID: "c1", Status: conversations.StatusClosed, Closed: true, LastSeq: 6, Log: log, MaxChars: 2000}
	html := customerPage(t, u, "chat", d, "chat.js")
	wantAll(t, html, `<div class="chat-closed" data-closed-notice>`, `id="chat-new"`, `action="/chat"`, `data-status="closed"`, `<p id="chat-error" class="form-error" role="alert" data-chat-error hidden>`)
	for _, gone := range []string{`id="chat-form"`, `class="confirm-actions"`, `class="quick-replies"`} {
		if strings.Contains(html, gone) {
			t.Errorf("closed conversation shows %s", gone)
		}
	}
}

func TestMessagesFragmentIsListItemsOnly(t *testing.T) {
	u := newUI(t)
	log := sampleLog()
	log.Messages[5].Confirm = nil
	log.Messages[5].QuickReplies = []string{"Track my order", `Say "hi" & <go>`}
	body, err := u.execute("chat", "messages", log)
	if err != nil {
		t.Fatal(err)
	}
	html := strings.TrimSpace(string(body))
	if !strings.HasPrefix(html, `<li class="msg`) || !strings.HasSuffix(html, "</li>") || strings.Contains(html, "<html") {
		t.Errorf("fragment is not just list items:\n%s", html)
	}
	if n := strings.Count(html, `<li class="msg `); n != 6 {
		t.Errorf("%d messages, want 6", n)
	}
	wantAll(t, html, `<form method="post" action="/chat/c1/messages" class="quick-replies" data-chat-form`,
		`<button type="submit" name="text" value="Track my order">Track my order</button>`,
		`value="Say &#34;hi&#34; &amp; &lt;go&gt;">Say &#34;hi&#34; &amp; &lt;go&gt;</button>`)

	t.Run("staff see no buttons to answer for the customer", func(t *testing.T) {
		log.PostURL = ""
		body, err := u.execute("chat", "messages", log)
		if err != nil {
			t.Fatal(err)
		}
		if s := string(body); strings.Contains(s, "<form") || strings.Contains(s, "<button") {
			t.Errorf("fragment without PostURL has forms:\n%s", s)
		}
	})
	t.Run("no messages is an empty fragment", func(t *testing.T) {
		body, err := u.execute("chat", "messages", chatLog{PostURL: "/chat/c1/messages"})
		if err != nil || strings.TrimSpace(string(body)) != "" {
			t.Errorf("empty fragment = %q, %v", body, err)
		}
	})
}

func TestChatStartPageRenders(t *testing.T) {
	u := newUI(t)
	html := customerPage(t, u, "chat_start", chatStartData{Earlier: []earlierChat{{ID: "c0", Started: customerTime}}})
	wantAll(t, html, `<form method="post" action="/chat"><button type="submit" id="chat-new"`, `id="card-notice"`, `href="/chat/c0"`)
}

func TestOrdersPageRenders(t *testing.T) {
	u := newUI(t)
	t.Run("orders", func(t *testing.T) {
		html := customerPage(t, u, "orders", ordersData{Next: "/orders?cursor=abc%3D", Orders: []orderRow{
			{Number: "ORD003", Status: orders.StatusCancelled, StatusText: "Cancelled", Placed: customerTime, Items: 2, TotalCents: 2900, Currency: "EUR"},
			{Number: "ORD001", Status: orders.StatusShipped, StatusText: "Shipped", Placed: customerTime, Items: 1},
		}})
		wantAll(t, html, `<div class="table-wrap">`, `<table id="orders-table"`, `<tr data-order="ORD003">`,
			`<span class="order-status" data-status="cancelled">Cancelled</span>`, `€29.00`, `14 Mar 2026`,
			`<tr data-order="ORD001">`, `href="/orders?cursor=abc%3D"`)
	})
	t.Run("none", func(t *testing.T) {
		html := customerPage(t, u, "orders", ordersData{})
		wantAll(t, html, "You have no orders yet.")
		if strings.Contains(html, "orders-table") {
			t.Error("an empty list shows a table")
		}
	})
}

func TestAccountPageRenders(t *testing.T) {
	u := newUI(t)
	sessions := []sessionRow{
		{ID: "s1", Current: true, Created: customerTime, LastUsed: customerTime, IP: "192.0.2.1", Device: "Firefox <script>"},
		{ID: "s2", Created: customerTime, LastUsed: customerTime, IP: "192.0.2.2"},
	}
	t.Run("two-factor off, with refused forms", func(t *testing.T) {
		html := customerPage(t, u, "account", accountData{Email: "a@example.com", Name: "Ann <A>", Phone: "+31 20", Sessions: sessions,
			ProfileError: "Name is too long.", PasswordError: "Please choose another new password:",
			PasswordRules: []string{"At least 12 characters.", "Not your email address."}, TwoFactorError: "The current password or code is incorrect."})
		wantAll(t, html, `id="profile-form"`, `value="Ann &lt;A&gt;"`, `id="profile-error"`,
			`id="password-form"`, `<li>At least 12 characters.</li>`, `<li>Not your email address.</li>`,
			`id="twofa-enroll-form"`, `id="twofa-password"`, `id="twofa-enroll-submit"`, `id="twofa-error"`,
			`<table id="sessions"`, `<tr data-session="s1" class="current-session">`, `(this browser)`, `Firefox &lt;script&gt;`,
			`action="/account/sessions/s2/revoke"`, `id="revoke-all"`, `action="/account/sessions/revoke-all"`)
		if strings.Contains(html, "twofa-disable-form") {
			t.Error("two-factor off offers to turn it off")
		}
		for _, gone := range []string{"Download my data", "Delete my account"} {
			if strings.Contains(html, gone) {
				t.Errorf("page offers %q before the privacy issue lands", gone)
			}
		}
	})
	t.Run("two-factor on", func(t *testing.T) {
		html := customerPage(t, u, "account", accountData{Email: "a@example.com", TwoFactor: true, Sessions: sessions})
		wantAll(t, html, `id="twofa-disable-form"`, `name="password"`, `name="code"`)
		if strings.Contains(html, "twofa-enroll-form") {
			t.Error("two-factor on offers enrolment")
		}
	})
}

func TestTwoFactorPageRenders(t *testing.T) {
	u := newUI(t)
	t.Run("enrolment", func(t *testing.T) {
		html := customerPage(t, u, "account_2fa", twoFactorData{Secret: "JBSWY3DPEHPK3PXP", QR: "data:image/png;base64,iVBORw0KGgo="})
		wantAll(t, html, `<img id="totp-qr" src="data:image/png;base64,iVBORw0KGgo="`, `<code id="totp-secret" class="secret">JBSWY3DPEHPK3PXP</code>`,
			`id="twofa-confirm-form"`, `id="twofa-code"`, `id="twofa-confirm-submit"`)
	})
	t.Run("wrong code", func(t *testing.T) {
		html := customerPage(t, u, "account_2fa", twoFactorData{Error: "The code is not valid."})
		wantAll(t, html, `role="alert"`, "The code is not valid.", `id="twofa-confirm-form"`)
		if strings.Contains(html, "totp-qr") {
			t.Error("a page without a secret shows a QR code")
		}
	})
	t.Run("recovery codes", func(t *testing.T) {
		html := customerPage(t, u, "account_2fa", twoFactorData{Codes: []string{"aaaa-bbbb", "cccc-dddd"}})
		wantAll(t, html, `<ol id="recovery-codes"`, `<li><code>aaaa-bbbb</code></li>`, `href="/account"`)
	})
}

func TestChatMessagesView(t *testing.T) {
	u := newUI(t)
	me := conversations.Caller{Actor: auth.Actor{UserID: "cust", Role: auth.RoleCustomer}}
	agent := conversations.Caller{Actor: auth.Actor{UserID: "agent", Role: auth.RoleSupport}}
	msgs := []conversations.Message{
		{Seq: 1, Sender: conversations.SenderBot, Text: "Hi", Meta: conversations.Meta{Suggestions: []string{"Track my order"}}},
		{Seq: 2, Sender: conversations.SenderCustomer, AuthorID: "cust", Text: "cancel ORD003"},
		{Seq: 3, Sender: conversations.SenderBot, Text: "Just to confirm…", Meta: conversations.Meta{Suggestions: []string{"Yes, cancel it", "No, keep it"}}},
	}
	conv := conversations.Conversation{ID: "c1", Status: conversations.StatusBot, LastSeq: 3}

	t.Run("quick replies only on the last message", func(t *testing.T) {
		v := u.chatMessages(t.Context(), me, conv, msgs)
		if v[0].QuickReplies != nil || v[2].QuickReplies == nil || v[2].Confirm != nil {
			t.Errorf("quick replies = %v / %v, confirm %v", v[0].QuickReplies, v[2].QuickReplies, v[2].Confirm)
		}
		if v[1].Who != "You" || v[0].Who != "Assistant" {
			t.Errorf("senders %q %q", v[1].Who, v[0].Who)
		}
	})
	t.Run("a pending confirmation becomes yes and no buttons", func(t *testing.T) {
		c := conv
		c.State = dialogue.State{Confirm: bot.IntentCancelOrder, OrderID: "ORD003"}
		v := u.chatMessages(t.Context(), me, c, msgs)
		if got := v[2].Confirm; got == nil || got.Yes != "Yes, cancel it" || got.No != "No, keep it" || v[2].QuickReplies != nil {
			t.Errorf("confirm = %+v, quick replies %v", got, v[2].QuickReplies)
		}
	})
	t.Run("nothing to answer once a person has the conversation", func(t *testing.T) {
		c := conv
		c.Status = conversations.StatusWithAgent
		if v := u.chatMessages(t.Context(), me, c, msgs); v[2].QuickReplies != nil || v[2].Confirm != nil {
			t.Errorf("with an agent: %+v", v[2])
		}
	})
	t.Run("staff see the customer as the customer", func(t *testing.T) {
		if v := u.chatMessages(t.Context(), agent, conv, msgs); v[1].Who != "Customer" {
			t.Errorf("who = %q", v[1].Who)
		}
	})
}

func TestCustomerFuncs(t *testing.T) {
	if got := orderStatusWords(orders.StatusReturnRequested); got != "Return requested" {
		t.Errorf("orderStatusWords = %q", got)
	}
	if got := jsLength("a😀\n"); got != 4 {
		t.Errorf("jsLength = %d, want 4 (UTF-16 units, as maxlength counts)", got)
	}
	for q, ok := range map[string]bool{"": true, "after=7": true, "after=-1": false, "after=x": false, "after=99999999999999999999": false} {
		r := httptest.NewRequest("GET", "/chat/c/messages?"+q, nil)
		if _, err := afterParam(r); (err == nil) != ok {
			t.Errorf("afterParam(%q) error = %v", q, err)
		}
	}
}

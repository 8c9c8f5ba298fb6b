package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"supportbot/internal/auth"
	"supportbot/internal/conversations"
	"supportbot/internal/orders"
	"supportbot/internal/payment/card"
	"supportbot/internal/ratelimit"
	"supportbot/internal/users"
)

// The conversations of issue 4 over real HTTP: the real router, the real
// bot trained on the embedded corpus, the real dialogue, orders and
// knowledge base on SQLite, one manual clock.

// TestChatSessionDoneWhen is issue 4's "Done when" session: a customer
// tracks, cancels and returns orders and asks a question, is handed to a
// person, and a support agent takes the conversation over.
func TestChatSessionDoneWhen(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice, asAlice := f.signedIn(users.RoleCustomer, "alice@example.com")
	bob := f.account(users.RoleCustomer, "bob@example.com")
	f.order("ORD001", alice.ID, "", orders.StatusShipped)
	f.order("ORD003", alice.ID, "", orders.StatusPending)
	f.order("ORD004", alice.ID, "", orders.StatusDelivered)
	f.order("ORD010", bob.ID, "", orders.StatusShipped)

	start := f.startChat(asAlice)
	conv := start.Conversation.ID
	if start.Conversation.Status != "bot" || start.Conversation.CustomerID != alice.ID || len(start.Messages) != 1 ||
		start.Messages[0].Sender != "bot" || start.Messages[0].Text != conversations.Welcome {
		t.Fatalf("new conversation = %+v", start)
	}

	orderStatus := func(number string) orderJSON {
		t.Helper()
		return decodeAs[orderJSON](t, f.call("GET", "/api/v1/orders/"+number, nil, asAlice).want(t, 200))
	}

	t.Run("tracking asks which order, then gives the status of the shipped one", func(t *testing.T) {
		ask := f.say(asAlice, conv, "track my order").wantReply(t, "Which order number")
		if ask.Reply.Intent != "order_status" || !slices.Contains(ask.Reply.Suggestions, "ORD001") || slices.Contains(ask.Reply.Suggestions, "ORD010") {
			t.Errorf("question = %+v: want intent order_status offering her orders only", ask.Reply)
		}
		answer := f.say(asAlice, conv, "ORD001").wantReply(t, "Order ORD001 is on its way", "PostNL", "3SNWG0123456789")
		if id := answer.Reply.Entities.OrderID; id == nil || *id != "ORD001" {
			t.Errorf("entities.order_id = %v, want ORD001", id)
		}
	})
	t.Run("a cancellation is confirmed before the order is cancelled", func(t *testing.T) {
		f.say(asAlice, conv, "I want to cancel my order ORD003").wantReply(t, "shall I cancel order ORD003", "yes or no")
		if st := orderStatus("ORD003").Status; st != "pending" {
			t.Fatalf("ORD003 is %s before the customer said yes", st)
		}
		f.say(asAlice, conv, "yes").wantReply(t, "order ORD003 is cancelled")
		if o := orderStatus("ORD003"); o.Status != "cancelled" || o.CancelledAt == nil {
			t.Fatalf("GET ORD003 = %+v, want cancelled", o)
		}
	})
	t.Run("a return of a delivered order is confirmed, then registered", func(t *testing.T) {
		f.say(asAlice, conv, "I want to return order ORD004").wantReply(t, "start a return for order ORD004", "yes or no")
		f.say(asAlice, conv, "yes").wantReply(t, "your return for order ORD004 is registered")
		if o := orderStatus("ORD004"); o.Status != "return_requested" || o.ReturnRequestedAt == nil {
			t.Fatalf("GET ORD004 = %+v, want return_requested", o)
		}
	})
	t.Run("a question is answered from the knowledge base", func(t *testing.T) {
		tr := f.say(asAlice, conv, "How long does shipping take?")
		if tr.Reply == nil || tr.Reply.FAQID == nil || *tr.Reply.FAQID == "" {
			t.Fatalf("reply = %+v, want faq_id set", tr.Reply)
		}
		entry, err := f.kb.Get(context.Background(), *tr.Reply.FAQID)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Reply.Intent != "faq" || tr.Reply.Text != entry.Answer || !slices.Contains(entry.Tags, "shipping") {
			t.Errorf("reply %+v answers with entry %+v", tr.Reply, entry)
		}
		if tr.BotMessage == nil || tr.BotMessage.FAQID != entry.ID {
			t.Errorf("stored bot message = %+v, want faq_id %s", tr.BotMessage, entry.ID)
		}
	})

	agent, asAgent := f.signedIn(users.RoleSupport, "sam@example.com")
	t.Run("asking for a person hands the conversation to the support queue", func(t *testing.T) {
		tr := f.say(asAlice, conv, "I want to talk to a person")
		if tr.Reply == nil || !tr.Reply.Handoff || tr.Conversation.Status != "waiting_for_agent" || tr.Conversation.HandoffAt == nil {
			t.Fatalf("turn = %+v, want a hand-off", tr)
		}
		list := decodeAs[conversationListJSON](t, f.call("GET", "/api/v1/conversations", nil, asAgent).want(t, 200))
		if !slices.ContainsFunc(list.Conversations, func(c conversationJSON) bool { return c.ID == conv && c.Status == "waiting_for_agent" }) {
			t.Fatalf("support's list %+v lacks the handed-off conversation", list)
		}
	})
	t.Run("the agent claims it and replies", func(t *testing.T) {
		c := decodeAs[conversationOnlyJSON](t, f.call("POST", "/api/v1/conversations/"+conv+"/claim", nil, asAgent).want(t, 200))
		if c.Conversation.Status != "with_agent" || c.Conversation.AssigneeID != agent.ID {
			t.Fatalf("claimed = %+v", c.Conversation)
		}
		f.call("POST", "/api/v1/conversations/"+conv+"/replies", map[string]string{"text": "Hi Alice, Sam here. How can I help?"}, asAgent).want(t, http.StatusCreated)
	})
	t.Run("the bot stays quiet once a person has the conversation", func(t *testing.T) {
		res := f.call("POST", "/api/v1/conversations/"+conv+"/messages", map[string]string{"text": "Thanks Sam! Where is ORD001 now?"}, asAlice).want(t, 200)
		if !strings.Contains(res.Body, `"reply":null`) {
			t.Fatalf("body %s: want \"reply\": null", res.Body)
		}
		tr := decodeAs[turnJSON](t, res)
		if tr.BotMessage != nil || tr.Conversation.Status != "with_agent" {
			t.Fatalf("turn = %+v", tr)
		}
		page := decodeAs[conversationPageJSON](t, f.call("GET", "/api/v1/conversations/"+conv, nil, asAlice).want(t, 200))
		n := len(page.Messages)
		if n < 2 || page.Messages[n-2].Sender != "agent" || page.Messages[n-2].AuthorID != agent.ID ||
			page.Messages[n-1].Sender != "customer" || page.Messages[n-1].Text != "Thanks Sam! Where is ORD001 now?" {
			t.Fatalf("history ends %+v", page.Messages[max(n-3, 0):])
		}
	})
	t.Run("the changes are audited", func(t *testing.T) {
		for _, typ := range []string{orders.EventCancelled, orders.EventReturnRequested, "conversation.claimed"} {
			if len(f.events(typ)) != 1 {
				t.Errorf("%s events = %v, want one", typ, f.events(typ))
			}
		}
	})
}

// TestChatCardDataIsNeverStored: a card typed into the chat is removed
// before it is stored, logged, audited or given to the bot (invariant 6).
func TestChatCardDataIsNeverStored(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice, asAlice := f.signedIn(users.RoleCustomer, "alice@example.com")
	conv := f.startChat(asAlice).Conversation.ID
	const typed = "my card is 4111 1111 1111 1111, exp 12/29, cvv 123"
	// Forms of the card data a leak could take.
	leaks := []string{"4111111111111111", "4111 1111", "4111-1111", "1111 1111 1111", "12/29", "cvv 123"}
	leaked := func(s string) string {
		for _, l := range leaks {
			if strings.Contains(s, l) {
				return l
			}
		}
		return ""
	}

	tr := f.say(asAlice, conv, typed)
	t.Run("the response carries the placeholders and the count", func(t *testing.T) {
		for _, p := range []string{card.NumberRemoved, card.ExpiryRemoved, card.CodeRemoved} {
			if !strings.Contains(tr.Message.Text, p) {
				t.Errorf("stored text %q lacks %q", tr.Message.Text, p)
			}
		}
		if l := leaked(tr.Message.Text); l != "" {
			t.Errorf("stored text %q holds %q", tr.Message.Text, l)
		}
		if tr.CardRemoved != 3 || tr.Message.CardRemoved != 3 {
			t.Errorf("card_data_removed = %d, message's %d; want 3", tr.CardRemoved, tr.Message.CardRemoved)
		}
	})
	t.Run("the bot warns", func(t *testing.T) {
		if !strings.HasPrefix(tr.replyText(t), conversations.CardWarning) {
			t.Errorf("reply %q does not start with the warning", tr.Reply.Text)
		}
	})
	t.Run("the history holds no card data", func(t *testing.T) {
		page := decodeAs[conversationPageJSON](t, f.call("GET", "/api/v1/conversations/"+conv, nil, asAlice).want(t, 200))
		found := false
		for _, m := range page.Messages {
			if l := leaked(m.Text); l != "" {
				t.Errorf("message %d %q holds %q", m.Seq, m.Text, l)
			}
			found = found || m.Sender == "customer" && m.CardRemoved == 3
		}
		if !found {
			t.Errorf("history %+v lacks the redacted message", page.Messages)
		}
		// The same rows decrypted by the store, not through the API's view.
		msgs, err := f.convs.Messages(context.Background(), conv, conversations.Page{})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if l := leaked(m.Text); l != "" {
				t.Errorf("stored message %d %q holds %q", m.Seq, m.Text, l)
			}
		}
	})
	t.Run("no database row holds card data", func(t *testing.T) {
		rows := f.dumpTables(t, "messages", "conversations", "audit_events")
		redacted := 0
		for table, rs := range rows {
			for _, row := range rs {
				if l := leaked(row); l != "" {
					t.Errorf("%s row holds %q: %s", table, l, row)
				}
				// Chat text is stored encrypted (invariant 4): not even
				// the redacted words are readable in the row.
				if strings.Contains(row, "my card is") || strings.Contains(row, card.NumberRemoved) {
					t.Errorf("%s row holds the message in plain text: %s", table, row)
				}
				if table == "messages" && strings.Contains(row, "redactions=3 ") {
					redacted++
				}
			}
		}
		if redacted != 1 {
			t.Errorf("%d message rows record 3 redactions, want 1: the scan did not read the message", redacted)
		}
	})
	t.Run("neither the audit trail, the log nor the bot saw it", func(t *testing.T) {
		removed := false
		for _, e := range f.audit.Events() {
			if l := leaked(fmt.Sprintf("%+v", e)); l != "" {
				t.Errorf("audit event %+v holds %q", e, l)
			}
			removed = removed || e.Type == "chat.card_data_removed" && e.Actor == alice.ID
		}
		if !removed {
			t.Error("no chat.card_data_removed event")
		}
		if l := leaked(f.log.String()); l != "" {
			t.Errorf("log holds %q", l)
		}
		seen := f.bot.understood()
		if len(seen) == 0 {
			t.Fatal("the bot was given nothing")
		}
		for _, s := range seen {
			if l := leaked(s); l != "" {
				t.Errorf("the bot was given %q, holding %q", s, l)
			}
		}
	})
}

// dumpTables returns every row of each table, all columns rendered as
// text, straight from the database.
func (f *idFixture) dumpTables(t *testing.T, tables ...string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, table := range tables {
		rows, err := f.db.SQL().QueryContext(context.Background(), "SELECT * FROM "+table) // #nosec G202 -- fixed table names
		if err != nil {
			t.Fatal(err)
		}
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%s=%v ", cols[i], v)
			}
			out[table] = append(out[table], b.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		_ = rows.Close()
	}
	return out
}

// TestChatMessageInputRules: the message limits of issue 4 ("Input"), and
// that ordinary text of any kind is welcome.
func TestChatMessageInputRules(t *testing.T) {
	f := newIdentityFixture(t, nil)
	_, asAlice := f.signedIn(users.RoleCustomer, "alice@example.com")
	conv := f.startChat(asAlice).Conversation.ID
	path := "/api/v1/conversations/" + conv + "/messages"

	rich := richText(maxMessageChars)
	if n := utf8.RuneCountInString(rich); n != maxMessageChars {
		t.Fatalf("rich text has %d characters", n)
	}
	tests := []struct {
		name   string
		body   any
		opts   []reqOpt
		status int
		field  string
	}{
		{"one character over MAX_MESSAGE_CHARS is refused", map[string]string{"text": strings.Repeat("a", maxMessageChars+1)}, nil, 400, "/text"},
		{"characters are counted, not bytes", map[string]string{"text": strings.Repeat("é", maxMessageChars+1)}, nil, 400, "/text"},
		{"an empty message is refused", map[string]string{"text": ""}, nil, 400, "/text"},
		{"a message of white space is refused", map[string]string{"text": "  \n\t  \r\n "}, nil, 400, "/text"},
		{"a message without text is refused", map[string]string{}, nil, 400, ""},
		{"a form post is the wrong content type", "text=hello", []reqOpt{withHeader("Content-Type", "application/x-www-form-urlencoded")}, 415, ""},
		{"plain text is the wrong content type", `{"text":"hello"}`, []reqOpt{withHeader("Content-Type", "text/plain")}, 415, ""},
		{"a body over the size limit is refused", `{"text":"` + strings.Repeat("a", 10<<20) + `"}`, nil, 413, ""},
		{"2000 characters of emoji, accents, apostrophes, # and SQL words are fine", map[string]string{"text": rich}, nil, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.lastSeq(asAlice, conv)
			res := f.call("POST", path, tt.body, append([]reqOpt{asAlice}, tt.opts...)...).want(t, tt.status)
			if tt.status == 200 {
				tr := decodeAs[turnJSON](t, res)
				if tr.Message.Text != rich {
					t.Errorf("stored text differs from the text sent:\n got %q\nwant %q", tr.Message.Text, rich)
				}
				if tr.Reply == nil {
					t.Error("no reply")
				}
				return
			}
			e := decodeError(t, res.Body)
			if tt.field != "" && e.Error.Field != tt.field {
				t.Errorf("field = %q, want %q; body %s", e.Error.Field, tt.field, res.Body)
			}
			if after := f.lastSeq(asAlice, conv); after != before {
				t.Errorf("a refused message was stored: last_seq %d → %d", before, after)
			}
		})
	}
	t.Run("the conversation still works after the SQL words", func(t *testing.T) {
		f.say(asAlice, conv, "hello").wantReply(t)
	})
}

// richText returns n characters of text a naive validator would refuse.
func richText(n int) string {
	const unit = "Hi! It's Zoë from Zürich — order #ORD001 🙂👍🏽 café, naïve, 日本語, Ελληνικά; 'quoted' \"double\" <b>&amp;</b> Robert'); DROP TABLE messages;-- update SET x=1 # "
	r := []rune(strings.Repeat(unit, n/utf8.RuneCountInString(unit)+1))[:n]
	r[n-1] = '!' // not white space, which would be trimmed
	return string(r)
}

// lastSeq returns the conversation's last message number.
func (f *idFixture) lastSeq(as reqOpt, conv string) int64 {
	f.t.Helper()
	return decodeAs[conversationPageJSON](f.t, f.call("GET", "/api/v1/conversations/"+conv+"?limit=1", nil, as).want(f.t, 200)).Conversation.LastSeq
}

// TestChatPerUserLimit: CHAT_RATE_LIMIT_PER_MINUTE bounds each customer's
// messages, not anyone else's, and the bucket refills with time.
func TestChatPerUserLimit(t *testing.T) {
	f := newIdentityFixture(t, func(s *idSetup) { s.chatLimit = ratelimit.PerMinute(3) })
	alice, asAlice := f.signedIn(users.RoleCustomer, "alice@example.com")
	_, asBob := f.signedIn(users.RoleCustomer, "bob@example.com")
	aliceConv := f.startChat(asAlice).Conversation.ID
	bobConv := f.startChat(asBob).Conversation.ID
	send := func(as reqOpt, conv string) result {
		return f.call("POST", "/api/v1/conversations/"+conv+"/messages", map[string]string{"text": "hello"}, as)
	}

	for i := range 3 {
		send(asAlice, aliceConv).want(t, 200)
		_ = i
	}
	seq := f.lastSeq(asAlice, aliceConv)
	t.Run("the fourth message within the minute is 429 with Retry-After", func(t *testing.T) {
		res := send(asAlice, aliceConv).want(t, http.StatusTooManyRequests)
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
			t.Errorf("Retry-After = %q, want 1 to 60 seconds", res.Header.Get("Retry-After"))
		}
		if f.lastSeq(asAlice, aliceConv) != seq {
			t.Error("the refused message was stored")
		}
		var got []string
		for _, e := range f.audit.Events() {
			if e.Type == "ratelimit.exceeded" && e.Actor == alice.ID && strings.Contains(e.Details, "chat") {
				got = append(got, e.Details)
			}
		}
		if len(got) != 1 {
			t.Errorf("ratelimit.exceeded events for alice's chat = %v, want one", got)
		}
	})
	t.Run("another customer is unaffected", func(t *testing.T) {
		send(asBob, bobConv).want(t, 200)
	})
	t.Run("reading is not limited by the chat limit", func(t *testing.T) {
		f.call("GET", "/api/v1/conversations/"+aliceConv, nil, asAlice).want(t, 200)
	})
	t.Run("a minute later the customer may write again", func(t *testing.T) {
		f.clock.Advance(time.Minute)
		send(asAlice, aliceConv).want(t, 200)
	})
}

// TestChatRoleBoundaries: who may do what in a conversation, beyond the
// matrix: the concrete refusals issue 4 names, and the race of two agents
// claiming one conversation.
func TestChatRoleBoundaries(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice, asAlice := f.signedIn(users.RoleCustomer, "alice@example.com")
	agent, asAgent := f.signedIn(users.RoleSupport, "sam@example.com")
	_, asOtherAgent := f.signedIn(users.RoleSupport, "sofia@example.com")
	botConv := f.conversation(alice.ID, conversations.StatusBot, "")
	claimed := f.conversation(alice.ID, conversations.StatusWithAgent, agent.ID)
	text := map[string]string{"text": "hello"}

	refusals := []struct {
		name         string
		method, path string
		body         any
		as           reqOpt
		status       int
		code         string
	}{
		{"support cannot post customer messages", "POST", "/api/v1/conversations/" + claimed.ID + "/messages", text, asAgent, 403, "forbidden"},
		{"a customer cannot claim", "POST", "/api/v1/conversations/" + botConv.ID + "/claim", nil, asAlice, 403, "forbidden"},
		{"a customer cannot reply as an agent", "POST", "/api/v1/conversations/" + botConv.ID + "/replies", text, asAlice, 403, "forbidden"},
		{"a customer cannot close", "POST", "/api/v1/conversations/" + botConv.ID + "/close", nil, asAlice, 403, "forbidden"},
		{"support cannot see a conversation the bot still handles", "GET", "/api/v1/conversations/" + botConv.ID, nil, asAgent, 404, "not_found"},
		{"support cannot follow its events", "GET", "/api/v1/conversations/" + botConv.ID + "/events", nil, asAgent, 404, "not_found"},
		{"support cannot reply to it", "POST", "/api/v1/conversations/" + botConv.ID + "/replies", text, asAgent, 404, "not_found"},
		{"support cannot claim it", "POST", "/api/v1/conversations/" + botConv.ID + "/claim", nil, asAgent, 404, "not_found"},
		{"support cannot read another agent's conversation", "GET", "/api/v1/conversations/" + claimed.ID, nil, asOtherAgent, 404, "not_found"},
		{"support cannot close another agent's conversation", "POST", "/api/v1/conversations/" + claimed.ID + "/close", nil, asOtherAgent, 404, "not_found"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			before := len(f.events(auth.EventAccessDenied))
			res := f.call(tt.method, tt.path, tt.body, tt.as).want(t, tt.status)
			if c := res.errorCode(t); c != tt.code {
				t.Errorf("code %q, want %q", c, tt.code)
			}
			if len(f.events(auth.EventAccessDenied)) == before {
				t.Error("refusal not audited as access.denied")
			}
		})
	}
	t.Run("nothing changed", func(t *testing.T) {
		for _, c := range []conversations.Conversation{botConv, claimed} {
			now, err := f.convs.Get(context.Background(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if now.Version != c.Version || now.Status != c.Status || now.AssigneeID != c.AssigneeID {
				t.Errorf("conversation %s changed: %+v → %+v", c.ID, c, now)
			}
		}
	})
	t.Run("a customer's list holds only their own", func(t *testing.T) {
		bob, asBob := f.signedIn(users.RoleCustomer, "bob@example.com")
		bobs := f.conversation(bob.ID, conversations.StatusBot, "")
		list := decodeAs[conversationListJSON](t, f.call("GET", "/api/v1/conversations", nil, asBob).want(t, 200))
		if len(list.Conversations) != 1 || list.Conversations[0].ID != bobs.ID {
			t.Errorf("bob's list = %+v, want his one conversation", list.Conversations)
		}
	})
	t.Run("support's list holds its own and the queue, not the bot's", func(t *testing.T) {
		queued := f.conversation(alice.ID, conversations.StatusWaiting, "")
		list := decodeAs[conversationListJSON](t, f.call("GET", "/api/v1/conversations", nil, asOtherAgent).want(t, 200))
		var ids []string
		for _, c := range list.Conversations {
			ids = append(ids, c.ID)
		}
		if !slices.Contains(ids, queued.ID) || slices.Contains(ids, botConv.ID) || slices.Contains(ids, claimed.ID) {
			t.Errorf("list = %v; want the queued %s only", ids, queued.ID)
		}
	})
	// Service.Claim and the claim handler document the loser's answer:
	// "the others get ErrNotWaiting" / "400 not_waiting".
	t.Run("a claim after another agent's answers 400 not_waiting", func(t *testing.T) {
		conv := f.conversation(alice.ID, conversations.StatusWaiting, "")
		f.call("POST", "/api/v1/conversations/"+conv.ID+"/claim", nil, asAgent).want(t, 200)
		res := f.call("POST", "/api/v1/conversations/"+conv.ID+"/claim", nil, asOtherAgent)
		if res.Status != 400 || res.errorCode(t) != "not_waiting" {
			t.Errorf("late claim answered %d %s, want 400 not_waiting", res.Status, res.Body)
		}
	})
	t.Run("of two agents claiming at once exactly one wins", func(t *testing.T) {
		for round := range 5 {
			conv := f.conversation(alice.ID, conversations.StatusWaiting, "")
			reqs := []*http.Request{
				f.request("POST", "/api/v1/conversations/"+conv.ID+"/claim", nil, asAgent),
				f.request("POST", "/api/v1/conversations/"+conv.ID+"/claim", nil, asOtherAgent),
			}
			recs := make([]*httptest.ResponseRecorder, len(reqs))
			var wg sync.WaitGroup
			ready := make(chan struct{})
			for i, r := range reqs {
				recs[i] = httptest.NewRecorder()
				wg.Go(func() {
					<-ready
					f.h.ServeHTTP(recs[i], r)
				})
			}
			close(ready)
			wg.Wait()
			var won, lost int
			for _, rec := range recs {
				switch {
				case rec.Code == 200:
					won++
				case rec.Code == 400 && decodeError(t, rec.Body.String()).Error.Code == "not_waiting":
					lost++
				default:
					t.Errorf("round %d: claim answered %d %s", round, rec.Code, rec.Body)
				}
			}
			if won != 1 {
				t.Fatalf("round %d: %d claims won, want exactly one", round, won)
			}
			if lost != 1 {
				t.Errorf("round %d: the other claim did not answer 400 not_waiting", round)
			}
			now, err := f.convs.Get(context.Background(), conv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if now.Status != conversations.StatusWithAgent || now.AssigneeID == "" {
				t.Fatalf("round %d: after the race %+v", round, now)
			}
		}
	})
}

// TestChatCrossOriginPostIsRefused: a page on another site cannot make a
// signed-in browser chat (the session cookie rides along; cross-origin
// protection must stop it).
func TestChatCrossOriginPostIsRefused(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	session, login := f.login(alice)
	if login.cookie("__Host-sb_access") == nil {
		t.Fatalf("login set no session cookie: %v", login.cookies())
	}
	cookie := withCookies(login.cookies()...)
	asAlice := withBearer(session.AccessToken)
	conv := f.startChat(asAlice).Conversation.ID
	msg := map[string]string{"text": "cancel ORD003"}

	tests := []struct {
		name    string
		path    string
		body    any
		headers map[string]string
		status  int
	}{
		{"a cross-site chat start is refused", "/api/v1/conversations", nil, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"a cross-site chat message is refused", "/api/v1/conversations/" + conv + "/messages", msg, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"a same-site but cross-origin message is refused", "/api/v1/conversations/" + conv + "/messages", msg, map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://blog.example.com"}, 403},
		{"a foreign Origin without fetch metadata is refused", "/api/v1/conversations/" + conv + "/messages", msg, map[string]string{"Origin": "https://evil.example"}, 403},
		{"the same message from the site itself is accepted", "/api/v1/conversations/" + conv + "/messages", msg, map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []reqOpt{cookie}
			for k, v := range tt.headers {
				opts = append(opts, withHeader(k, v))
			}
			before := f.lastSeq(asAlice, conv)
			res := f.call("POST", tt.path, tt.body, opts...).want(t, tt.status)
			after := f.lastSeq(asAlice, conv)
			if tt.status != 403 {
				if after == before {
					t.Error("the accepted message was not stored")
				}
				return
			}
			if c := res.errorCode(t); c != "forbidden" {
				t.Errorf("code %q, want forbidden", c)
			}
			if after != before {
				t.Errorf("refused message stored: last_seq %d → %d", before, after)
			}
		})
	}
	t.Run("no conversation was started cross-site", func(t *testing.T) {
		list := decodeAs[conversationListJSON](t, f.call("GET", "/api/v1/conversations", nil, asAlice).want(t, 200))
		if len(list.Conversations) != 1 {
			t.Errorf("alice has %d conversations, want 1", len(list.Conversations))
		}
	})
}

package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestStaffClaimsAndRepliesLive: Alice asks for a person; Sam (support) sees
// the conversation waiting in his queue, claims it, sees Alice's orders that
// are assigned to him beside it, and replies. Alice's open chat page shows
// the reply without a reload (server-sent events). Sam then closes it.
func TestStaffClaimsAndRepliesLive(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	alice := b.newTab("customer alice")
	sam := b.newTab("support sam")

	a := srv.user(t, "alice@example.com")
	alice.signIn(a.Email, a.Password)
	alice.openChat()
	_, bot := alice.say("I want to talk to a person")
	conv := eval[string](alice, `document.querySelector('#chat').dataset.conversation || ''`)
	if conv == "" {
		t.Fatalf("#chat has no data-conversation after the hand-off (bot: %q)", bot)
	}

	s := srv.user(t, "sam@northwind.example")
	sam.signIn(s.Email, s.Password)
	if p := sam.path(); !strings.HasPrefix(p, "/staff") {
		t.Errorf("support's sign-in lands on %s, want the console", p)
	}
	sam.open("/staff")
	row := fmt.Sprintf(`#queue tr[data-conversation=%s]`, js(conv))
	sam.waitVisible(row)
	if w := sam.text(row + " .waiting"); w == "" {
		t.Errorf("the queue shows no waiting time for the conversation")
	}
	sam.screenshot("staff-console")
	sam.submit("claim the conversation", row+" button.claim", http.StatusOK)
	if p := sam.path(); !strings.HasPrefix(p, "/staff/conversations/"+conv) {
		mine := fmt.Sprintf(`#mine tr[data-conversation=%s] a`, js(conv))
		sam.waitVisible(mine)
		sam.submit("open the claimed conversation", mine, http.StatusOK)
	}
	sam.waitVisible("#reply-form")
	sam.waitFor("Alice's hand-off request in the conversation", fmt.Sprintf(`Array.from(document.querySelectorAll('#chat-log li.msg[data-sender="customer"] .msg-text')).some((e) => e.textContent.includes(%s))`, js("talk to a person")))

	// Only orders assigned to Sam: ORD001 and ORD004 are, ORD002 is not.
	sam.waitVisible(`#customer-orders [data-order="ORD001"]`)
	if n := eval[int](sam, `document.querySelectorAll('#customer-orders [data-order="ORD002"]').length`); n != 0 {
		t.Errorf("the console shows Alice's ORD002, which is not assigned to Sam")
	}

	// The reply reaches Alice's open page live.
	if !eval[bool](alice, `(window.__e2eNoReload = true)`) {
		t.Fatal("cannot mark Alice's page")
	}
	aliceSeq := alice.lastSeq()
	const reply = "Hello Alice, this is Sam from support. I'm looking at your order now."
	sam.fill("#reply-text", reply)
	sam.do("send the reply", click("#reply-send"))
	sam.waitFor("the reply in Sam's conversation", fmt.Sprintf(`Array.from(document.querySelectorAll('#chat-log li.msg[data-sender="agent"] .msg-text')).some((e) => e.textContent.includes(%s))`, js(reply)))
	sam.screenshot("staff-conversation")

	alice.waitFor("Sam's reply in Alice's chat", fmt.Sprintf(`Array.from(document.querySelectorAll('#chat-log li.msg[data-sender="agent"]')).some((li) => Number(li.dataset.seq) > %d && li.querySelector('.msg-text') && li.querySelector('.msg-text').textContent.includes(%s))`, aliceSeq, js(reply)))
	if !eval[bool](alice, `window.__e2eNoReload === true`) {
		t.Errorf("Alice's page reloaded to show the reply; it must arrive live")
	}

	sam.submit("close the conversation", "#close-form button", http.StatusOK)
	sam.waitFor("the conversation shown closed", `document.querySelector('#chat').dataset.status === 'closed'`)
	if n := eval[int](sam, `document.querySelectorAll('#reply-form').length`); n != 0 {
		t.Errorf("a closed conversation still offers #reply-form")
	}
	// Alice's page learns of it live: no more typing box, a visible offer
	// of a new conversation.
	alice.waitFor("Alice's chat shown closed", `(() => {
		const start = document.querySelector('#chat[data-status="closed"] #chat-new');
		const form = document.querySelector('#chat-form');
		return !!start && start.getClientRects().length > 0 && (!form || form.getClientRects().length === 0);
	})()`)
	if !eval[bool](alice, `window.__e2eNoReload === true`) {
		t.Errorf("Alice's page reloaded to show the closed conversation; it must change live")
	}
	sam.checkFits("/staff")
}

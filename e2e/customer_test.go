package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestCustomerRegistersAndSignsIn: a new customer creates an account, is
// sent to the sign-in page with a notice, signs in, reaches the chat and
// signs out.
func TestCustomerRegistersAndSignsIn(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	dana := b.newTab("new customer")

	dana.open("/login")
	dana.waitVisible("#login-form")
	dana.screenshot("login")
	dana.checkFits("/login")
	dana.checkFits("/register")

	const email, password = "dana@example.com", "Dana-e2e-Passw0rd!"
	dana.open("/register")
	dana.waitVisible("#register-form")
	dana.fill("#name", "Dana Customer")
	dana.fill("#email", email)
	dana.fill("#password", password)
	dana.fill("#password-confirm", password)
	dana.submit("register", "#register-submit", http.StatusOK)
	if p := dana.path(); !strings.HasPrefix(p, "/login") {
		t.Fatalf("after registering: at %s, want the sign-in page", p)
	}
	dana.waitVisible(".flash")

	// A wrong password: the form comes back with an alert, the email kept
	// and the password not.
	dana.fill("#email", email)
	dana.fill("#password", "Wrong-Passw0rd!")
	dana.submit("sign in with a wrong password", "#login-submit", http.StatusUnauthorized)
	dana.waitVisible(`#login-error[role="alert"]`)
	if v := eval[string](dana, `document.querySelector('#email').value`); v != email {
		t.Errorf("after a failed sign-in #email holds %q, want %q", v, email)
	}
	if v := eval[string](dana, `document.querySelector('#password').value`); v != "" {
		t.Errorf("after a failed sign-in the password field is not empty")
	}

	dana.signIn(email, password)
	if p := dana.path(); !strings.HasPrefix(p, "/chat") {
		t.Errorf("a customer's sign-in lands on %s, want the chat", p)
	}
	dana.waitVisible("#card-notice")
	dana.waitVisible(`nav.site-nav a[href="/orders"]`)
	dana.openChat()

	// The access token expired: its cookie gone, and the expiry the tabs
	// share in the past. The next page goes by the sign-in page, whose
	// script continues the session from the refresh cookie, and arrives
	// where it was going without a password.
	dana.drop("__Host-sb_access")
	eval[bool](dana, `localStorage.setItem("supportbot.session.expires", String(Date.now() - 1000)) === undefined`)
	dana.open("/orders")
	dana.waitFor("the session continued to /orders", `location.pathname === "/orders" && !!document.querySelector('form[action="/logout"]')`)

	dana.signOut()
	dana.checkClean()
}

// TestCustomerTracksAndCancelsAnOrder: Alice tracks an order by slot filling
// ("track my order" → the bot asks which → the number), sees its card, asks
// to cancel a pending order, confirms with the button and sees the card and
// her orders page say cancelled. Her pages also fit a 360-pixel phone.
func TestCustomerTracksAndCancelsAnOrder(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	alice := b.newTab("customer alice")
	creds := srv.user(t, "alice@example.com")

	alice.signIn(creds.Email, creds.Password)
	alice.openChat()
	alice.waitVisible("#card-notice")
	if live := eval[string](alice, `document.querySelector('#chat-log').getAttribute('aria-live') || ''`); live != "polite" {
		t.Errorf(`#chat-log aria-live = %q, want "polite"`, live)
	}

	// The typing box: limited to MAX_MESSAGE_CHARS (2000 by default), with
	// a live counter.
	if maxLen := eval[string](alice, `document.querySelector('#chat-text').getAttribute('maxlength') || ''`); maxLen != "2000" {
		t.Errorf("#chat-text maxlength = %q, want 2000", maxLen)
	}
	alice.fill("#chat-text", "hello")
	if c := alice.text("#chat-counter"); !strings.HasPrefix(c, "5 ") && c != "5" {
		t.Errorf("#chat-counter says %q after typing 5 characters", c)
	}

	// Slot filling: the bot asks which order, the number answers it.
	before, bot := alice.say("track my order")
	if !strings.Contains(strings.ToLower(bot), "which order") {
		t.Errorf("after \"track my order\" the bot says %q, want it to ask which order", bot)
	}
	if n := eval[int](alice, `document.querySelectorAll('.quick-replies button').length`); n == 0 {
		t.Errorf("no quick replies offered with the question (messages: %v)", alice.messagesAfter(before))
	}
	before, bot = alice.say("ORD001")
	card := newMessageExpr(before, `.order-card[data-order="ORD001"]`)
	alice.waitFor("the card of ORD001", card+".length > 0")
	if st := eval[string](alice, card+"[0].dataset.status"); st != "shipped" {
		t.Errorf("ORD001 card data-status = %q, want shipped (bot: %q)", st, bot)
	}
	if st := eval[string](alice, card+"[0].querySelector('.order-status').textContent.trim()"); st == "" {
		t.Errorf("ORD001 card has no .order-status text")
	}

	// Cancel with confirmation.
	before, bot = alice.say("I want to cancel ORD003")
	if !strings.Contains(bot, "ORD003") {
		t.Errorf("the bot's confirmation question %q does not name ORD003", bot)
	}
	yes := newMessageExpr(before, ".confirm-actions button")
	alice.waitFor("the confirmation buttons", yes+".length >= 2")
	label := eval[string](alice, yes+"[0].textContent.trim()")
	if !strings.HasPrefix(strings.ToLower(label), "yes") {
		t.Errorf("the first confirmation button says %q, want yes", label)
	}
	seq := eval[int](alice, fmt.Sprintf(`Number(%s[0].closest('li.msg').dataset.seq)`, yes))
	confirmed := alice.lastSeq()
	alice.do("click yes", click(fmt.Sprintf(`#chat-log li.msg[data-seq="%d"] .confirm-actions button`, seq)))
	cancelled := newMessageExpr(confirmed, `.order-card[data-order="ORD003"][data-status="cancelled"]`)
	alice.waitFor("the ORD003 card saying cancelled", cancelled+".length > 0")
	if st := eval[string](alice, cancelled+"[0].querySelector('.order-status').textContent"); !strings.Contains(strings.ToLower(st), "cancel") {
		t.Errorf("the cancelled ORD003 card's .order-status says %q", st)
	}
	// Reloaded, the page renders the same conversation from the server.
	chatPath, _, _ := strings.Cut(alice.path(), "?")
	alice.open(chatPath)
	alice.waitVisible(`#chat-log .order-card[data-order="ORD003"][data-status="cancelled"]`)
	alice.screenshot("chat")

	alice.open("/orders")
	row := `#orders-table tr[data-order="ORD003"]`
	alice.waitVisible(row)
	if st := alice.text(row + " .order-status"); !strings.Contains(strings.ToLower(st), "cancel") {
		t.Errorf("My orders shows ORD003 as %q, want cancelled", st)
	}
	alice.waitVisible(`#orders-table tr[data-order="ORD001"]`)
	if n := eval[int](alice, `document.querySelectorAll('#orders-table tr[data-order="ORD010"]').length`); n != 0 {
		t.Errorf("My orders of Alice lists Bob's ORD010")
	}
	alice.screenshot("orders")

	alice.open("/account")
	alice.waitVisible("#profile-form")
	alice.waitVisible("#password-form")
	alice.waitVisible("#twofa-enroll-form")
	alice.waitVisible(`#sessions tr[data-session]`)
	alice.screenshot("account")

	for _, p := range []string{chatPath, "/orders", "/account"} {
		alice.checkFits(p)
	}
	alice.checkClean()
}

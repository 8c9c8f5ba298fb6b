package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"supportbot/internal/conversations"
	"supportbot/internal/orders"
	"supportbot/internal/users"
)

// The staff console of issue 5 over real HTTP: the real router, pages
// signed in with the session cookie as a browser sends it, forms posted
// same-origin as application/x-www-form-urlencoded.

// staffAs creates an account of role and returns it signed in as a browser.
func (f *idFixture) staffAs(role users.Role, email string) (users.User, reqOpt) {
	f.t.Helper()
	u := f.account(role, email)
	return u, f.browser(u)
}

var staffRow = regexp.MustCompile(`<tr data-conversation="([0-9a-f]+)"`)

// staffRows returns the data-conversation ids of the rows of table id, in
// order; nil if the page has no such table or it is not closed.
func staffRows(html, table string) []string {
	_, rest, ok := strings.Cut(html, `<table id="`+table+`"`)
	if !ok {
		return nil
	}
	rows, _, ok := strings.Cut(rest, "</table>")
	if !ok {
		return nil
	}
	var ids []string
	for _, m := range staffRow.FindAllStringSubmatch(rows, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestStaffConsoleAccess(t *testing.T) {
	f := newIdentityFixture(t, nil)
	_, asCustomer := f.staffAs(users.RoleCustomer, "carla@example.com")
	_, asSupport := f.staffAs(users.RoleSupport, "sam@example.com")
	_, asAdmin := f.staffAs(users.RoleAdmin, "ada@example.com")

	t.Run("a customer is refused", func(t *testing.T) {
		res := f.page(t, "/staff", asCustomer).want(t, http.StatusForbidden)
		if !strings.Contains(res.Body, res.Header.Get("X-Request-Id")) {
			t.Error("the error page lacks the request ID")
		}
	})
	t.Run("a signed-out browser is sent to sign in", func(t *testing.T) {
		res := f.call("GET", "/staff", nil)
		if res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
			t.Fatalf("got %d to %q", res.Status, res.Header.Get("Location"))
		}
	})
	for name, as := range map[string]reqOpt{"support": asSupport, "admin": asAdmin} {
		t.Run(name+" sees the console", func(t *testing.T) {
			res := f.page(t, "/staff", as).want(t, http.StatusOK)
			if !strings.Contains(res.Body, "<h1>Support console</h1>") || !strings.Contains(res.Body, `href="/staff" aria-current="page"`) {
				t.Errorf("not the console:\n%s", res.Body)
			}
		})
	}
}

// TestStaffConsoleShowsQueueAndOwnOnly: the console lists the hand-off
// queue, longest waiting first, with the waiting time, and the open
// conversations the agent holds — never another agent's, never one the
// bot still handles (DESIGN.md invariant 2).
func TestStaffConsoleShowsQueueAndOwnOnly(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	bob := f.account(users.RoleCustomer, "bob@example.com")
	sam, asSam := f.staffAs(users.RoleSupport, "sam@example.com")
	kim := f.account(users.RoleSupport, "kim@example.com")
	_, asAdmin := f.staffAs(users.RoleAdmin, "ada@example.com")

	first := f.conversation(alice.ID, conversations.StatusWaiting, "")
	f.clock.Advance(3 * time.Minute)
	second := f.conversation(bob.ID, conversations.StatusWaiting, "")
	mine := f.conversation(alice.ID, conversations.StatusWithAgent, sam.ID)
	theirs := f.conversation(bob.ID, conversations.StatusWithAgent, kim.ID)
	withBot := f.conversation(bob.ID, conversations.StatusBot, "")
	closed := f.conversation(alice.ID, conversations.StatusClosed, sam.ID)
	f.clock.Advance(4*time.Minute + 10*time.Second)

	for name, as := range map[string]reqOpt{"support": asSam, "admin": asAdmin} {
		t.Run(name, func(t *testing.T) {
			html := f.page(t, "/staff", as).want(t, http.StatusOK).Body
			if got := staffRows(html, "queue"); len(got) != 2 || got[0] != first.ID || got[1] != second.ID {
				t.Errorf("queue = %v, want [%s %s], oldest first", got, first.ID, second.ID)
			}
			wantParts(t, html, "waiting <time", ">7 min</time>", ">4 min</time>",
				`action="/staff/conversations/`+first.ID+`/claim"`, `class="claim"`)
			wantMine := []string{}
			if name == "support" {
				wantMine = []string{mine.ID}
			}
			if got := staffRows(html, "mine"); strings.Join(got, ",") != strings.Join(wantMine, ",") {
				t.Errorf("mine = %v, want %v", got, wantMine)
			}
			wantNone(t, html, theirs.ID, withBot.ID, closed.ID)
		})
	}

	t.Run("another agent's conversation is 404 and audited", func(t *testing.T) {
		for _, id := range []string{theirs.ID, withBot.ID, missingID, "not-an-id"} {
			for _, path := range []string{"/staff/conversations/" + id, "/staff/conversations/" + id + "/messages?after=0"} {
				res := f.page(t, path, asSam)
				if res.Status != http.StatusNotFound || strings.Contains(res.Body, "Welcome") {
					t.Errorf("GET %s = %d, want 404", path, res.Status)
				}
			}
		}
		if len(f.events("access.denied")) == 0 {
			t.Error("no access.denied audited")
		}
	})
	t.Run("a queued conversation can be read before claiming", func(t *testing.T) {
		html := f.page(t, "/staff/conversations/"+first.ID, asSam).want(t, http.StatusOK).Body
		wantParts(t, html, `<section id="chat"`, `data-events-url="/api/v1/conversations/`+first.ID+`/events"`,
			`data-fragment-url="/staff/conversations/`+first.ID+`/messages"`, `<ol id="chat-log"`, `data-sender="bot"`,
			`action="/staff/conversations/`+first.ID+`/claim"`, "No orders of this customer are assigned to you")
		wantNone(t, html, `id="reply-form"`, `id="close-form"`) // before the claim
	})
}

// TestStaffClaimReplyClose: the whole hand-off through the forms, as a
// browser without JavaScript does it; the customer sees the reply.
func TestStaffClaimReplyClose(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice, asAliceAPI := f.signedIn(users.RoleCustomer, "alice@example.com")
	bob := f.account(users.RoleCustomer, "bob@example.com")
	sam, asSam := f.staffAs(users.RoleSupport, "sam@example.com")
	kim := f.account(users.RoleSupport, "kim@example.com")
	f.order("ORD101", alice.ID, sam.ID, orders.StatusShipped) // hers, assigned to Sam: shown
	f.order("ORD102", alice.ID, kim.ID, orders.StatusPending) // hers, Kim's: hidden
	f.order("ORD103", bob.ID, sam.ID, orders.StatusPending)   // Sam's, Bob's: hidden
	conv := f.conversation(alice.ID, conversations.StatusWaiting, "")
	page := "/staff/conversations/" + conv.ID

	t.Run("claim", func(t *testing.T) {
		f.postForm(page+"/claim", nil, asSam).wantSeeOther(t, page+"?notice=claimed")
		html := f.page(t, page+"?notice=claimed", asSam).want(t, http.StatusOK).Body
		wantParts(t, html, `class="flash" role="status">You have claimed the conversation.`,
			`<form id="reply-form" method="post" action="`+page+`/replies" data-chat-form>`, `<textarea id="reply-text" name="text"`,
			`id="reply-send"`, `<form id="close-form"`, "A member of our support team has joined the conversation.")
		if got := staffRows(f.page(t, "/staff", asSam).Body, "mine"); len(got) != 1 || got[0] != conv.ID {
			t.Errorf("mine = %v after the claim", got)
		}
		if n := len(f.events("conversation.claimed")); n != 1 {
			t.Errorf("%d claim events, want 1", n)
		}
	})
	t.Run("the customer's orders assigned to the agent are beside it", func(t *testing.T) {
		html := f.page(t, page, asSam).Body
		i := strings.Index(html, `<section id="customer-orders"`)
		if i < 0 {
			t.Fatal("no #customer-orders")
		}
		orders := html[i:]
		if !strings.Contains(orders, `data-order="ORD101"`) || !strings.Contains(orders, `class="order-status">Shipped`) {
			t.Errorf("ORD101 missing:\n%s", orders)
		}
		wantNone(t, html, "ORD102", "ORD103")
	})
	var lastSeq string
	t.Run("reply", func(t *testing.T) {
		html := f.page(t, page, asSam).Body
		m := regexp.MustCompile(`data-last-seq="(\d+)"`).FindStringSubmatch(html)
		if m == nil {
			t.Fatal("no data-last-seq")
		}
		lastSeq = m[1]
		f.postForm(page+"/replies", url.Values{"text": {"Hi Alice, Sam here. <b>How</b> can I help?"}}, asSam).wantSeeOther(t, page+"?notice=replied")
		hist := decodeAs[conversationPageJSON](t, f.call("GET", "/api/v1/conversations/"+conv.ID, nil, asAliceAPI).want(t, 200))
		last := hist.Messages[len(hist.Messages)-1]
		if last.Sender != "agent" || last.AuthorID != sam.ID || last.Text != "Hi Alice, Sam here. <b>How</b> can I help?" {
			t.Errorf("customer sees %+v last", last)
		}
	})
	t.Run("the fragment has the reply after the page's last message", func(t *testing.T) {
		res := f.call("GET", page+"/messages?after="+lastSeq, nil, asSam).want(t, http.StatusOK) // a fragment, not a page
		if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		if !strings.Contains(res.Body, `data-sender="agent"`) || !strings.Contains(res.Body, "&lt;b&gt;How&lt;/b&gt;") ||
			strings.Contains(res.Body, "<b>How") || strings.Contains(res.Body, "<html") || strings.Contains(res.Body, "joined the conversation") {
			t.Errorf("fragment = %s", res.Body)
		}
		f.page(t, page+"/messages?after=x", asSam).want(t, http.StatusBadRequest)
	})
	t.Run("an empty reply is refused inline", func(t *testing.T) {
		res := f.postForm(page+"/replies", url.Values{"text": {"   "}}, asSam).want(t, http.StatusBadRequest)
		assertStrictHTML(t, res.Body)
		if !strings.Contains(res.Body, `id="reply-error" class="console-alert" role="alert" data-chat-error>`) {
			t.Errorf("no inline error:\n%s", res.Body)
		}
	})
	t.Run("another agent cannot reply, claim or close", func(t *testing.T) {
		asKim := f.browser(kim)
		f.postForm(page+"/replies", url.Values{"text": {"hijack"}}, asKim).want(t, http.StatusNotFound)
		f.postForm(page+"/close", nil, asKim).want(t, http.StatusNotFound)
		f.postForm(page+"/claim", nil, asKim).wantSeeOther(t, "/staff?notice=claim_lost")
	})
	t.Run("close", func(t *testing.T) {
		f.postForm(page+"/close", nil, asSam).wantSeeOther(t, page+"?notice=closed")
		html := f.page(t, page, asSam).want(t, http.StatusOK).Body
		if !strings.Contains(html, `data-status="closed"`) || strings.Contains(html, `id="reply-form"`) || strings.Contains(html, `id="close-form"`) {
			t.Errorf("closed page:\n%s", html)
		}
		if got := staffRows(f.page(t, "/staff", asSam).Body, "mine"); len(got) != 0 {
			t.Errorf("mine = %v after closing", got)
		}
		if n := len(f.events("conversation.closed")); n != 1 {
			t.Errorf("%d close events, want 1", n)
		}
		res := f.postForm(page+"/replies", url.Values{"text": {"still there?"}}, asSam).want(t, http.StatusBadRequest)
		if !strings.Contains(res.Body, "data-chat-error>This conversation is closed") {
			t.Errorf("no inline refusal:\n%s", res.Body)
		}
	})
	t.Run("a customer cannot use the console's forms", func(t *testing.T) {
		asAlice := f.browser(alice)
		other := f.conversation(alice.ID, conversations.StatusWaiting, "")
		f.postForm("/staff/conversations/"+other.ID+"/claim", nil, asAlice).want(t, http.StatusForbidden)
		f.postForm("/staff/conversations/"+other.ID+"/replies", url.Values{"text": {"x"}}, asAlice).want(t, http.StatusForbidden)
	})
}

// TestStaffConcurrentClaimLosesGracefully: two agents claim one
// conversation at once; one gets it, the other goes back to the console
// with a friendly notice, not an error page.
func TestStaffConcurrentClaimLosesGracefully(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	_, asSam := f.staffAs(users.RoleSupport, "sam@example.com")
	_, asKim := f.staffAs(users.RoleSupport, "kim@example.com")
	for round := range 5 {
		conv := f.conversation(alice.ID, conversations.StatusWaiting, "")
		path := "/staff/conversations/" + conv.ID + "/claim"
		reqs := []*http.Request{f.formRequest(path, nil, asSam), f.formRequest(path, nil, asKim)}
		locs := make([]string, len(reqs))
		var wg sync.WaitGroup
		for i, r := range reqs {
			wg.Go(func() {
				rec := httptest.NewRecorder()
				f.h.ServeHTTP(rec, r)
				if rec.Code == http.StatusSeeOther {
					locs[i] = rec.Header().Get("Location")
				}
			})
		}
		wg.Wait()
		won := "/staff/conversations/" + conv.ID + "?notice=claimed"
		lost := "/staff?notice=claim_lost"
		if !(locs[0] == won && locs[1] == lost || locs[0] == lost && locs[1] == won) {
			t.Fatalf("round %d: answers %q, want one winner and one friendly loser", round, locs)
		}
	}
	html := f.page(t, "/staff?notice=claim_lost", asKim).want(t, http.StatusOK).Body
	if !strings.Contains(html, `class="flash" role="status">Someone else claimed that conversation first`) {
		t.Errorf("no notice:\n%s", html)
	}
	if n := len(f.events("conversation.claimed")); n != 5 {
		t.Errorf("%d claim events, want 5", n)
	}
}

// TestStaffFormsRefuseCrossOriginPosts: a post from another site is 403
// and changes nothing, though the browser would attach the session cookie
// (SameSite=Strict aside).
func TestStaffFormsRefuseCrossOriginPosts(t *testing.T) {
	f := newIdentityFixture(t, nil)
	alice := f.account(users.RoleCustomer, "alice@example.com")
	_, asSam := f.staffAs(users.RoleSupport, "sam@example.com")
	conv := f.conversation(alice.ID, conversations.StatusWaiting, "")
	for name, opt := range map[string]reqOpt{
		"Sec-Fetch-Site cross-site": withHeader("Sec-Fetch-Site", "cross-site"),
		"foreign Origin":            func(r *http.Request) { r.Header.Del("Sec-Fetch-Site"); r.Header.Set("Origin", "https://evil.example") },
	} {
		t.Run(name, func(t *testing.T) {
			res := f.postForm("/staff/conversations/"+conv.ID+"/claim", nil, asSam, opt).want(t, http.StatusForbidden)
			assertStrictHTML(t, res.Body)
		})
	}
	got, err := f.convs.Get(context.Background(), conv.ID)
	if err != nil || got.Status != conversations.StatusWaiting {
		t.Errorf("conversation = %+v, %v; want still waiting", got, err)
	}
}

package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/users"
)

// The admin pages of issue 5 (dashboard, knowledge-base editor, audit
// viewer) through the real router, signed in with the session cookies a
// browser holds.

// chatAnswer asks question in a fresh conversation of the customer and
// returns the entry the bot answered with and its text.
func (f *idFixture) chatAnswer(t *testing.T, as reqOpt, question string) (string, string) {
	t.Helper()
	tr := f.say(as, f.startChat(as).Conversation.ID, question)
	id := ""
	if tr.Reply.FAQID != nil {
		id = *tr.Reply.FAQID
	}
	return id, tr.replyText(t)
}

func TestAdminPagesAreForAdminsOnly(t *testing.T) {
	f := newIdentityFixture(t, nil)
	support := f.browser(f.account(users.RoleSupport, "sam@example.com"))
	customer := f.browser(f.account(users.RoleCustomer, "alice@example.com"))
	pages := []string{"/admin", "/admin/kb", "/admin/kb/new", "/admin/kb/shipping-times", "/admin/audit"}
	for _, who := range []struct {
		name string
		as   reqOpt
	}{{"support", support}, {"customer", customer}} {
		for _, path := range pages {
			t.Run(who.name+" GET "+path, func(t *testing.T) {
				html := f.page(t, path, who.as).want(t, http.StatusForbidden).Body
				if strings.Contains(html, "shipping-times") || strings.Contains(html, `id="doctor"`) {
					t.Error("the error page shows admin data")
				}
			})
		}
		for _, path := range []string{"/admin/kb", "/admin/kb/try", "/admin/kb/shipping-times", "/admin/kb/shipping-times/delete"} {
			t.Run(who.name+" POST "+path, func(t *testing.T) {
				form := url.Values{"question": {"How long does shipping take?"}, "answer": {"Forever."}}
				if strings.HasSuffix(path, "/delete") {
					form = url.Values{}
				}
				f.postForm(path, form, who.as).want(t, http.StatusForbidden)
			})
		}
	}
	if e, err := f.kb.Get(context.Background(), "shipping-times"); err != nil || e.Answer == "Forever." {
		t.Fatalf("a refused edit changed the entry: %+v, %v", e, err)
	}
	t.Run("signed out goes to sign in", func(t *testing.T) {
		f.call("GET", "/admin/kb", nil).wantSeeOther(t, "/login?next=%2Fadmin%2Fkb")
	})
}

// TestAdminEditsTheKnowledgeBaseAndTheBotAnswersWithIt: issue 5's admin
// flow — an edit made in the form is the bot's answer in the next chat.
func TestAdminEditsTheKnowledgeBaseAndTheBotAnswersWithIt(t *testing.T) {
	f := newIdentityFixture(t, nil)
	admin := f.browser(f.account(users.RoleAdmin, "ada@example.com"))
	_, alice := f.signedIn(users.RoleCustomer, "alice@example.com")
	const question = "How long does shipping take?"

	list := f.page(t, "/admin/kb", admin).want(t, http.StatusOK).Body
	wantParts(t, list, `<table id="kb-table"`, `<tr data-entry="shipping-times">`, `<a class="edit" href="/admin/kb/shipping-times">`, `id="kb-new"`)

	form := f.page(t, "/admin/kb/shipping-times", admin).want(t, http.StatusOK).Body
	wantParts(t, form, `<form id="faq-form"`, `action="/admin/kb/shipping-times"`, `id="faq-id" name="id"`, "readonly", `id="faq-delete"`)
	if id, _ := f.chatAnswer(t, alice, question); id != "shipping-times" {
		t.Fatalf("before the edit the bot answered with %q", id)
	}

	t.Run("an edit answers the next chat message", func(t *testing.T) {
		// Browsers send a textarea's line breaks as CRLF; the bot's answer
		// keeps them as LF.
		const answer = "Orders leave our warehouse the same day.\nThey arrive in 1 to 2 working days."
		f.postForm("/admin/kb/shipping-times", url.Values{
			"id": {"shipping-times"}, "question": {question}, "paraphrases": {"When will my parcel arrive?\r\nhow fast is delivery"},
			"answer": {strings.ReplaceAll(answer, "\n", "\r\n")}, "tags": {"shipping, delivery speed"},
		}, admin).wantSeeOther(t, "/admin/kb?notice=entry_updated")
		if id, text := f.chatAnswer(t, alice, question); id != "shipping-times" || text != answer {
			t.Fatalf("after the edit the bot answered %q with %q", id, text)
		}
		e, _ := f.kb.Get(context.Background(), "shipping-times")
		if strings.Join(e.Paraphrases, "|") != "When will my parcel arrive?|how fast is delivery" || strings.Join(e.Tags, "|") != "shipping|delivery|speed" {
			t.Errorf("stored %q / %q", e.Paraphrases, e.Tags)
		}
		html := f.page(t, "/admin/kb?notice=entry_updated", admin).want(t, http.StatusOK).Body
		wantParts(t, html, `class="flash"`, "the bot uses it now")
	})

	t.Run("a new entry gets an id from its question and answers at once", func(t *testing.T) {
		f.page(t, "/admin/kb/new", admin).want(t, http.StatusOK)
		const q, answer = "Do you offer gift wrapping?", "Yes: tick gift wrap at checkout, free of charge."
		f.postForm("/admin/kb", url.Values{"id": {""}, "question": {q}, "paraphrases": {"Can you gift wrap my order?\ngift wrap"},
			"answer": {answer}, "tags": {"gifts"}}, admin).wantSeeOther(t, "/admin/kb?notice=entry_created")
		if id, text := f.chatAnswer(t, alice, q); id != "do-you-offer-gift-wrapping" || text != answer {
			t.Fatalf("the bot answered %q with %q", id, text)
		}
		if got := f.events("kb.entry_created"); len(got) != 1 || !strings.Contains(got[0], "faq:do-you-offer-gift-wrapping") {
			t.Errorf("audit: %v", got)
		}
	})

	t.Run("a deleted entry is no longer an answer", func(t *testing.T) {
		f.postForm("/admin/kb/do-you-offer-gift-wrapping/delete", url.Values{}, admin).wantSeeOther(t, "/admin/kb?notice=entry_deleted")
		if id, _ := f.chatAnswer(t, alice, "Do you offer gift wrapping?"); id == "do-you-offer-gift-wrapping" {
			t.Fatal("the bot still answers with a deleted entry")
		}
		f.page(t, "/admin/kb/do-you-offer-gift-wrapping", admin).want(t, http.StatusNotFound)
		f.postForm("/admin/kb/do-you-offer-gift-wrapping", url.Values{"question": {"Gift wrap?"}, "answer": {"No."}}, admin).want(t, http.StatusNotFound)
	})

	t.Run("a cross-site form post is refused", func(t *testing.T) {
		f.call("POST", "/admin/kb/shipping-times/delete", "", admin,
			withHeader("Content-Type", "application/x-www-form-urlencoded"), withHeader("Sec-Fetch-Site", "cross-site")).want(t, http.StatusForbidden)
		if _, err := f.kb.Get(context.Background(), "shipping-times"); err != nil {
			t.Fatalf("the entry is gone: %v", err)
		}
	})
}

// TestInvalidEntryShowsTheProblemAndChangesNothing: a refused save comes
// back as the form with the reason and what was typed, status 400.
func TestInvalidEntryShowsTheProblemAndChangesNothing(t *testing.T) {
	f := newIdentityFixture(t, nil)
	admin := f.browser(f.account(users.RoleAdmin, "ada@example.com"))
	before, err := f.kb.Get(context.Background(), "shipping-times")
	if err != nil {
		t.Fatal(err)
	}
	const typed = "A new answer with <b>markup</b> that must survive the error."
	tests := []struct {
		name, path string
		form       url.Values
		want       []string
	}{
		{"a question too short", "/admin/kb/shipping-times",
			url.Values{"question": {"Hi"}, "answer": {typed}},
			[]string{"The question must be 3 to 300 characters.", `id="faq-question" name="question"`, `aria-invalid="true"`}},
		{"a bad tag names the tag", "/admin/kb/shipping-times",
			url.Values{"question": {"How long does shipping take?"}, "answer": {typed}, "tags": {"ok, Fast!"}},
			[]string{"The tag “Fast!” must be", `value="ok, Fast!"`}},
		{"a long paraphrase names its line", "/admin/kb/shipping-times",
			url.Values{"question": {"How long does shipping take?"}, "answer": {typed}, "paraphrases": {"fine\n" + strings.Repeat("x", 301)}},
			[]string{"Paraphrases, line 2: must be 0 to 300 characters."}},
		{"the id cannot change", "/admin/kb/shipping-times",
			url.Values{"id": {"other-id"}, "question": {"How long does shipping take?"}, "answer": {typed}},
			[]string{"The id of an entry cannot change.", `value="shipping-times"`}},
		{"a new entry with a taken id", "/admin/kb",
			url.Values{"id": {"shipping-times"}, "question": {"How long does shipping take?"}, "answer": {typed}},
			[]string{"An entry with the id “shipping-times” already exists.", "New entry"}},
		{"a new entry with a bad id", "/admin/kb",
			url.Values{"id": {"Not An Id"}, "question": {"What is this?"}, "answer": {typed}},
			[]string{"The id must be 1 to 64 lower-case letters", `value="Not An Id"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := f.postForm(tt.path, tt.form, admin).want(t, http.StatusBadRequest)
			assertStrictHTML(t, res.Body)
			wantParts(t, res.Body, append(tt.want, `id="faq-error" role="alert"`, `<form id="faq-form"`,
				"A new answer with &lt;b&gt;markup&lt;/b&gt; that must survive the error.</textarea>")...)
		})
	}
	after, err := f.kb.Get(context.Background(), "shipping-times")
	if err != nil || after.Answer != before.Answer || !after.UpdatedAt.Equal(before.UpdatedAt) {
		t.Errorf("a refused save changed the entry: %+v, %v", after, err)
	}
	if _, err := f.kb.Get(context.Background(), "other-id"); err == nil {
		t.Error("a refused save created an entry")
	}
	t.Run("a form the schema refuses is a 400 before the handler", func(t *testing.T) {
		f.postForm("/admin/kb/shipping-times", url.Values{"question": {"Where?"}, "answer": {"Here."}, "extra": {"x"}}, admin).want(t, http.StatusBadRequest)
		f.postForm("/admin/kb/shipping-times", url.Values{"question": {"Where?"}}, admin).want(t, http.StatusBadRequest)
	})
}

func TestTryAQuestionShowsTheMatchingEntryAndScore(t *testing.T) {
	f := newIdentityFixture(t, nil)
	admin := f.browser(f.account(users.RoleAdmin, "ada@example.com"))
	html := f.postForm("/admin/kb/try", url.Values{"q": {"how long does shipping take"}}, admin).want(t, http.StatusOK).Body
	wantParts(t, html, `<form id="kb-try"`, `value="how long does shipping take"`, `<ol id="kb-try-results"`,
		`<li data-entry="shipping-times" data-role="answer">`, "The bot answers with this", "the bot answers with “How long does delivery take?” (shipping-times)")
	m := regexp.MustCompile(`<li data-entry="shipping-times"[^>]*>(?s:.*?)<span class="score">([0-9.]+)</span>`).FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no score for shipping-times:\n%s", html)
	}
	want := f.bot.SearchFAQ("how long does shipping take", 1)[0].Score
	if got, _ := strconv.ParseFloat(m[1], 64); got < want-0.005 || got > want+0.005 {
		t.Errorf("score %s, the bot's %.4f", m[1], want)
	}
	if n := strings.Count(html, `<li data-entry=`); n < 1 || n > 3 {
		t.Errorf("%d results, want 1 to 3", n)
	}

	t.Run("an order question is not a knowledge-base answer", func(t *testing.T) {
		html := f.postForm("/admin/kb/try", url.Values{"q": {"where is my order ORD001"}}, admin).want(t, http.StatusOK).Body
		if strings.Contains(html, `data-role="answer"`) {
			t.Errorf("an order question is answered from the knowledge base:\n%s", html)
		}
	})
	t.Run("card numbers are removed before the bot sees them", func(t *testing.T) {
		html := f.postForm("/admin/kb/try", url.Values{"q": {"can I pay with 4111 1111 1111 1111"}}, admin).want(t, http.StatusOK).Body
		if strings.Contains(html, "4111") {
			t.Error("the page echoes the card number")
		}
		for _, seen := range f.bot.understood() {
			if strings.Contains(seen, "4111") {
				t.Errorf("the bot saw %q", seen)
			}
		}
	})
}

func TestAuditViewerFiltersAndVerifiesTheChain(t *testing.T) {
	f := newIdentityFixture(t, nil)
	ctx := context.Background()
	// Some history: a failed sign-in, a warning from a system job.
	victim := f.account(users.RoleCustomer, "victim@example.com")
	f.call("POST", "/api/v1/auth/login", loginBody(victim.Email, "wrong password!"), fromIP("203.0.113.9")).want(t, http.StatusUnauthorized)
	if err := f.trail.Record(ctx, audit.Event{Type: "backup.failed", Level: audit.LevelWarning, Details: `disk <full> & "busy"`, Status: "failed"}); err != nil {
		t.Fatal(err)
	}
	admin := f.account(users.RoleAdmin, "ada@example.com")
	as := f.browser(admin)

	html := f.page(t, "/admin/audit", as).want(t, http.StatusOK).Body
	wantParts(t, html, `<form id="audit-filters"`, `<table id="audit-table"`, `<p id="chain-status" class="chain-status" data-ok="true"`,
		"auth.login_failed", "backup.failed", `disk &lt;full&gt; &amp; &#34;busy&#34;`, "203.0.113.9", "auth.login_succeeded")
	total, err := f.trail.Verify(ctx)
	if err != nil || !strings.Contains(html, "all "+strconv.Itoa(total.Checked)+" events are intact") {
		t.Errorf("chain status does not say %d events verified (%v)", total.Checked, err)
	}

	t.Run("filters narrow the table", func(t *testing.T) {
		html := f.page(t, "/admin/audit?type=auth.login_failed", as).want(t, http.StatusOK).Body
		rows := regexp.MustCompile(`<tr data-id="`).FindAllString(html, -1)
		if len(rows) != 1 || !strings.Contains(html, "auth.login_failed") || strings.Contains(html, ">backup.failed<") {
			t.Errorf("%d rows for auth.login_failed:\n%s", len(rows), html)
		}
		html = f.page(t, "/admin/audit?level=WARNING&actor=", as).want(t, http.StatusOK).Body
		if strings.Contains(html, ">auth.login_succeeded<") || !strings.Contains(html, ">backup.failed<") {
			t.Errorf("level filter:\n%s", html)
		}
		html = f.page(t, "/admin/audit?actor="+admin.ID, as).want(t, http.StatusOK).Body
		if !strings.Contains(html, ">auth.login_succeeded<") || strings.Contains(html, ">backup.failed<") {
			t.Errorf("actor filter:\n%s", html)
		}
		future := f.clock.Now().Add(time.Hour).UTC().Format("2006-01-02T15:04")
		html = f.page(t, "/admin/audit?since="+future, as).want(t, http.StatusOK).Body
		if strings.Contains(html, `<tr data-id="`) || !strings.Contains(html, "No events match") {
			t.Errorf("since filter:\n%s", html)
		}
	})
	t.Run("a bad filter is explained, not searched", func(t *testing.T) {
		html := f.page(t, "/admin/audit?level=LOUD", as).want(t, http.StatusBadRequest).Body
		wantParts(t, html, `id="audit-error" role="alert"`, `id="chain-status"`)
		if strings.Contains(html, `<table id="audit-table"`) {
			t.Error("a bad filter listed events")
		}
	})
	t.Run("a tampered event breaks the chain on the page", func(t *testing.T) {
		if _, err := f.db.SQL().ExecContext(ctx, `UPDATE audit_events SET details = 'nothing happened' WHERE id = 2`); err != nil {
			t.Fatal(err)
		}
		html := f.page(t, "/admin/audit", as).want(t, http.StatusOK).Body
		wantParts(t, html, `data-ok="false"`, "The hash chain is broken at event #2", "INCIDENT_RESPONSE")
	})
}

func TestDashboardShowsTheChecklistAndCharts(t *testing.T) {
	f := newIdentityFixture(t, nil)
	admin := f.account(users.RoleAdmin, "ada@example.com")
	customer := f.account(users.RoleCustomer, "alice@example.com")

	t.Run("an idle shop has empty charts", func(t *testing.T) {
		html := f.page(t, "/admin", f.browser(admin)).want(t, http.StatusOK).Body
		wantParts(t, html, `<ul id="doctor"`, `<li data-status="PASS">`, `<li data-status="FAIL">`, `<li data-status="WARN">`,
			"Fix: set TLS_CERT_FILE", "1 failing, 1 to review, 1 passing",
			`<figure id="chart-turns"`, `<figure id="chart-intents"`, `<figure id="chart-failed-logins"`,
			"No chat turns yet", "No intents yet", `href="/admin/kb"`, `href="/admin/audit"`, `href="/admin/users"`, `href="/admin/orders"`)
		if n := strings.Count(html, `role="img"`); n != 3 {
			t.Errorf("%d SVG images, want 3", n)
		}
		// The admin's own sign-in succeeded: no failed sign-ins yet.
		if !strings.Contains(html, "No failed sign-ins yet") {
			t.Error("failed-login chart not empty")
		}
	})

	// An hour ago: three chat turns; now: two, and two failed sign-ins.
	chat := func(texts ...string) {
		session, _ := f.login(customer)
		as := withBearer(session.AccessToken)
		conv := f.startChat(as).Conversation.ID
		for _, text := range texts {
			f.say(as, conv, text)
		}
	}
	chat("hello", "How long does shipping take?", "thanks")
	f.clock.Advance(time.Hour)
	chat("where is my order ORD9999999", "What payment methods do you accept?")
	for range 2 {
		f.call("POST", "/api/v1/auth/login", loginBody(customer.Email, "not the password")).want(t, http.StatusUnauthorized)
	}

	html := f.page(t, "/admin", f.browser(admin)).want(t, http.StatusOK).Body
	figure := func(id string) string {
		t.Helper()
		m := regexp.MustCompile(`(?s)<figure id="` + id + `".*?</figure>`).FindString(html)
		if m == "" {
			t.Fatalf("no figure %s", id)
		}
		return m
	}
	turns := figure("chart-turns")
	wantParts(t, turns, `<svg class="chart"`, `role="img"`, `aria-labelledby="chart-turns-title chart-turns-desc"`, `<title id="chart-turns-title">`,
		">Hour (UTC)</text>", "5 customer messages in the last 24 hours", `<td>3</td>`, `<td>2</td>`)
	if n := strings.Count(turns, "<rect "); n != 2 {
		t.Errorf("turns chart has %d bars, want 2", n)
	}
	intents := figure("chart-intents")
	wantParts(t, intents, `<svg class="chart chart-h"`, "<th scope=\"row\">faq</th>", "5 customer messages understood by the bot")
	if strings.Contains(intents, "No intents yet") {
		t.Error("intents chart says it is empty")
	}
	failed := figure("chart-failed-logins")
	wantParts(t, failed, "2 failed sign-ins in the last 24 hours", `chart-bars bar-alert`, `<td>2</td>`)
}

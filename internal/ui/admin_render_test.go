package ui

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/doctor"
	"supportbot/internal/kb"
)

// renderAdmin renders page with data for a signed-in admin.
func renderAdmin(t *testing.T, u *UI, page string, data any) string {
	t.Helper()
	p := u.newPage(httptest.NewRequest("GET", "/admin", nil), "Admin", data)
	p.Viewer = staffViewer(auth.RoleAdmin)
	p.Section = "admin"
	body, err := u.render(page, p)
	if err != nil {
		t.Fatal(err)
	}
	html := string(body)
	checkStrict(t, html)
	return html
}

func TestAdminPagesRender(t *testing.T) {
	u := newUI(t)
	evil := `<script>alert(1)</script>`
	turns := chart{ID: "chart-turns", Title: "Turns", Bars: []chartBar{{Label: "09h", Value: 2}}}
	svg, err := turns.SVG()
	if err != nil {
		t.Fatal(err)
	}
	entry := kb.Entry{ID: "shipping-times", Question: "How long does shipping take? " + evil, Tags: []string{"shipping", "delivery"}, UpdatedAt: sampleTime}
	tests := []struct {
		name string
		page string
		data any
		want []string
		not  []string
	}{
		{
			name: "dashboard with the checklist and a chart",
			page: "admin",
			data: adminData{
				Links: []adminLink{{"/admin/kb", "Knowledge base", "Edit"}, {"/admin/audit", "Audit log", "Events"}},
				Pass:  1, Fail: 1,
				Doctor: doctor.Report{
					{Item: "Strict CSP", Status: doctor.Pass, Detail: "strict"},
					{Item: "HTTPS only", Status: doctor.Fail, Detail: "no TLS " + evil, Fix: "set TLS_CERT_FILE"},
				},
				Charts: []chartView{
					{ID: "chart-turns", Heading: "Chat turns per hour", Caption: "2 turns.", SVG: svg,
						Columns: [2]string{"Hour (UTC)", "Chat turns"}, Rows: []chartRow{{"09:00", 2}}},
					{ID: "chart-intents", Heading: "Intents", Unavailable: "Chat statistics are not available on this server."},
				},
			},
			want: []string{
				`<ul id="doctor"`, `<li data-status="PASS">`, `<li data-status="FAIL">`, `Fix: set TLS_CERT_FILE`,
				`1 failing, 0 to review, 1 passing`, `<figure id="chart-turns"`, `<svg class="chart"`, `role="img"`,
				`<th scope="row">09:00</th><td>2</td>`, `<figure id="chart-intents"`, `Chat statistics are not available`,
				`href="/admin/kb"`, `href="/admin/audit"`, `aria-current="page"`,
			},
			not: []string{evil},
		},
		{
			name: "dashboard without a checklist",
			page: "admin",
			data: adminData{},
			not:  []string{`id="doctor"`},
		},
		{
			name: "knowledge base with a tried question",
			page: "admin_kb",
			data: adminKBData{
				Entries: []kb.Entry{entry}, Query: "shipping " + evil, MaxTry: 2000,
				Try: &kbTry{Verdict: "In a new conversation the bot answers with “How long does shipping take?” (shipping-times).",
					Hits: []kbHit{
						{ID: "shipping-times", Question: entry.Question, Score: 12.3456, Role: "answer", RoleText: "The bot answers with this"},
						{ID: "returns", Question: "How do I return an item?", Score: 2},
					}},
			},
			want: []string{
				`<table id="kb-table"`, `<tr data-entry="shipping-times">`, `<a class="edit" href="/admin/kb/shipping-times">`,
				`shipping, delivery`, `<time datetime="2026-03-14T09:26:00Z">`, `id="kb-new"`, `href="/admin/kb/new"`,
				`<form id="kb-try"`, `method="post" action="/admin/kb/try"`, `id="kb-try-q" name="q"`, `id="kb-try-submit"`, `maxlength="2000"`,
				`<ol id="kb-try-results"`, `<li data-entry="shipping-times" data-role="answer">`, `<span class="score">12.35</span>`,
				`<li data-entry="returns">`, `<span class="score">2.00</span>`, `The bot answers with this`,
			},
			not: []string{evil},
		},
		{
			name: "knowledge base, empty",
			page: "admin_kb",
			data: adminKBData{MaxTry: 2000},
			want: []string{"No entries yet", `id="kb-new"`},
			not:  []string{`id="kb-try-results"`, `id="kb-table"`},
		},
		{
			name: "new entry form",
			page: "admin_kb_edit",
			data: adminKBEditData{New: true, Action: "/admin/kb"},
			want: []string{`<form id="faq-form"`, `action="/admin/kb"`, `id="faq-id"`, `id="faq-question"`, `id="faq-paraphrases"`,
				`id="faq-answer"`, `id="faq-tags"`, `id="faq-save"`, "Publish entry"},
			not: []string{`id="faq-delete"`, "readonly", `role="alert"`},
		},
		{
			name: "edit form after a refused save keeps the text and names the field",
			page: "admin_kb_edit",
			data: adminKBEditData{Action: "/admin/kb/shipping-times", Error: "The tag “" + evil + "” must be …", Field: "tags",
				Form: faqForm{ID: "shipping-times", Question: "Q " + evil, Paraphrases: "one\ntwo", Answer: "A " + evil, Tags: "Bad Tag!"}},
			want: []string{`id="faq-error" role="alert"`, `readonly`, `action="/admin/kb/shipping-times"`, `value="Bad Tag!"`,
				`aria-describedby="faq-tags-hint faq-error" aria-invalid="true"`, ">one\ntwo</textarea>",
				`action="/admin/kb/shipping-times/delete"`, `id="faq-delete"`},
			not: []string{evil},
		},
		{
			name: "audit log with a broken chain",
			page: "admin_audit",
			data: adminAuditData{
				Filter: auditFilterForm{Level: "WARNING"}, Levels: auditLevels, Types: []string{"auth.login_failed"},
				Entries: []audit.Entry{{ID: 7, Event: audit.Event{Type: "auth.login_failed", Level: audit.LevelWarning, Time: sampleTime,
					Actor: userMe, IP: "203.0.113.9", Target: "user:" + userMe, Details: evil, Status: "denied"}}},
				Chain: chainStatus{Text: "The hash chain is broken at event #3: altered."},
			},
			want: []string{
				`<form id="audit-filters"`, `method="get"`, `<option value="WARNING" selected>`, `<table id="audit-table"`,
				`<tr data-id="7" data-level="WARNING">`, `>2026-03-14 09:26:00</time>`, `203.0.113.9`, `href="/admin/audit?actor=` + userMe + `"`,
				`href="/admin/audit?type=auth.login_failed"`, `<p id="chain-status" class="chain-status" data-ok="false"`, "broken at event #3",
				`&lt;script&gt;alert(1)&lt;/script&gt;`,
			},
			not: []string{evil},
		},
		{
			name: "audit log with a bad filter",
			page: "admin_audit",
			data: adminAuditData{Filter: auditFilterForm{Type: `"><x`}, Levels: auditLevels, Error: "The event type is a dotted name…",
				Chain: chainStatus{OK: true, Text: "The hash chain verifies: all 3 events are intact and in order.", Anchor: "#3, hash ab"}},
			want: []string{`id="audit-error" role="alert"`, `data-ok="true"`, `value="&#34;&gt;&lt;x"`, "Newest event #3, hash ab"},
			not:  []string{`id="audit-table"`, "No events match"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html := renderAdmin(t, u, tt.page, tt.data)
			wantAll(t, html, tt.want...)
			for _, n := range tt.not {
				if strings.Contains(html, n) {
					t.Errorf("page contains %q", n)
				}
			}
		})
	}
}

func TestHourBarsLabelEveryThirdHour(t *testing.T) {
	since := time.Date(2026, 3, 13, 10, 0, 0, 0, time.UTC)
	bars, rows := hourBars(since, []int{1, 0, 3}, "turn", "turns")
	if len(bars) != dashboardHours || len(rows) != dashboardHours {
		t.Fatalf("%d bars, %d rows", len(bars), len(rows))
	}
	if bars[0].Label != "" || bars[2].Label != "12h" || bars[2].Value != 3 || bars[23].Value != 0 {
		t.Errorf("bars %+v", bars[:3])
	}
	if bars[0].Title != "13 Mar, 10:00–11:00 UTC: 1 turn" || rows[2].Label != "13 Mar, 12:00–13:00 UTC" {
		t.Errorf("titles %q / %q", bars[0].Title, rows[2].Label)
	}
	if got := hourCaption(since, []int{1, 0, 3}, "turn", "turns"); got != "4 turns in the last 24 hours; the busiest hour was 12:00 UTC with 3 turns." {
		t.Errorf("caption %q", got)
	}
}

func TestSlugMakesAValidID(t *testing.T) {
	for in, want := range map[string]string{
		"Do you offer gift wrapping?":     "do-you-offer-gift-wrapping",
		"  --Hello,   World!-- ":          "hello-world",
		"Où est ma commande ?":            "o-est-ma-commande",
		"配送にはどのくらいかかりますか":                 "",
		strings.Repeat("abcdefghij ", 10): "abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij-abcdefghij"[:64],
	} {
		got := slug(in)
		if got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
		if got != "" {
			if _, err := kb.Normalize(kb.Entry{ID: got, Question: "A question", Answer: "An answer"}); err != nil {
				t.Errorf("slug(%q) = %q is not a valid id: %v", in, got, err)
			}
		}
	}
}

func TestFAQFormErrorsNameTheLineOrTag(t *testing.T) {
	f := faqForm{ID: "x", Question: "What?", Paraphrases: "fine\n\n" + strings.Repeat("y", 301), Answer: "A", Tags: "ok, Bad!Tag"}
	_, err := kb.Normalize(f.entry())
	msg, field, ok := kbFormProblem(err, f)
	if !ok || field != "paraphrases" || msg != "Paraphrases, line 3: must be 0 to 300 characters." {
		t.Errorf("paraphrase problem: %q %q %t", msg, field, ok)
	}
	f.Paraphrases = ""
	_, err = kb.Normalize(f.entry())
	msg, field, ok = kbFormProblem(err, f)
	if !ok || field != "tags" || !strings.HasPrefix(msg, "The tag “Bad!Tag” must be") {
		t.Errorf("tag problem: %q %q %t", msg, field, ok)
	}
}

func TestAuditFilterParse(t *testing.T) {
	tests := []struct {
		name    string
		in      auditFilterForm
		want    audit.Filter
		problem bool
	}{
		{"empty matches everything", auditFilterForm{}, audit.Filter{}, false},
		{"every filter", auditFilterForm{Type: "auth.login_failed", Actor: userMe, Level: "ERROR", Since: "2026-03-14T09:30"},
			audit.Filter{Type: "auth.login_failed", Actor: userMe, Level: audit.LevelError, Since: time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)}, false},
		{"a date alone", auditFilterForm{Since: "2026-03-14"}, audit.Filter{Since: time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)}, false},
		{"a type with markup", auditFilterForm{Type: "<b>"}, audit.Filter{}, true},
		{"an unknown level", auditFilterForm{Level: "DEBUG"}, audit.Filter{}, true},
		{"a level in lower case", auditFilterForm{Level: "info"}, audit.Filter{}, true},
		{"an actor with spaces", auditFilterForm{Actor: "a b"}, audit.Filter{}, true},
		{"a date we cannot read", auditFilterForm{Since: "yesterday"}, audit.Filter{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problem := tt.in.parse()
			if (problem != "") != tt.problem {
				t.Fatalf("problem %q", problem)
			}
			if !tt.problem && (got.Type != tt.want.Type || got.Actor != tt.want.Actor || got.Level != tt.want.Level || !got.Since.Equal(tt.want.Since)) {
				t.Errorf("parse = %+v, want %+v", got, tt.want)
			}
		})
	}
}

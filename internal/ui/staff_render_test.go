package ui

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/conversations"
	"supportbot/internal/orders"
)

const (
	convA  = "aaaaaaaa00000000000000000000000a"
	convB  = "bbbbbbbb00000000000000000000000b"
	userMe = "11111111000000000000000000000001"
	userX  = "22222222000000000000000000000002"
)

var sampleTime = time.Date(2026, 3, 14, 9, 26, 0, 0, time.UTC)

func staffViewer(role auth.Role) *Viewer {
	return &Viewer{UserID: userMe, Role: role, ExpiresAt: sampleTime.Add(15 * time.Minute)}
}

func TestStaffPagesRender(t *testing.T) {
	u := newUI(t)
	tests := []struct {
		name string
		page string
		data any
		want []string
		not  []string
	}{
		{
			name: "console with a queue and my conversations",
			page: "staff",
			data: staffData{
				Queue: []staffRow{{ID: convA, Since: sampleTime, Waited: "4 min"}},
				Mine:  []staffRow{{ID: convB, Since: sampleTime, Waited: "2 min"}},
			},
			want: []string{
				`<table id="queue"`, `<tr data-conversation="` + convA + `">`, `class="waiting">waiting <time datetime="2026-03-14T09:26:00Z"`, `>4 min</time>`,
				`action="/staff/conversations/` + convA + `/claim"`, `class="claim"`,
				`<table id="mine"`, `<a href="/staff/conversations/` + convB + `">`,
			},
		},
		{
			name: "empty console",
			page: "staff",
			data: staffData{},
			want: []string{"Nobody is waiting", "You hold no open conversations"},
			not:  []string{`id="queue"`, `id="mine"`},
		},
		{
			name: "a conversation I hold, with an order",
			page: "staff_conversation",
			data: staffConversationData{
				ID: convA, Status: conversations.StatusWithAgent, StatusText: "With an agent", CustomerID: userX, AssigneeID: userMe, Mine: true,
				Log:     chatLog{Messages: []chatMessage{{Seq: 3, Sender: conversations.SenderCustomer, Who: "Customer", Text: "<b>help</b>", At: sampleTime}}},
				LastSeq: 3, FragmentURL: "/staff/conversations/" + convA + "/messages", EventsURL: "/api/v1/conversations/" + convA + "/events",
				CanReply: true, CanClose: true, MaxChars: 2000, ReplyText: "draft <i>", ReplyLen: 9, ReplyError: "Your reply is empty.",
				Orders: []staffOrder{{Number: "ORD001", Status: orders.StatusShipped, StatusText: "Shipped", TotalCents: 2900, Currency: "EUR",
					Carrier: "PostNL", Tracking: "3SNW", CreatedAt: sampleTime}},
			},
			want: []string{
				`<section id="chat"`, `data-conversation="` + convA + `"`, `data-fragment-url="/staff/conversations/` + convA + `/messages"`,
				`data-events-url="/api/v1/conversations/` + convA + `/events"`, `data-last-seq="3"`,
				`<ol id="chat-log"`, `aria-live="polite"`, `data-seq="3"`, `&lt;b&gt;help&lt;/b&gt;`,
				`<form id="reply-form" method="post" action="/staff/conversations/` + convA + `/replies" data-chat-form>`,
				`<textarea id="reply-text" name="text"`, `maxlength="2000"`, `draft &lt;i&gt;`, `role="alert" data-chat-error>Your reply is empty.`, `data-status="with_agent"`, `<strong data-status-text>With an agent</strong>`, `data-chat-counter>9 / 2000`, `id="reply-send"`,
				`<form id="close-form"`, `<section id="customer-orders"`, `data-order="ORD001"`, `class="order-status">Shipped`,
			},
			not: []string{`/claim"`, "<b>help</b>"},
		},
		{
			name: "a conversation waiting in the queue",
			page: "staff_conversation",
			data: staffConversationData{
				ID: convA, Status: conversations.StatusWaiting, StatusText: "Waiting for an agent", CustomerID: userX,
				Since: sampleTime, Waited: "7 min", CanClaim: true,
				FragmentURL: "/staff/conversations/" + convA + "/messages", EventsURL: "/api/v1/conversations/" + convA + "/events",
			},
			want: []string{`action="/staff/conversations/` + convA + `/claim"`, `waiting <time`, "No orders of this customer are assigned to you"},
			not:  []string{`id="reply-form"`, `id="close-form"`},
		},
		{
			name: "users with every state and inline errors",
			page: "admin_users",
			data: adminUsersData{
				Roles: auth.Roles(), Role: "support",
				Users: []userRow{
					{ID: userMe, Name: "Ada", Email: "ada@example.com", Role: auth.RoleAdmin, Self: true, TwoFactor: "on", HasTOTP: true},
					{ID: userX, Name: "Sam <x>", Email: "sam@example.com", Role: auth.RoleSupport, Disabled: true, Locked: true,
						LockedUntil: sampleTime, FailedLogins: 5, TwoFactor: "pending", HasTOTP: true},
				},
				HasNext: true, NextOffset: 50,
				Form:        staffForm{Role: "admin", Email: "new@example.com", Name: "New"},
				CreateError: "The initial password does not meet the rules:", CreateRules: []string{"Use at least 12 characters."},
				ActionError: "An instance must keep one enabled admin; add or enable another admin first.",
			},
			want: []string{
				`<form id="staff-create-form"`, `<select id="new-role" name="role">`, `<option value="admin" selected>`,
				`id="new-email" name="email"`, `value="new@example.com"`, `id="new-name" name="name"`, `value="New"`, `id="new-password" name="password" type="password"`,
				`id="staff-create-submit"`, `role="alert"`, "<li>Use at least 12 characters.</li>",
				`id="users-error" role="alert">An instance must keep one enabled admin`,
				`<table id="users-table"`, `<tr data-user="` + userX + `" data-role="support" data-disabled="true" data-locked="true">`,
				`Locked until <time datetime="2026-03-14T09:26:00Z">`, "Sam &lt;x&gt;",
				`name="change" value="role"`, `name="change" value="enable"`, `name="change" value="unlock"`, `name="change" value="reset_2fa"`,
				`<option value="support" selected>support</option>`, `href="/admin/users?role=support&amp;offset=50"`,
			},
			not: []string{`action="/admin/users/` + userMe + `"`, `name="change" value="disable"`},
		},
		{
			name: "order assignment",
			page: "admin_orders",
			data: adminOrdersData{
				Orders: []adminOrderRow{
					{Number: "ORD001", Status: "Shipped", StatusKey: "shipped", CustomerID: userX, TotalCents: 2900, Currency: "EUR", CreatedAt: sampleTime,
						AssigneeID: userMe, AssigneeName: "Sam", AssigneeListed: true},
					{Number: "ORD003", Status: "Pending", StatusKey: "pending", CustomerID: userX, TotalCents: 100, Currency: "EUR", CreatedAt: sampleTime,
						AssigneeID: userX, AssigneeName: "Gone"},
					{Number: "ORD002", Status: "Pending", StatusKey: "pending", CustomerID: userX, TotalCents: 100, Currency: "EUR", CreatedAt: sampleTime},
				},
				Staff:      []staffOption{{ID: userMe, Name: "Sam", Email: "sam@example.com"}},
				NextCursor: "abc/+=",
				Error:      "That account is not enabled support staff; choose someone from the list.",
			},
			want: []string{
				`<table id="orders-table"`, `<tr data-order="ORD001" data-status="shipped" data-assignee="` + userMe + `">`,
				`action="/admin/orders/ORD001/assign"`, `<select id="assign-ORD001" name="staff_id">`,
				`<option value="` + userMe + `" selected>Sam (sam@example.com)</option>`, `<option value="" selected>Nobody</option>`,
				`href="/admin/orders?cursor=abc%2f%2b%3d"`, `<option value="` + userX + `" selected>Gone (can take no new orders)</option>`, `id="assign-error" role="alert"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			role := auth.RoleSupport
			if strings.HasPrefix(tt.page, "admin") {
				role = auth.RoleAdmin
			}
			body, err := u.render(tt.page, page{Title: "T", Nonce: "n0nce", Viewer: staffViewer(role), Section: "staff", Data: tt.data})
			if err != nil {
				t.Fatal(err)
			}
			html := string(body)
			checkStrict(t, html)
			wantAll(t, html, tt.want...)
			wantAll(t, html, `href="/static/console.`)
			for _, n := range tt.not {
				if strings.Contains(html, n) {
					t.Errorf("page shows %q", n)
				}
			}
		})
	}
}

func TestWaitedText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                            "less than a minute",
		59 * time.Second:             "less than a minute",
		4*time.Minute + time.Second:  "4 min",
		2 * time.Hour:                "2 h",
		2*time.Hour + 5*time.Minute:  "2 h 5 min",
		30 * time.Hour:               "1 day",
		3*24*time.Hour + time.Minute: "3 days",
	} {
		if got := waitedText(d); got != want {
			t.Errorf("waitedText(%s) = %q, want %q", d, got, want)
		}
	}
}

// TestLastAdminGuardIsShownInline: the refusals that keep an instance
// from losing its last admin come back as a message for the users page,
// not as an error page.
func TestLastAdminGuardIsShownInline(t *testing.T) {
	for _, err := range []error{auth.ErrLastAdmin, auth.ErrSelfChange} {
		msg, status, fail := problem(httptest.NewRecorder(), err)
		if fail != nil || status != 403 || msg == "" || strings.Contains(msg, "auth:") {
			t.Errorf("problem(%v) = %q, %d, %v; want a fixed inline message with 403", err, msg, status, fail)
		}
	}
	if _, _, fail := problem(httptest.NewRecorder(), errors.New("store down")); fail == nil {
		t.Error("a store failure is shown inline")
	}
}

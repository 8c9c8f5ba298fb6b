package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// TestAdminCreatesStaffEnrolsTOTPAndEditsKnowledgeBase: the admin sees the
// dashboard and creates a support account; the new staff member enrols TOTP
// with a code computed from the secret the page shows, gets recovery codes
// and signs in again with one as the second factor; the admin assigns an
// order to them, edits the shipping-times answer, finds it with the "try a
// question" box, and the chat answers with the new text. The audit log's
// hash chain verifies.
func TestAdminCreatesStaffEnrolsTOTPAndEditsKnowledgeBase(t *testing.T) {
	srv := startServer(t)
	b := newBrowser(t, srv)
	admin := b.newTab("admin")
	var creds login
	for _, l := range srv.logins {
		if l.Role == "admin" {
			creds = l
		}
	}
	if creds.Email == "" {
		t.Fatalf("no admin among the demo logins %v", srv.logins)
	}

	// One mistyped password first, so the failed sign-ins chart has a point.
	admin.open("/login")
	admin.fill("#email", creds.Email)
	admin.fill("#password", "Not-the-passw0rd!")
	admin.submit("sign in with a wrong password", "#login-submit", http.StatusUnauthorized)
	admin.waitVisible(`#login-error[role="alert"]`)
	admin.signIn(creds.Email, creds.Password)
	if p := admin.path(); !strings.HasPrefix(p, "/admin") {
		t.Errorf("the admin's sign-in lands on %s, want the dashboard", p)
	}
	admin.open("/admin")
	admin.waitVisible(`#doctor li[data-status]`)
	for _, chart := range []string{"chart-turns", "chart-intents", "chart-failed-logins"} {
		sel := "figure#" + chart + ` svg[role="img"]`
		admin.waitVisible(sel)
		if title := eval[string](admin, fmt.Sprintf(`(document.querySelector(%s + ' title') || {textContent: ''}).textContent.trim()`, js(sel))); title == "" {
			t.Errorf("%s has no <title>", sel)
		}
	}

	// Create a support account.
	const staffEmail, staffName, staffPassword = "nora@northwind.example", "Nora Support", "Nora-e2e-Passw0rd!"
	admin.open("/admin/users")
	admin.waitVisible("#staff-create-form")
	admin.setValue("#new-role", "support")
	admin.fill("#new-email", staffEmail)
	admin.fill("#new-name", staffName)
	admin.fill("#new-password", staffPassword)
	admin.submit("create the staff account", "#staff-create-submit", http.StatusOK)
	noraRow := fmt.Sprintf(`Array.from(document.querySelectorAll('#users-table tr[data-user]')).find((tr) => (tr.querySelector('.user-email') || tr).textContent.includes(%s))`, js(staffEmail))
	admin.waitFor("the new account in #users-table", noraRow)
	if role := eval[string](admin, noraRow+".dataset.role"); role != "support" {
		t.Errorf("the new account's role is %q, want support", role)
	}
	admin.screenshot("admin-users")

	// The new staff member enrols TOTP under My account.
	nora := b.newTab("new staff nora")
	nora.signIn(staffEmail, staffPassword)
	nora.open("/account")
	nora.waitVisible("#twofa-enroll-form")
	nora.fill("#twofa-password", staffPassword)
	nora.submit("start the enrolment", "#twofa-enroll-submit", http.StatusOK)
	nora.waitVisible("#totp-qr")
	nora.waitFor("the QR code image to load", `document.querySelector('#totp-qr').complete && document.querySelector('#totp-qr').naturalWidth > 0`)
	secret := strings.ToUpper(strings.Join(strings.Fields(nora.text("#totp-secret")), ""))
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatalf("TOTP code from the secret %q shown: %v", secret, err)
	}
	nora.fill("#twofa-code", code)
	nora.submit("confirm the enrolment", "#twofa-confirm-submit", http.StatusOK)
	nora.waitVisible("#recovery-codes li")
	if n := eval[int](nora, `document.querySelectorAll('#recovery-codes li').length`); n < 5 {
		t.Errorf("%d recovery codes shown, want at least 5", n)
	}
	recovery := nora.text("#recovery-codes li")
	nora.submit("continue after saving the codes", "#continue", http.StatusOK)

	// Signing in again asks for the second factor; a recovery code passes.
	nora.signOut()
	nora.open("/login")
	nora.fill("#email", staffEmail)
	nora.fill("#password", staffPassword)
	nora.submit("sign in with the password", "#login-submit", http.StatusOK)
	nora.waitVisible("#mfa-form")
	nora.fill("#code", recovery)
	nora.submit("second factor: a recovery code", "#mfa-submit", http.StatusOK)
	nora.waitVisible(`form[action="/logout"] button`)
	admin.open("/admin/users")
	admin.waitFor("the new account in #users-table", noraRow)
	if state := eval[string](admin, noraRow+".querySelector('.user-2fa').dataset['2fa']"); state != "on" {
		t.Errorf("the users table says two-factor %q for the new account after enrolment, want on", state)
	}

	// Assign one of Alice's unassigned orders to the new staff member.
	noraID := eval[string](admin, noraRow+".dataset.user")
	admin.open("/admin/orders")
	order := `#orders-table tr[data-order="ORD002"]`
	admin.waitVisible(order)
	if a := eval[string](admin, `document.querySelector('#orders-table tr[data-order="ORD002"]').dataset.assignee || ''`); a != "" {
		t.Fatalf("ORD002 is assigned already (%s); the demo seeds it unassigned", a)
	}
	admin.setValue(order+` select[name="staff_id"]`, noraID)
	admin.submit("assign ORD002", order+` button[type="submit"]`, http.StatusOK)
	admin.waitVisible(order)
	if a := eval[string](admin, `document.querySelector('#orders-table tr[data-order="ORD002"]').dataset.assignee || ''`); a != noraID {
		t.Errorf("ORD002 data-assignee = %q after assigning it, want %q", a, noraID)
	}
	if name := admin.text(order + " .assignee"); !strings.Contains(name, staffName) {
		t.Errorf("ORD002 shows assignee %q, want %s", name, staffName)
	}

	// Edit the shipping-times answer.
	const question = "How long does delivery take?"
	newAnswer := "E2E check: every parcel now arrives within 48 hours, anywhere in the EU."
	admin.open("/admin/kb")
	entry := `#kb-table tr[data-entry="shipping-times"]`
	admin.waitVisible(entry)
	admin.waitVisible("#kb-new")
	admin.screenshot("admin-kb")
	admin.submit("edit the shipping-times entry", entry+" a.edit", http.StatusOK)
	admin.waitVisible("#faq-form")
	if id := eval[string](admin, `document.querySelector('#faq-id').value`); id != "shipping-times" {
		t.Errorf("the editor holds entry %q, want shipping-times", id)
	}
	admin.setValue("#faq-answer", newAnswer)
	admin.submit("save the entry", "#faq-save", http.StatusOK)

	admin.open("/admin/kb")
	admin.fill("#kb-try-q", question)
	admin.submit("try a question", "#kb-try-submit", http.StatusOK)
	admin.waitVisible(`#kb-try-results li[data-entry]`)
	if top := eval[string](admin, `document.querySelector('#kb-try-results li[data-entry]').dataset.entry`); top != "shipping-times" {
		t.Errorf("the best match for %q is %q, want shipping-times", question, top)
	}
	if score := eval[string](admin, `(document.querySelector('#kb-try-results li[data-entry] .score') || {textContent: ''}).textContent.trim()`); score == "" {
		t.Errorf("the try box shows no score")
	}

	// The chat answers with the new text. The server rebuilds the bot's
	// index in the background after an edit, so the question is asked again
	// (a few times at most) until the rebuilt index answers.
	admin.openChat()
	var answers []string
	for attempt := 0; ; attempt++ {
		_, bot := admin.say(question)
		answers = append(answers, bot)
		if strings.Contains(bot, newAnswer) {
			if attempt > 0 {
				t.Logf("the edited answer came on attempt %d (the index is rebuilt in the background)", attempt+1)
			}
			break
		}
		if attempt == 4 {
			t.Fatalf("the chat never gave the edited answer; it said:\n  %s", strings.Join(answers, "\n  "))
		}
	}

	// The audit log shows the changes and its hash chain verifies.
	admin.open("/admin/audit")
	admin.waitVisible("#audit-filters")
	admin.waitVisible("#audit-table")
	admin.waitVisible(`#chain-status[data-ok="true"]`)
	if n := eval[int](admin, `document.querySelectorAll('#audit-table tbody tr').length`); n == 0 {
		t.Errorf("the audit table is empty")
	}
	admin.screenshot("admin-audit")

	// The dashboard last, so its charts show this test's activity.
	admin.open("/admin")
	admin.waitVisible(`#doctor li[data-status]`)
	admin.screenshot("admin-dashboard")
	for _, p := range []string{"/admin", "/admin/users", "/admin/orders", "/admin/kb", "/admin/audit", "/account"} {
		admin.checkFits(p)
	}
}

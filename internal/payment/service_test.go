package payment_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/clock"
	"supportbot/internal/crypto"
	"supportbot/internal/orders"
	"supportbot/internal/payment"
	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
)

var start = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

var (
	ann = caller("customer-ann", auth.RoleCustomer)
	sue = caller("support-sue", auth.RoleSupport)
	sam = caller("support-sam", auth.RoleSupport)
	ada = caller("admin-ada", auth.RoleAdmin)
)

func caller(id string, role auth.Role) orders.Caller {
	return orders.Caller{Actor: auth.Actor{UserID: id, Role: role}, IP: "203.0.113.9", RequestID: "req-" + id}
}

type fixture struct {
	db     *storage.DB
	orders *orders.Service
	svc    *payment.Service
	rec    *audit.Memory
	clock  *clock.Manual
}

func newFixture(t *testing.T, db *storage.DB, opts payment.Options) *fixture {
	t.Helper()
	keys, err := crypto.NewKeyring(bytes.Repeat([]byte{0x11}, crypto.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(start)
	rec := &audit.Memory{}
	ords := orders.NewService(db, keys, rec, orders.Options{Clock: clk.Now})
	opts.Clock = clk.Now
	f := &fixture{db: db, orders: ords, svc: payment.NewService(db, ords, rec, opts), rec: rec, clock: clk}
	for _, o := range []orders.Order{
		{Number: "ORD001", CustomerID: "customer-ann", AssigneeID: "support-sue", Status: orders.StatusPending},
		{Number: "ORD002", CustomerID: "customer-ann", AssigneeID: "support-sue", Status: orders.StatusCancelled},
		{Number: "ORD003", CustomerID: "customer-ann", Status: orders.StatusProcessing},
	} {
		o.Currency = "EUR"
		o.Items = []orders.Item{{SKU: "MUG-1", Name: "Blue mug", Quantity: 3, PriceCents: 1250}, {SKU: "TEA-9", Name: "Tea", Quantity: 1, PriceCents: 499}}
		if _, err := ords.Create(context.Background(), o); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) events(typ string) []audit.Event {
	var out []audit.Event
	for _, e := range f.rec.Events() {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func (f *fixture) count(t *testing.T) int {
	t.Helper()
	var n int
	if err := f.db.SQL().QueryRowContext(context.Background(), `SELECT count(*) FROM payment_requests`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

var reference = regexp.MustCompile(`^PAY-ORD001-[0-9A-HJKMNP-TV-Z]{6}$`)

func TestCreateManualRequest(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, payment.Options{Instructions: "Transfer to IBAN DE00 0000, quoting the reference.", PaymentLink: "https://pay.example.com/shop"})
		ctx := context.Background()
		r, err := f.svc.Create(ctx, sue, "ord001", payment.MethodManual)
		if err != nil {
			t.Fatal(err)
		}
		if r.OrderNumber != "ORD001" || r.AmountCents != 4249 || r.Currency != "EUR" || !reference.MatchString(r.Reference) ||
			r.Instructions != "Transfer to IBAN DE00 0000, quoting the reference." || r.PaymentLink != "https://pay.example.com/shop" ||
			r.Status != payment.StatusOpen || r.CreatedBy != "support-sue" || !r.CreatedAt.Equal(start) || len(r.ID) != 32 {
			t.Fatalf("request %+v", r)
		}
		events := f.events(payment.EventRequestCreated)
		if len(events) != 1 {
			t.Fatalf("%d events", len(events))
		}
		if e := events[0]; e.Actor != "support-sue" || e.IP != sue.IP || e.RequestID != sue.RequestID ||
			e.Target != "order:ORD001" || e.Status != "success" || e.Details != "reference="+r.Reference {
			t.Fatalf("event %+v", e)
		}

		// Asking again returns the open request; nothing new is recorded.
		again, err := f.svc.Create(ctx, ada, "ORD001", payment.MethodManual)
		if err != nil || again != r {
			t.Fatalf("second request: %+v, %v", again, err)
		}
		if n := len(f.events(payment.EventRequestCreated)); n != 1 || f.count(t) != 1 {
			t.Fatalf("%d events, %d rows", n, f.count(t))
		}

		// Everyone who may read the order sees it.
		for _, c := range []orders.Caller{ann, sue, ada} {
			list, err := f.svc.List(ctx, c, "ORD001")
			if err != nil || len(list) != 1 || list[0] != r {
				t.Fatalf("List as %s: %+v, %v", c.Actor.UserID, list, err)
			}
		}
		_, err = f.svc.List(ctx, sam, "ORD001")
		if !errors.Is(err, orders.ErrNotFound) {
			t.Fatalf("List by unassigned support: %v", err)
		}

		// Defaults: the standard instructions, no link.
		plain := newFixture(t, storagetest.SQLite(t), payment.Options{})
		r2, err := plain.svc.Create(ctx, ada, "ORD003", payment.MethodManual)
		if err != nil || r2.Instructions != payment.DefaultInstructions || r2.PaymentLink != "" {
			t.Fatalf("defaults: %+v, %v", r2, err)
		}
	})
}

func TestAutomatedCardIsRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, payment.Options{})
		ctx := context.Background()
		const want = "payment: automated card payments are disabled for PCI-DSS compliance; use the manual method (PAYMENT_METHOD=manual)"
		for _, c := range []orders.Caller{ada, sue, ann} {
			_, err := f.svc.Create(ctx, c, "ORD001", payment.MethodAutomatedCard)
			if err == nil || err.Error() != want || !errors.Is(err, payment.ErrAutomatedCardDisabled) {
				t.Fatalf("%s: err = %v", c.Actor.UserID, err)
			}
		}
		for _, m := range []payment.Method{"", "card", "AUTOMATED_CARD"} {
			_, err := f.svc.Create(ctx, ada, "ORD001", m)
			if !errors.Is(err, payment.ErrAutomatedCardDisabled) {
				t.Fatalf("method %q: %v", m, err)
			}
		}
		refused := f.events(payment.EventAutomatedRefused)
		if len(refused) != 6 {
			t.Fatalf("%d refusal events, want 6", len(refused))
		}
		if e := refused[0]; e.Actor != "admin-ada" || e.IP != ada.IP || e.RequestID != ada.RequestID || e.Target != "order:ORD001" ||
			e.Level != audit.LevelWarning || e.Status != "denied" || e.Details != "method=automated_card" {
			t.Fatalf("event %+v", e)
		}
		if e := refused[3]; e.Details != "method=unknown" {
			t.Fatalf("event %+v", e)
		}
		if f.count(t) != 0 {
			t.Fatal("a refused request was stored")
		}
	})
}

func TestWhoMayRequestPayment(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, payment.Options{})
		ctx := context.Background()

		// A customer may never, not even for their own order.
		_, err := f.svc.Create(ctx, ann, "ORD001", payment.MethodManual)
		if !errors.Is(err, orders.ErrForbidden) || !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("customer: %v", err)
		}
		denied := f.events(auth.EventAccessDenied)
		if len(denied) != 1 || denied[0].Actor != "customer-ann" || denied[0].Target != "order:ORD001" || denied[0].Status != "denied" {
			t.Fatalf("events %+v", denied)
		}

		// Support only for assigned orders: ORD003 is nobody's; a missing
		// order is the same answer.
		_, errOther := f.svc.Create(ctx, sue, "ORD003", payment.MethodManual)
		_, errMissing := f.svc.Create(ctx, sue, "ORD404", payment.MethodManual)
		for _, err := range []error{errOther, errMissing} {
			if !errors.Is(err, orders.ErrNotFound) || !errors.Is(err, auth.ErrNotFound) {
				t.Fatalf("support, unassigned: %v", err)
			}
		}
		if n := len(f.events(auth.EventAccessDenied)); n != 3 {
			t.Fatalf("%d access.denied events, want 3", n)
		}
		if _, err := f.svc.Create(ctx, sue, "ORD001", payment.MethodManual); err != nil {
			t.Fatalf("support, assigned: %v", err)
		}
		// Admins for any order.
		if _, err := f.svc.Create(ctx, ada, "ORD003", payment.MethodManual); err != nil {
			t.Fatalf("admin: %v", err)
		}

		// A cancelled order is not payable; an invalid number never reaches
		// the database.
		_, err = f.svc.Create(ctx, ada, "ORD002", payment.MethodManual)
		if !errors.Is(err, payment.ErrNotPayable) {
			t.Fatalf("cancelled order: %v", err)
		}
		_, err = f.svc.Create(ctx, ada, "x'; DROP TABLE orders;--", payment.MethodManual)
		if !errors.Is(err, orders.ErrInvalidNumber) {
			t.Fatalf("invalid number: %v", err)
		}
		if n := len(f.events(payment.EventRequestCreated)); n != 2 || f.count(t) != 2 {
			t.Fatalf("%d events, %d rows, want 2", n, f.count(t))
		}
	})
}

func TestConcurrentRequestsMakeOne(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, payment.Options{})
		ctx := context.Background()
		const n = 10
		refs := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := f.svc.Create(ctx, sue, "ORD001", payment.MethodManual)
				if err != nil {
					t.Error(err)
				}
				refs[i] = r.Reference
			}()
		}
		wg.Wait()
		for _, r := range refs {
			if r != refs[0] {
				t.Fatalf("different requests: %q", refs)
			}
		}
		if got := len(f.events(payment.EventRequestCreated)); got != 1 || f.count(t) != 1 {
			t.Fatalf("%d events, %d rows, want 1", got, f.count(t))
		}
	})
}

func TestInvalidLinkIsNeverSent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, payment.Options{PaymentLink: "http://pay.example.com"})
		_, err := f.svc.Create(context.Background(), ada, "ORD001", payment.MethodManual)
		if !errors.Is(err, payment.ErrInvalidLink) || f.count(t) != 0 {
			t.Fatalf("err = %v", err)
		}
	})
}

// TestNoCardFields: neither the type nor the table has anywhere to put
// card data (DESIGN.md invariant 6).
func TestNoCardFields(t *testing.T) {
	cardish := regexp.MustCompile(`(?i)card|pan|cvv|cvc|cid|expir|security_?code`)
	rt := reflect.TypeFor[payment.Request]()
	for i := range rt.NumField() {
		if name := rt.Field(i).Name; cardish.MatchString(name) {
			t.Errorf("Request has a field %s", name)
		}
	}
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		for _, table := range []string{"payment_requests", "orders"} {
			rows, err := db.SQL().QueryContext(context.Background(), `SELECT * FROM `+table+` WHERE 1 = 0`)
			if err != nil {
				t.Fatal(err)
			}
			cols, err := rows.Columns()
			_ = rows.Close()
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cols {
				if cardish.MatchString(c) {
					t.Errorf("%s has a column %s", table, c)
				}
			}
			if len(cols) == 0 || !strings.Contains(strings.Join(cols, ","), "id") {
				t.Fatalf("%s: columns %v", table, cols)
			}
		}
	})
}

package orders_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/orders"
	"supportbot/internal/storage"
	"supportbot/internal/storage/storagetest"
)

func TestCreate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, orders.Options{})
		ctx := context.Background()
		o := f.create("ord001", "customer-ann", "", "")
		if o.Number != "ORD001" || o.Status != orders.StatusPending || o.TotalCents != 2500 || o.Version != 1 || len(o.ID) != 32 {
			t.Fatalf("created %+v", o)
		}
		if !o.CreatedAt.Equal(start) || !o.UpdatedAt.Equal(start) {
			t.Fatalf("times %v %v, want %v", o.CreatedAt, o.UpdatedAt, start)
		}
		got := f.get(t, "ORD001")
		if fmt.Sprint(got) != fmt.Sprint(o) {
			t.Fatalf("read back\n%+v\nwant\n%+v", got, o)
		}
		f.wantEvent(t, orders.EventCreated, "order:ORD001", orders.Caller{}, "success")

		// A delivered order gets the timestamps its status implies.
		d := f.create("ORD002", "customer-ann", orders.StatusDelivered, "")
		if !d.ShippedAt.Equal(start) || !d.DeliveredAt.Equal(start) || !d.CancelledAt.IsZero() {
			t.Fatalf("delivered order times: %+v", d)
		}

		base := orders.Order{Number: "ORD100", CustomerID: "customer-ann", Currency: "EUR",
			Items: []orders.Item{{SKU: "A", Name: "A thing", Quantity: 1, PriceCents: 100}}}
		for _, tc := range []struct {
			name   string
			change func(o *orders.Order)
			want   error
		}{
			{"duplicate number", func(o *orders.Order) { o.Number = "ORD001" }, orders.ErrNumberTaken},
			{"duplicate in other case", func(o *orders.Order) { o.Number = "ord001" }, orders.ErrNumberTaken},
			{"invalid number", func(o *orders.Order) { o.Number = "x'; DROP TABLE orders;--" }, orders.ErrInvalidNumber},
			{"no customer", func(o *orders.Order) { o.CustomerID = "" }, orders.ErrInvalidOrder},
			{"no items", func(o *orders.Order) { o.Items = nil }, orders.ErrInvalidOrder},
			{"zero quantity", func(o *orders.Order) { o.Items = []orders.Item{{SKU: "A", Name: "A", Quantity: 0}} }, orders.ErrInvalidOrder},
			{"negative price", func(o *orders.Order) { o.Items = []orders.Item{{SKU: "A", Name: "A", Quantity: 1, PriceCents: -1}} }, orders.ErrInvalidOrder},
			{"overflowing total", func(o *orders.Order) {
				o.Items = []orders.Item{{SKU: "A", Name: "A", Quantity: 10, PriceCents: 1 << 62}}
			}, orders.ErrInvalidOrder},
			{"no name", func(o *orders.Order) { o.Items = []orders.Item{{SKU: "A", Quantity: 1}} }, orders.ErrInvalidOrder},
			{"lower-case currency", func(o *orders.Order) { o.Currency = "eur" }, orders.ErrInvalidOrder},
			{"no currency", func(o *orders.Order) { o.Currency = "" }, orders.ErrInvalidOrder},
			{"unknown status", func(o *orders.Order) { o.Status = "lost" }, orders.ErrInvalidOrder},
			{"control character in address", func(o *orders.Order) { o.ShippingAddress = "1 High St\x00" }, orders.ErrInvalidOrder},
		} {
			t.Run(tc.name, func(t *testing.T) {
				o := base
				tc.change(&o)
				_, err := f.svc.Create(ctx, o)
				wantErr(t, err, tc.want)
			})
		}
	})
}

func TestOwnership(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, orders.Options{})
		ctx := context.Background()
		f.create("ORD001", "customer-ann", orders.StatusPending, "support-sue")

		for _, tc := range []struct {
			name string
			c    orders.Caller
			ok   bool
		}{
			{"owner", ann, true},
			{"other customer", bob, false},
			{"assigned support", sue, true},
			{"unassigned support", sam, false},
			{"admin", ada, true},
		} {
			t.Run(tc.name, func(t *testing.T) {
				o, err := f.svc.Get(ctx, tc.c, "ord001")
				if tc.ok {
					if err != nil || o.Number != "ORD001" || o.ShippingAddress == "" {
						t.Fatalf("Get = %+v, %v", o, err)
					}
					return
				}
				wantErr(t, err, orders.ErrNotFound)
				wantErr(t, err, auth.ErrNotFound)
				if o.ID != "" {
					t.Fatal("refusal returned the order")
				}
				e := f.wantEvent(t, auth.EventAccessDenied, "order:ORD001", tc.c, "denied")
				if e.Level != audit.LevelWarning || !strings.Contains(e.Details, "not theirs") {
					t.Fatalf("event %+v", e)
				}
			})
		}

		t.Run("someone else's and a missing order are the same error", func(t *testing.T) {
			_, other := f.svc.Get(ctx, bob, "ORD001")
			_, missing := f.svc.Get(ctx, bob, "ORD999")
			if other.Error() != strings.Replace(missing.Error(), "ORD999", "ORD001", 1) {
				t.Fatalf("errors differ:\n%v\n%v", other, missing)
			}
			wantErr(t, missing, orders.ErrNotFound)
			e := f.wantEvent(t, auth.EventAccessDenied, "order:ORD999", bob, "denied")
			if !strings.Contains(e.Details, "no such order") {
				t.Fatalf("event %+v", e)
			}
			// The same holds for changes.
			for name, call := range map[string]func(number string) error{
				"cancel":  func(n string) error { _, err := f.svc.Cancel(ctx, bob, n, ""); return err },
				"return":  func(n string) error { _, err := f.svc.RequestReturn(ctx, bob, n, ""); return err },
				"advance": func(n string) error { _, err := f.svc.Advance(ctx, sam, n, orders.StatusProcessing); return err },
			} {
				a, b := call("ORD001"), call("ORD998")
				wantErr(t, a, orders.ErrNotFound)
				if a.Error() != strings.Replace(b.Error(), "ORD998", "ORD001", 1) {
					t.Errorf("%s: errors differ:\n%v\n%v", name, a, b)
				}
			}
			if o := f.get(t, "ORD001"); o.Status != orders.StatusPending || o.Version != 1 {
				t.Fatalf("refused calls changed the order: %+v", o)
			}
		})
	})
}

func TestForbiddenRoles(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, orders.Options{})
		ctx := context.Background()
		f.create("ORD001", "customer-ann", orders.StatusProcessing, "support-sue")
		nobody := orders.Caller{Actor: auth.Actor{UserID: "", Role: auth.RoleAdmin}, IP: "198.51.100.1"}
		forged := orders.Caller{Actor: auth.Actor{UserID: "x", Role: "root"}, IP: "198.51.100.1"}
		for _, tc := range []struct {
			name string
			c    orders.Caller
			call func(c orders.Caller) error
		}{
			{"customer assigns", ann, func(c orders.Caller) error { _, err := f.svc.Assign(ctx, c, "ORD001", "support-sam"); return err }},
			{"support assigns", sue, func(c orders.Caller) error { _, err := f.svc.Assign(ctx, c, "ORD001", "support-sue"); return err }},
			{"customer ships own order", ann, func(c orders.Caller) error {
				_, err := f.svc.Advance(ctx, c, "ORD001", orders.StatusShipped)
				return err
			}},
			{"no user id", nobody, func(c orders.Caller) error { _, err := f.svc.Get(ctx, c, "ORD001"); return err }},
			{"unknown role", forged, func(c orders.Caller) error { _, err := f.svc.Cancel(ctx, c, "ORD001", ""); return err }},
			{"unknown role lists", forged, func(c orders.Caller) error { _, err := f.svc.List(ctx, c, orders.Page{}); return err }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := len(f.events(auth.EventAccessDenied))
				err := tc.call(tc.c)
				wantErr(t, err, orders.ErrForbidden)
				wantErr(t, err, auth.ErrForbidden)
				denied := f.events(auth.EventAccessDenied)
				if len(denied) != before+1 {
					t.Fatalf("%d access.denied events, want %d", len(denied), before+1)
				}
				if e := denied[len(denied)-1]; e.Actor != tc.c.Actor.UserID || e.IP != tc.c.IP || e.Status != "denied" {
					t.Fatalf("event %+v", e)
				}
			})
		}
		if o := f.get(t, "ORD001"); o.Status != orders.StatusProcessing || o.AssigneeID != "support-sue" {
			t.Fatalf("refused calls changed the order: %+v", o)
		}
	})
}

// TestInvalidNumberIsRefusedBeforeAnyQuery uses a Service without a
// database: any query would panic.
func TestInvalidNumberIsRefusedBeforeAnyQuery(t *testing.T) {
	var seen []string
	valid := func(s string) (string, bool) {
		seen = append(seen, s)
		if strings.HasPrefix(s, "ORD") && len(s) == 6 {
			return s, true
		}
		return "", false
	}
	rec := &audit.Memory{}
	svc := orders.NewService(nil, nil, rec, orders.Options{ValidNumber: valid})
	ctx := context.Background()
	const attack = "x'; DROP TABLE orders;--"
	for name, call := range map[string]func() error{
		"get":     func() error { _, err := svc.Get(ctx, ann, attack); return err },
		"cancel":  func() error { _, err := svc.Cancel(ctx, ann, attack, "r"); return err },
		"return":  func() error { _, err := svc.RequestReturn(ctx, ann, attack, "r"); return err },
		"advance": func() error { _, err := svc.Advance(ctx, sue, attack, orders.StatusShipped); return err },
		"assign":  func() error { _, err := svc.Assign(ctx, ada, attack, "support-sue"); return err },
		"create": func() error {
			_, err := svc.Create(ctx, orders.Order{Number: attack, CustomerID: "c", Currency: "EUR"})
			return err
		},
	} {
		seen = nil
		err := call()
		wantErr(t, err, orders.ErrInvalidNumber)
		if len(seen) != 1 || seen[0] != attack {
			t.Errorf("%s: ValidNumber saw %q", name, seen)
		}
		if strings.Contains(err.Error(), "DROP") {
			t.Errorf("%s: the raw input is in the error: %v", name, err)
		}
	}
	if _, err := svc.CanonicalNumber(attack); !errors.Is(err, orders.ErrInvalidNumber) {
		t.Fatalf("CanonicalNumber: %v", err)
	}
	if n, err := svc.CanonicalNumber("ORD001"); err != nil || n != "ORD001" {
		t.Fatalf("CanonicalNumber: %q, %v", n, err)
	}
	// A validator's odd answer is refused too: canonical numbers go into
	// audit targets.
	odd := orders.NewService(nil, nil, rec, orders.Options{ValidNumber: func(s string) (string, bool) { return s, true }})
	if _, err := odd.Get(ctx, ann, "ORD 001\n"); !errors.Is(err, orders.ErrInvalidNumber) {
		t.Fatalf("Get with a space and a newline: %v", err)
	}
}

// TestHostileNumberIsOnlyData lets a validator accept anything: the
// number is a parameter, never SQL.
func TestHostileNumberIsOnlyData(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, orders.Options{ValidNumber: func(s string) (string, bool) { return s, true }})
		f.create("ORD001", "customer-ann", orders.StatusPending, "")
		_, err := f.svc.Get(context.Background(), ada, "x';DROP-TABLE-orders;--")
		wantErr(t, err, orders.ErrNotFound)
		if o := f.get(t, "ORD001"); o.Number != "ORD001" {
			t.Fatal("table damaged")
		}
	})
}

func TestCancel(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, orders.Options{})
		ctx := context.Background()
		num := func(st orders.Status) string {
			return "ORD-" + strings.ToUpper(strings.ReplaceAll(string(st), "_", "-"))
		}
		for _, st := range orders.Statuses() {
			f.create(num(st), "customer-ann", st, "support-sue")
		}
		f.clock.Advance(time.Hour)

		t.Run("pending and processing can be cancelled", func(t *testing.T) {
			for _, number := range []string{num(orders.StatusPending), num(orders.StatusProcessing)} {
				o, err := f.svc.Cancel(ctx, ann, number, "  changed my mind, card 4111 1111 1111 1111 cvv 123 ")
				if err != nil {
					t.Fatalf("%s: %v", number, err)
				}
				want := start.Add(time.Hour)
				if o.Status != orders.StatusCancelled || !o.CancelledAt.Equal(want) || !o.UpdatedAt.Equal(want) || o.Version != 2 {
					t.Fatalf("cancelled %+v", o)
				}
				if o.CancelReason != "changed my mind, card [card number removed] cvv [security code removed]" {
					t.Fatalf("reason %q", o.CancelReason)
				}
				if got := f.get(t, number); fmt.Sprint(got) != fmt.Sprint(o) {
					t.Fatalf("read back\n%+v\nwant\n%+v", got, o)
				}
				e := f.wantEvent(t, orders.EventCancelled, "order:"+number, ann, "success")
				if e.Details != "" || e.Level != audit.LevelInfo {
					t.Fatalf("event %+v: the reason is customer text and stays out", e)
				}
			}
		})

		t.Run("cancelling again changes nothing", func(t *testing.T) {
			o, err := f.svc.Cancel(ctx, sue, num(orders.StatusPending), "again")
			if err != nil || o.Status != orders.StatusCancelled || o.Version != 2 || o.CancelReason == "again" {
				t.Fatalf("second cancel: %+v, %v", o, err)
			}
			f.wantEvent(t, orders.EventCancelled, "order:"+num(orders.StatusPending), ann, "success") // still exactly one
		})

		t.Run("later statuses cannot be cancelled", func(t *testing.T) {
			for _, st := range orders.Statuses() {
				if st == orders.StatusPending || st == orders.StatusProcessing || st == orders.StatusCancelled {
					continue
				}
				number := num(st)
				o, err := f.svc.Cancel(ctx, ann, number, "")
				wantState(t, err, st, orders.ErrNotCancellable)
				if o.Number != number || o.Status != st {
					t.Fatalf("a refused cancel returns %+v, want the order as stored", o)
				}
				if !strings.Contains(err.Error(), number) || !strings.Contains(err.Error(), string(st)) {
					t.Fatalf("error %q should name the order and its status", err)
				}
			}
			// A cancelled order stays cancelled without an event.
			if o, err := f.svc.Cancel(ctx, ann, num(orders.StatusCancelled), ""); err != nil || o.Version != 1 {
				t.Fatalf("cancel of a cancelled order: %+v, %v", o, err)
			}
			if n := len(f.events(orders.EventCancelled)); n != 2 {
				t.Fatalf("%d cancel events, want 2", n)
			}
		})
	})
}

func TestReturnWindow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, orders.Options{})
		ctx := context.Background()
		// Delivered at start: the window closes exactly 30 days later.
		for _, n := range []string{"ORD001", "ORD002", "ORD003"} {
			f.create(n, "customer-ann", orders.StatusDelivered, "")
		}
		f.create("ORD004", "customer-ann", orders.StatusShipped, "")
		f.create("ORD005", "customer-ann", orders.StatusCancelled, "")

		f.clock.Set(start.Add(30 * 24 * time.Hour))
		o, err := f.svc.RequestReturn(ctx, ann, "ORD001", "too small")
		if err != nil {
			t.Fatalf("return on the last moment of the window: %v", err)
		}
		if o.Status != orders.StatusReturnRequested || !o.ReturnRequestedAt.Equal(start.Add(30*24*time.Hour)) || o.ReturnReason != "too small" {
			t.Fatalf("returned %+v", o)
		}
		e := f.wantEvent(t, orders.EventReturnRequested, "order:ORD001", ann, "success")
		if strings.Contains(e.Details, "small") {
			t.Fatalf("reason in the audit trail: %+v", e)
		}
		if got := f.svc.ReturnDeadline(o); !got.Equal(start.Add(30 * 24 * time.Hour)) {
			t.Fatalf("ReturnDeadline = %v", got)
		}

		// Asking again changes nothing and records nothing.
		again, err := f.svc.RequestReturn(ctx, ann, "ORD001", "other words")
		if err != nil || again.Version != o.Version || again.ReturnReason != "too small" {
			t.Fatalf("second request: %+v, %v", again, err)
		}
		f.wantEvent(t, orders.EventReturnRequested, "order:ORD001", ann, "success")

		f.clock.Advance(time.Microsecond)
		_, err = f.svc.RequestReturn(ctx, ann, "ORD002", "")
		wantState(t, err, orders.StatusDelivered, orders.ErrReturnWindowClosed)

		_, err = f.svc.RequestReturn(ctx, ann, "ORD004", "")
		wantState(t, err, orders.StatusShipped, orders.ErrNotReturnable)
		_, err = f.svc.RequestReturn(ctx, ann, "ORD005", "")
		wantState(t, err, orders.StatusCancelled, orders.ErrNotReturnable)

		// A shorter configured window.
		short := newFixture(t, db, orders.Options{ReturnWindow: 14 * 24 * time.Hour})
		short.clock.Set(start.Add(14*24*time.Hour + time.Microsecond))
		_, err = short.svc.RequestReturn(ctx, ann, "ORD003", "")
		wantState(t, err, orders.StatusDelivered, orders.ErrReturnWindowClosed)
		short.clock.Set(start.Add(14 * 24 * time.Hour))
		if _, err := short.svc.RequestReturn(ctx, ann, "ORD003", ""); err != nil {
			t.Fatalf("inside the 14-day window: %v", err)
		}
	})
}

func TestAdvance(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, orders.Options{})
		ctx := context.Background()
		f.create("ORD001", "customer-ann", orders.StatusPending, "support-sue")

		step := func(c orders.Caller, to orders.Status) orders.Order {
			t.Helper()
			f.clock.Advance(time.Hour)
			o, err := f.svc.Advance(ctx, c, "ORD001", to)
			if err != nil || o.Status != to {
				t.Fatalf("Advance to %s: %+v, %v", to, o, err)
			}
			return o
		}
		step(sue, orders.StatusProcessing)
		shipped := step(sue, orders.StatusShipped)
		if !shipped.ShippedAt.Equal(f.clock.Now()) || shipped.Carrier != "DHL" || shipped.TrackingNumber == "" {
			t.Fatalf("shipped %+v", shipped)
		}
		if got := shipped.EstimatedDelivery(); got.IsZero() || !got.After(shipped.ShippedAt) {
			t.Fatalf("EstimatedDelivery = %v", got)
		}

		// The same status again: nothing happens, nothing is recorded.
		same, err := f.svc.Advance(ctx, sue, "ORD001", orders.StatusShipped)
		if err != nil || same.Version != shipped.Version {
			t.Fatalf("repeat: %+v, %v", same, err)
		}

		// Steps the table does not allow, and statuses with their own calls.
		for _, to := range []orders.Status{orders.StatusRefunded, orders.StatusPending, orders.StatusCancelled,
			orders.StatusReturnRequested, "lost"} {
			_, err := f.svc.Advance(ctx, sue, "ORD001", to)
			wantState(t, err, orders.StatusShipped, orders.ErrInvalidTransition)
		}

		delivered := step(ada, orders.StatusDelivered)
		if !delivered.DeliveredAt.Equal(f.clock.Now()) || !delivered.EstimatedDelivery().IsZero() {
			t.Fatalf("delivered %+v", delivered)
		}
		if _, err := f.svc.RequestReturn(ctx, ann, "ORD001", "broken"); err != nil {
			t.Fatal(err)
		}
		step(sue, orders.StatusReturned)
		final := step(sue, orders.StatusRefunded)
		if final.Version != 7 {
			t.Fatalf("version %d after six changes", final.Version)
		}

		changes := f.events(orders.EventStatusChanged)
		var got []string
		for _, e := range changes {
			got = append(got, e.Actor+" "+e.Details)
		}
		want := []string{
			"support-sue from=pending to=processing",
			"support-sue from=processing to=shipped",
			"admin-ada from=shipped to=delivered",
			"support-sue from=return_requested to=returned",
			"support-sue from=returned to=refunded",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("status events\n%q\nwant\n%q", got, want)
		}
	})
}

func TestAssign(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, orders.Options{})
		ctx := context.Background()
		f.create("ORD001", "customer-ann", orders.StatusPending, "")

		_, err := f.svc.Get(ctx, sam, "ORD001")
		wantErr(t, err, orders.ErrNotFound)

		o, err := f.svc.Assign(ctx, ada, "ORD001", "support-sam")
		if err != nil || o.AssigneeID != "support-sam" || o.Version != 2 {
			t.Fatalf("Assign: %+v, %v", o, err)
		}
		if e := f.wantEvent(t, orders.EventAssigned, "order:ORD001", ada, "success"); e.Details != "assignee=support-sam" {
			t.Fatalf("event %+v", e)
		}
		if _, err := f.svc.Get(ctx, sam, "ORD001"); err != nil {
			t.Fatalf("assigned support cannot read: %v", err)
		}
		if _, err := f.svc.Cancel(ctx, sam, "ORD001", ""); err != nil {
			t.Fatalf("assigned support cannot cancel: %v", err)
		}

		// Again: nothing happens.
		if o, err := f.svc.Assign(ctx, ada, "ORD001", "support-sam"); err != nil || o.Version != 3 {
			t.Fatalf("repeat: %+v, %v", o, err)
		}
		if n := len(f.events(orders.EventAssigned)); n != 1 {
			t.Fatalf("%d assign events", n)
		}

		// Not staff, malformed, or no check configured: refused, unchanged.
		for _, id := range []string{"customer-bob", "support sam", strings.Repeat("s", 65)} {
			_, err := f.svc.Assign(ctx, ada, "ORD001", id)
			wantErr(t, err, orders.ErrInvalidAssignee)
		}
		failing := newFixture(t, db, orders.Options{IsStaff: func(context.Context, string) (bool, error) {
			return false, errors.New("users table unreachable")
		}})
		if _, err := failing.svc.Assign(ctx, ada, "ORD001", "support-sue"); err == nil {
			t.Fatal("assigned despite a failing staff check")
		}
		none := newFixture(t, db, orders.Options{})
		none.svc = orders.NewService(db, none.keys, none.rec, orders.Options{})
		_, err = none.svc.Assign(ctx, ada, "ORD001", "support-sue")
		wantErr(t, err, orders.ErrInvalidAssignee)

		// Unassigning takes the order away from the agent.
		if o, err := f.svc.Assign(ctx, ada, "ORD001", ""); err != nil || o.AssigneeID != "" {
			t.Fatalf("unassign: %+v, %v", o, err)
		}
		_, err = f.svc.Get(ctx, sam, "ORD001")
		wantErr(t, err, orders.ErrNotFound)
	})
}

func TestConcurrentCancelChangesOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, orders.Options{})
		ctx := context.Background()
		f.create("ORD001", "customer-ann", orders.StatusProcessing, "support-sue")
		const n = 20
		errs := concurrently(n, func(i int) error {
			c := ann
			if i%2 == 1 {
				c = sue
			}
			o, err := f.svc.Cancel(ctx, c, "ORD001", fmt.Sprint("reason ", i))
			if err == nil && o.Status != orders.StatusCancelled {
				return fmt.Errorf("status %s", o.Status)
			}
			return err
		})
		for i, err := range errs {
			if err != nil {
				t.Errorf("cancel %d: %v", i, err)
			}
		}
		if o := f.get(t, "ORD001"); o.Status != orders.StatusCancelled || o.Version != 2 {
			t.Fatalf("after %d cancels: %+v", n, o)
		}
		if got := len(f.events(orders.EventCancelled)); got != 1 {
			t.Fatalf("%d cancel events, want 1", got)
		}
	})
}

// TestCancelRacingShipment: a customer's cancel and an agent's shipment
// of the same order end in exactly one of the two, never both.
func TestCancelRacingShipment(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, orders.Options{})
		ctx := context.Background()
		const rounds = 10
		for r := range rounds {
			number := fmt.Sprintf("ORD%03d", r)
			f.create(number, "customer-ann", orders.StatusProcessing, "support-sue")
			errs := concurrently(2, func(i int) error {
				if i == 0 {
					_, err := f.svc.Cancel(ctx, ann, number, "")
					return err
				}
				_, err := f.svc.Advance(ctx, sue, number, orders.StatusShipped)
				return err
			})
			cancelErr, shipErr := errs[0], errs[1]
			o := f.get(t, number)
			switch {
			case cancelErr == nil && shipErr != nil:
				wantState(t, shipErr, orders.StatusCancelled, orders.ErrInvalidTransition)
				if o.Status != orders.StatusCancelled || !o.ShippedAt.IsZero() {
					t.Fatalf("%s: %+v", number, o)
				}
			case shipErr == nil && cancelErr != nil:
				wantState(t, cancelErr, orders.StatusShipped, orders.ErrNotCancellable)
				if o.Status != orders.StatusShipped || !o.CancelledAt.IsZero() {
					t.Fatalf("%s: %+v", number, o)
				}
			default:
				t.Fatalf("%s: cancel %v, ship %v: want exactly one to succeed", number, cancelErr, shipErr)
			}
			if o.Version != 2 {
				t.Fatalf("%s: version %d, want 2", number, o.Version)
			}
			changes := 0
			for _, e := range f.rec.Events() {
				if e.Target == "order:"+number && (e.Type == orders.EventCancelled || e.Type == orders.EventStatusChanged) {
					changes++
				}
			}
			if changes != 1 {
				t.Fatalf("%s: %d change events, want 1", number, changes)
			}
		}
	})
}

func TestList(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, orders.Options{})
		ctx := context.Background()
		// Ann's 25 orders, two of them created at the same microsecond, so
		// the id decides their order; Bob's 3; Sue is assigned 4.
		var annNumbers []string
		for i := range 25 {
			if i != 13 {
				f.clock.Advance(time.Minute)
			}
			assignee := ""
			if i%7 == 0 {
				assignee = "support-sue"
			}
			annNumbers = append(annNumbers, f.create(fmt.Sprintf("ORD%03d", i), "customer-ann", orders.StatusPending, assignee).Number)
		}
		for i := range 3 {
			f.clock.Advance(time.Minute)
			f.create(fmt.Sprintf("BOB%03d", i), "customer-bob", orders.StatusPending, "")
		}

		all := func(c orders.Caller, limit int) []orders.Order {
			t.Helper()
			var out []orders.Order
			p := orders.Page{Limit: limit}
			for pages := 0; ; pages++ {
				res, err := f.svc.List(ctx, c, p)
				if err != nil {
					t.Fatal(err)
				}
				if limit > 0 && len(res.Orders) > limit {
					t.Fatalf("page of %d, limit %d", len(res.Orders), limit)
				}
				out = append(out, res.Orders...)
				if res.NextCursor == "" {
					return out
				}
				if pages > 100 {
					t.Fatal("no end of pages")
				}
				p.Cursor = res.NextCursor
			}
		}
		check := func(name string, got []orders.Order, wantCustomer, wantAssignee string, wantN int) {
			t.Helper()
			if len(got) != wantN {
				t.Fatalf("%s: %d orders, want %d", name, len(got), wantN)
			}
			seen := map[string]bool{}
			for i, o := range got {
				if seen[o.Number] {
					t.Fatalf("%s: %s twice", name, o.Number)
				}
				seen[o.Number] = true
				if wantCustomer != "" && o.CustomerID != wantCustomer || wantAssignee != "" && o.AssigneeID != wantAssignee {
					t.Fatalf("%s: %s is not theirs", name, o.Number)
				}
				if i > 0 {
					p := got[i-1]
					if o.CreatedAt.After(p.CreatedAt) || o.CreatedAt.Equal(p.CreatedAt) && o.ID > p.ID {
						t.Fatalf("%s: not newest first at %d", name, i)
					}
				}
			}
		}
		annAll := all(ann, 10)
		check("ann by 10", annAll, "customer-ann", "", 25)
		if annAll[0].Number != annNumbers[24] {
			t.Fatalf("newest first: got %s, want %s", annAll[0].Number, annNumbers[24])
		}
		check("ann by 1", all(ann, 1), "customer-ann", "", 25)
		check("ann default page", all(ann, 0), "customer-ann", "", 25)
		check("bob", all(bob, 2), "customer-bob", "", 3)
		check("sue", all(sue, 3), "", "support-sue", 4)
		check("sam", all(sam, 0), "", "support-sam", 0)
		check("ada", all(ada, 7), "", "", 28)

		first, err := f.svc.List(ctx, ann, orders.Page{})
		if err != nil || len(first.Orders) != orders.DefaultPageLimit || first.NextCursor == "" {
			t.Fatalf("default page: %d orders, cursor %q, %v", len(first.Orders), first.NextCursor, err)
		}
		big, err := f.svc.List(ctx, ada, orders.Page{Limit: 1000})
		if err != nil || len(big.Orders) != 28 || big.NextCursor != "" {
			t.Fatalf("limit over the maximum: %d orders, %v", len(big.Orders), err)
		}

		// Someone else's cursor moves only within one's own scope.
		bobPage, err := f.svc.List(ctx, bob, orders.Page{Cursor: first.NextCursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range bobPage.Orders {
			if o.CustomerID != "customer-bob" {
				t.Fatalf("a cursor showed bob %s", o.Number)
			}
		}
		for _, bad := range []string{"nonsense", "MTIz", "%%%", strings.Repeat("A", 300)} {
			_, err := f.svc.List(ctx, ann, orders.Page{Cursor: bad})
			wantErr(t, err, orders.ErrInvalidCursor)
		}
	})
}

// TestEncryptionAtRest reads the raw columns: no address or reason in
// plaintext, and a ciphertext moved to another order does not decrypt.
func TestEncryptionAtRest(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db, orders.Options{})
		ctx := context.Background()
		a := f.create("ORD001", "customer-ann", orders.StatusDelivered, "")
		b := f.create("ORD002", "customer-ann", orders.StatusPending, "")
		if _, err := f.svc.RequestReturn(ctx, ann, "ORD001", "the handle fell off"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Cancel(ctx, ann, "ORD002", "found it cheaper elsewhere"); err != nil {
			t.Fatal(err)
		}
		var all string
		rows, err := db.SQL().QueryContext(ctx, `SELECT shipping_address_enc, cancel_reason_enc, return_reason_enc FROM orders`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var addr, cr, rr string
			if err := rows.Scan(&addr, &cr, &rr); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(addr, "v1.") {
				t.Fatalf("address column %q is no ciphertext", addr)
			}
			all += addr + cr + rr
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		for _, plain := range []string{"High Street", "London", "handle", "cheaper"} {
			if strings.Contains(all, plain) {
				t.Fatalf("%q stored in plaintext", plain)
			}
		}

		// Bound to its row: ORD001's address copied onto ORD002 fails.
		if _, err := db.SQL().ExecContext(ctx, `UPDATE orders SET shipping_address_enc =
			(SELECT shipping_address_enc FROM orders WHERE id = $1) WHERE id = $2`, a.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Get(ctx, ann, "ORD002"); err == nil || errors.Is(err, orders.ErrNotFound) {
			t.Fatalf("moved ciphertext: %v", err)
		} else if strings.Contains(err.Error(), "SELECT") {
			t.Fatalf("SQL in the error: %v", err)
		}
	})
}

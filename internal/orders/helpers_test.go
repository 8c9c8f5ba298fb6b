package orders_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/clock"
	"supportbot/internal/crypto"
	"supportbot/internal/orders"
	"supportbot/internal/storage"
)

var encKey = bytes.Repeat([]byte{0x11}, crypto.KeySize)

// start is a Monday.
var start = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

// The people in the tests.
var (
	ann = caller("customer-ann", auth.RoleCustomer)
	bob = caller("customer-bob", auth.RoleCustomer)
	sue = caller("support-sue", auth.RoleSupport)
	sam = caller("support-sam", auth.RoleSupport)
	ada = caller("admin-ada", auth.RoleAdmin)
)

func caller(id string, role auth.Role) orders.Caller {
	return orders.Caller{Actor: auth.Actor{UserID: id, Role: role}, IP: "203.0.113.7", RequestID: "req-" + id}
}

type fixture struct {
	t     testing.TB
	db    *storage.DB
	svc   *orders.Service
	rec   *audit.Memory
	clock *clock.Manual
	keys  *crypto.Keyring
}

// newFixture returns a Service on db; opts may set anything but the clock.
func newFixture(t testing.TB, db *storage.DB, opts orders.Options) *fixture {
	t.Helper()
	keys, err := crypto.NewKeyring(encKey)
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewManual(start)
	opts.Clock = clk.Now
	if opts.IsStaff == nil {
		opts.IsStaff = func(_ context.Context, id string) (bool, error) {
			return strings.HasPrefix(id, "support-"), nil
		}
	}
	rec := &audit.Memory{}
	return &fixture{t: t, db: db, svc: orders.NewService(db, keys, rec, opts), rec: rec, clock: clk, keys: keys}
}

// create stores an order of customer in status, assigned to assignee.
func (f *fixture) create(number, customer string, status orders.Status, assignee string) orders.Order {
	f.t.Helper()
	o, err := f.svc.Create(context.Background(), orders.Order{
		Number: number, CustomerID: customer, AssigneeID: assignee, Status: status,
		Items:    []orders.Item{{SKU: "MUG-1", Name: "Blue mug", Quantity: 2, PriceCents: 1250}},
		Currency: "EUR", Carrier: "DHL", TrackingNumber: "JD014600006281234567",
		ShippingAddress: "Ann Example, 1 High Street, London",
	})
	if err != nil {
		f.t.Fatalf("Create %s: %v", number, err)
	}
	return o
}

// get reads an order as the admin, without recording anything else.
func (f *fixture) get(t testing.TB, number string) orders.Order {
	t.Helper()
	o, err := f.svc.Get(context.Background(), ada, number)
	if err != nil {
		t.Fatalf("Get %s: %v", number, err)
	}
	return o
}

// events returns the recorded events of type typ.
func (f *fixture) events(typ string) []audit.Event {
	var out []audit.Event
	for _, e := range f.rec.Events() {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// wantEvent checks there is exactly one event of typ on target by c's
// user, with c's IP and request ID and the status, and returns it.
func (f *fixture) wantEvent(t testing.TB, typ, target string, c orders.Caller, status string) audit.Event {
	t.Helper()
	var found []audit.Event
	for _, e := range f.events(typ) {
		if e.Target == target && e.Actor == c.Actor.UserID {
			found = append(found, e)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d %s events by %q on %s, want 1: %+v", len(found), typ, c.Actor.UserID, target, f.rec.Events())
	}
	e := found[0]
	if e.IP != c.IP || e.RequestID != c.RequestID || e.Status != status || e.Time.IsZero() {
		t.Fatalf("event %+v, want ip %s, request %s, status %s", e, c.IP, c.RequestID, status)
	}
	return e
}

func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
}

// wantState checks err is a *StateError with the status and sentinel.
func wantState(t testing.TB, err error, status orders.Status, want error) {
	t.Helper()
	wantErr(t, err, want)
	var se *orders.StateError
	if !errors.As(err, &se) || se.Status != status {
		t.Fatalf("err = %#v, want a StateError with status %s", err, status)
	}
}

// concurrently runs fn n times at once and returns the errors in call order.
func concurrently(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var ready, done sync.WaitGroup
	ready.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Wait()
			errs[i] = fn(i)
		}()
	}
	ready.Done()
	done.Wait()
	return errs
}

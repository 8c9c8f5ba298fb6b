package orders

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/crypto"
	"supportbot/internal/payment/card"
	"supportbot/internal/storage"
)

// Caller is who acts, for authorization and the audit trail.
type Caller struct {
	Actor     auth.Actor
	IP        string // client IP as resolved by the HTTP layer
	RequestID string
}

// Options configures a Service. The zero Options is usable.
type Options struct {
	// ValidNumber checks an order number against ORDER_ID_PATTERN and
	// returns it in canonical form; the bot package supplies it at wiring
	// time. nil accepts 3 to 32 of A-Z, 0-9 and '-', upper-cased.
	ValidNumber func(s string) (canonical string, ok bool)
	// ReturnWindow is RETURN_WINDOW_DAYS: how long after delivery a return
	// may be requested. 0 means DefaultReturnWindow.
	ReturnWindow time.Duration
	// Clock is the time source; nil means time.Now (invariant 9: tests
	// inject one).
	Clock func() time.Time
	// IsStaff reports whether a user id belongs to support staff who may
	// be assigned orders. nil refuses every assignment.
	IsStaff func(ctx context.Context, userID string) (bool, error)
}

// DefaultReturnWindow is the return window when Options leaves it zero.
const DefaultReturnWindow = 30 * 24 * time.Hour

// Page sizes for List.
const (
	DefaultPageLimit = 20
	MaxPageLimit     = 100
)

// Input limits. The API's JSON Schemas say the same; Create and the
// changes check again because they are also called by the bot and tools.
const (
	maxNumberBytes  = 64
	maxItems        = 100
	maxQuantity     = 10_000
	maxTextRunes    = 200 // SKU, item name, carrier, tracking number
	maxAddressRunes = 500
	maxReasonRunes  = 500
	maxIDBytes      = 64
	// maxAttempts bounds compare-and-set retries: each failed attempt
	// means another change of the order succeeded.
	maxAttempts = 8
)

// Service is the one way to read and change orders. It is safe for
// concurrent use, also by several instances sharing one PostgreSQL.
//
// Refusals are audited here as access.denied — someone else's order, a
// missing one, a role that may never act — so callers must not record
// another event for them.
type Service struct {
	store       store
	rec         audit.Recorder
	validNumber func(string) (string, bool)
	window      time.Duration
	clock       func() time.Time
	isStaff     func(context.Context, string) (bool, error)
}

// NewService returns a Service storing orders in db, encrypting their PII
// with keys and recording events with rec.
func NewService(db *storage.DB, keys *crypto.Keyring, rec audit.Recorder, opts Options) *Service {
	s := &Service{
		store:       store{db: db, keys: keys},
		rec:         rec,
		validNumber: opts.ValidNumber,
		window:      opts.ReturnWindow,
		clock:       opts.Clock,
		isStaff:     opts.IsStaff,
	}
	if s.validNumber == nil {
		s.validNumber = defaultValidNumber
	}
	if s.window <= 0 {
		s.window = DefaultReturnWindow
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	return s
}

// now returns the clock in UTC at the stored precision (microseconds), so
// an order returned by a change equals the same order read back.
func (s *Service) now() time.Time {
	return time.UnixMicro(s.clock().UnixMicro()).UTC()
}

// defaultValidNumber accepts 3 to 32 ASCII letters, digits and dashes and
// upper-cases them.
func defaultValidNumber(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if len(raw) < 3 || len(raw) > 32 {
		return "", false
	}
	b := []byte(raw)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		case 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-':
		default:
			return "", false
		}
	}
	return string(b), true
}

// CanonicalNumber validates raw as an order number (Options.ValidNumber)
// and returns its canonical form, or ErrInvalidNumber. It queries nothing.
func (s *Service) CanonicalNumber(raw string) (string, error) {
	if n, ok := s.canonical(raw); ok {
		return n, nil
	}
	return "", ErrInvalidNumber
}

// canonical runs ValidNumber and double-checks its answer: whatever the
// configured pattern, a canonical number is short printable ASCII without
// spaces, because it goes into audit targets and error messages.
func (s *Service) canonical(raw string) (string, bool) {
	if len(raw) > 4*maxNumberBytes {
		return "", false
	}
	n, ok := s.validNumber(raw)
	if !ok || n == "" || len(n) > maxNumberBytes {
		return "", false
	}
	for i := 0; i < len(n); i++ {
		if n[i] <= ' ' || n[i] >= 0x7f {
			return "", false
		}
	}
	return n, true
}

// record appends an event, outliving the request's cancellation: a caller
// hanging up must not erase the trace of what it did. A failure to store
// is logged by the recorder; the change it describes has happened.
func (s *Service) record(ctx context.Context, c Caller, e audit.Event) {
	e.Time = s.clock().UTC()
	e.Actor = c.Actor.UserID
	e.IP = c.IP
	e.RequestID = c.RequestID
	_ = s.rec.Record(context.WithoutCancel(ctx), e)
}

// deny audits a refusal as access.denied (DESIGN.md invariant 2; hardening
// guide, "Log unauthorized access attempts"). details tells the cases
// apart for investigators; it never reaches the client.
func (s *Service) deny(ctx context.Context, c Caller, target, details string) {
	s.record(ctx, c, audit.Event{
		Type: auth.EventAccessDenied, Level: audit.LevelWarning, Target: target,
		Details: details, Status: "denied",
	})
}

func target(number string) string { return "order:" + number }

// notFound is the one error for a missing order and someone else's,
// identical in text too.
func notFound(op, number string) error {
	return fmt.Errorf("orders: %s %s: %w", op, number, ErrNotFound)
}

// reach is the start of every call on one order: the caller's role must
// allow the action at all (else ErrForbidden, audited), the number must be
// valid (else ErrInvalidNumber, before any query), and the order must
// exist and be within the caller's scope (else ErrNotFound, audited, the
// same for both).
func (s *Service) reach(ctx context.Context, c Caller, a auth.Action, op, raw string) (Order, error) {
	number, valid := s.canonical(raw)
	t := "order"
	if valid {
		t = target(number)
	}
	if _, err := auth.ScopeFor(c.Actor, a); err != nil {
		s.deny(ctx, c, t, "action="+string(a)+": role "+string(c.Actor.Role)+" may not")
		return Order{}, fmt.Errorf("orders: %s: %w", op, ErrForbidden)
	}
	if !valid {
		return Order{}, fmt.Errorf("orders: %s: %w", op, ErrInvalidNumber)
	}
	o, err := s.store.byNumber(ctx, number)
	if errors.Is(err, errNoRow) {
		// An enumeration attempt is worth recording as much as a look at
		// someone else's order.
		s.deny(ctx, c, t, "action="+string(a)+": no such order")
		return Order{}, notFound(op, number)
	}
	if err != nil {
		return Order{}, fmt.Errorf("orders: %s %s: %w", op, number, err)
	}
	if err := s.authorize(ctx, c, a, o); err != nil {
		return Order{}, fmt.Errorf("orders: %s %s: %w", op, number, err)
	}
	return o, nil
}

// authorize checks the caller's scope on a loaded order; outside it is
// ErrNotFound, audited.
func (s *Service) authorize(ctx context.Context, c Caller, a auth.Action, o Order) error {
	err := auth.Authorize(c.Actor, a, o.Resource())
	if err == nil {
		return nil
	}
	if errors.Is(err, auth.ErrNotFound) {
		s.deny(ctx, c, target(o.Number), "action="+string(a)+": not theirs")
		return ErrNotFound
	}
	s.deny(ctx, c, target(o.Number), "action="+string(a)+": role "+string(c.Actor.Role)+" may not")
	return ErrForbidden
}

// change applies a change to an order with compare-and-set. apply gets the
// current order and the time and returns the changed order and true, the
// order unchanged and false when there is nothing to do (the change is
// already made: idempotent), or a refusal. When another change wins the
// race, the order is read again, authorized again (its assignee may have
// changed) and apply decides again on what is now stored. A refusal of
// apply comes with the order as it is stored, which the caller may read
// (reach authorized it), so it can explain the refusal without a second
// read.
func (s *Service) change(ctx context.Context, c Caller, a auth.Action, op, raw string,
	apply func(o Order, now time.Time) (Order, bool, error)) (Order, bool, error) {
	o, err := s.reach(ctx, c, a, op, raw)
	if err != nil {
		return Order{}, false, err
	}
	for attempt := 1; ; attempt++ {
		next, changed, err := apply(o, s.now())
		if err != nil {
			return o, false, err
		}
		if !changed {
			return o, false, nil
		}
		ok, err := s.store.compareAndSet(ctx, next, o.Version)
		if err != nil {
			return Order{}, false, fmt.Errorf("orders: %s %s: %w", op, o.Number, err)
		}
		if ok {
			next.Version = o.Version + 1
			return next, true, nil
		}
		if attempt == maxAttempts {
			return Order{}, false, fmt.Errorf("orders: %s %s: %w", op, o.Number, ErrBusy)
		}
		number := o.Number
		if o, err = s.store.byNumber(ctx, number); err != nil {
			if errors.Is(err, errNoRow) {
				return Order{}, false, notFound(op, number)
			}
			return Order{}, false, fmt.Errorf("orders: %s %s: %w", op, number, err)
		}
		if err := s.authorize(ctx, c, a, o); err != nil {
			return Order{}, false, fmt.Errorf("orders: %s %s: %w", op, o.Number, err)
		}
	}
}

// Get returns the order with the given number if the caller may read it:
// customers their own, support staff those assigned to them, admins all.
// Someone else's order and a missing one are the same ErrNotFound, both
// audited.
func (s *Service) Get(ctx context.Context, c Caller, number string) (Order, error) {
	return s.reach(ctx, c, auth.ActionOrderRead, "get", number)
}

// GetFor is Get for another action on the order, such as
// auth.ActionPaymentRequestCreate: the caller's role and scope for that
// action decide, and a refusal is audited under its name.
func (s *Service) GetFor(ctx context.Context, c Caller, action auth.Action, number string) (Order, error) {
	return s.reach(ctx, c, action, string(action), number)
}

// Cancel cancels a pending or processing order, storing the customer's
// reason encrypted and with card data removed. An order cancelled already
// is returned as it is, without a second event; any other status is a
// *StateError wrapping ErrNotCancellable. Of concurrent Cancel calls
// exactly one changes the order and records order.cancelled; a Cancel
// racing a shipment ends in exactly one of the two.
func (s *Service) Cancel(ctx context.Context, c Caller, number, reason string) (Order, error) {
	reason = cleanReason(reason)
	o, changed, err := s.change(ctx, c, auth.ActionOrderCancel, "cancel", number, func(o Order, now time.Time) (Order, bool, error) {
		if o.Status == StatusCancelled {
			return o, false, nil
		}
		if !CanTransition(o.Status, StatusCancelled) {
			return o, false, &StateError{Op: "cancel", Number: o.Number, Status: o.Status, Err: ErrNotCancellable}
		}
		o.Status, o.CancelReason, o.CancelledAt, o.UpdatedAt = StatusCancelled, reason, now, now
		return o, true, nil
	})
	if changed {
		s.record(ctx, c, audit.Event{Type: EventCancelled, Level: audit.LevelInfo, Target: target(o.Number), Status: "success"})
	}
	return o, err
}

// RequestReturn asks to return a delivered order within the return window
// (inclusive: exactly ReturnWindow after delivery is still in time). An
// order whose return is requested already is returned as it is, without a
// second event. Otherwise a *StateError wraps ErrNotReturnable (not
// delivered) or ErrReturnWindowClosed.
func (s *Service) RequestReturn(ctx context.Context, c Caller, number, reason string) (Order, error) {
	reason = cleanReason(reason)
	o, changed, err := s.change(ctx, c, auth.ActionOrderReturn, "return", number, func(o Order, now time.Time) (Order, bool, error) {
		switch {
		case o.Status == StatusReturnRequested:
			return o, false, nil
		case o.Status != StatusDelivered:
			return o, false, &StateError{Op: "return", Number: o.Number, Status: o.Status, Err: ErrNotReturnable}
		case now.After(o.DeliveredAt.Add(s.window)):
			return o, false, &StateError{Op: "return", Number: o.Number, Status: o.Status, Err: ErrReturnWindowClosed}
		}
		o.Status, o.ReturnReason, o.ReturnRequestedAt, o.UpdatedAt = StatusReturnRequested, reason, now, now
		return o, true, nil
	})
	if changed {
		s.record(ctx, c, audit.Event{Type: EventReturnRequested, Level: audit.LevelInfo, Target: target(o.Number), Status: "success"})
	}
	return o, err
}

// ReturnDeadline returns the last moment a return of o may be requested,
// or the zero time when o is not delivered.
func (s *Service) ReturnDeadline(o Order) time.Time {
	if o.DeliveredAt.IsZero() {
		return time.Time{}
	}
	return o.DeliveredAt.Add(s.window)
}

// Assign assigns an order to a support agent (admins only; others get
// ErrForbidden). staffID must pass Options.IsStaff, else
// ErrInvalidAssignee; "" removes the assignment. Assigning to the current
// assignee changes nothing and records nothing.
func (s *Service) Assign(ctx context.Context, c Caller, number, staffID string) (Order, error) {
	o, changed, err := s.change(ctx, c, auth.ActionOrderAssign, "assign", number, func(o Order, now time.Time) (Order, bool, error) {
		if o.AssigneeID == staffID {
			return o, false, nil
		}
		if staffID != "" {
			if err := s.checkStaff(ctx, staffID); err != nil {
				return o, false, fmt.Errorf("orders: assign %s: %w", o.Number, err)
			}
		}
		o.AssigneeID, o.UpdatedAt = staffID, now
		return o, true, nil
	})
	if changed {
		assignee := staffID
		if assignee == "" {
			assignee = "none"
		}
		s.record(ctx, c, audit.Event{Type: EventAssigned, Level: audit.LevelInfo, Target: target(o.Number),
			Details: "assignee=" + assignee, Status: "success"})
	}
	return o, err
}

// checkStaff refuses ids that are malformed or not support staff.
func (s *Service) checkStaff(ctx context.Context, id string) error {
	if s.isStaff == nil || len(id) > maxIDBytes || !isPrintableASCII(id) {
		return ErrInvalidAssignee
	}
	ok, err := s.isStaff(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return ErrInvalidAssignee
	}
	return nil
}

// Advance moves an order one step along the transition table on the
// staff side: processing, shipped (sets ShippedAt; the carrier and
// tracking number stay), delivered (sets DeliveredAt, which starts the
// return window), returned, refunded. Support staff may advance their
// assigned orders, admins any; customers never (ErrForbidden).
// Cancellations and return requests go through Cancel and RequestReturn.
// Advancing to the current status changes nothing and records nothing; a
// step the table does not allow is a *StateError wrapping
// ErrInvalidTransition.
func (s *Service) Advance(ctx context.Context, c Caller, number string, to Status) (Order, error) {
	var from Status
	o, changed, err := s.change(ctx, c, auth.ActionOrderAdvance, "advance", number, func(o Order, now time.Time) (Order, bool, error) {
		if o.Status == to {
			return o, false, nil
		}
		if !advanceable(to) || !CanTransition(o.Status, to) {
			return o, false, &StateError{Op: "advance", Number: o.Number, Status: o.Status, To: to, Err: ErrInvalidTransition}
		}
		from = o.Status
		switch to {
		case StatusShipped:
			o.ShippedAt = now
		case StatusDelivered:
			o.DeliveredAt = now
		}
		o.Status, o.UpdatedAt = to, now
		return o, true, nil
	})
	if changed {
		s.record(ctx, c, audit.Event{Type: EventStatusChanged, Level: audit.LevelInfo, Target: target(o.Number),
			Details: "from=" + string(from) + " to=" + string(to), Status: "success"})
	}
	return o, err
}

// advanceable reports whether Advance may move an order to status to.
func advanceable(to Status) bool {
	switch to {
	case StatusProcessing, StatusShipped, StatusDelivered, StatusReturned, StatusRefunded:
		return true
	}
	return false
}

// Page selects one page of List.
type Page struct {
	// Limit is the page size, 1 to MaxPageLimit; 0 or less means
	// DefaultPageLimit, more means MaxPageLimit.
	Limit int
	// Cursor is ListResult.NextCursor of the previous page, "" for the
	// first.
	Cursor string
}

// ListResult is one page of orders.
type ListResult struct {
	Orders []Order
	// NextCursor fetches the next page; "" when this is the last.
	NextCursor string
}

// List returns the orders the caller may see, newest first: a customer's
// own, a support agent's assigned ones, all for an admin (scope from
// auth.ScopeFor with ActionOrderList). Pages are keyset-paged, so orders
// added meanwhile neither repeat nor skip entries.
func (s *Service) List(ctx context.Context, c Caller, p Page) (ListResult, error) {
	scope, err := auth.ScopeFor(c.Actor, auth.ActionOrderList)
	if err != nil {
		s.deny(ctx, c, "orders", "action="+string(auth.ActionOrderList)+": role "+string(c.Actor.Role)+" may not")
		return ListResult{}, fmt.Errorf("orders: list: %w", ErrForbidden)
	}
	f := listFilter{limit: p.Limit}
	switch {
	case f.limit <= 0:
		f.limit = DefaultPageLimit
	case f.limit > MaxPageLimit:
		f.limit = MaxPageLimit
	}
	switch scope {
	case auth.ScopeOwn:
		f.column, f.userID = "customer_id", c.Actor.UserID
	case auth.ScopeAssigned:
		f.column, f.userID = "assignee_id", c.Actor.UserID
	case auth.ScopeAny:
	default: // a scope this list does not know: deny by default
		return ListResult{}, fmt.Errorf("orders: list: scope %s: %w", scope, ErrForbidden)
	}
	if p.Cursor != "" {
		cur, err := decodeCursor(p.Cursor)
		if err != nil {
			return ListResult{}, fmt.Errorf("orders: list: %w", err)
		}
		f.after = &cur
	}
	want := f.limit
	f.limit++ // one more tells whether there is a next page
	list, err := s.store.list(ctx, f)
	if err != nil {
		return ListResult{}, fmt.Errorf("orders: list: %w", err)
	}
	res := ListResult{Orders: list}
	if len(list) > want {
		res.Orders = list[:want]
		last := res.Orders[want-1]
		res.NextCursor = cursor{createdUS: storage.Micros(last.CreatedAt), id: last.ID}.encode()
	}
	return res, nil
}

// cursor is the position after which a page starts. It is opaque to
// clients but not secret: a forged one only moves within the caller's own
// scope, which List applies whatever the cursor says.
type cursor struct {
	createdUS int64
	id        string
}

func (c cursor) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.createdUS, 10) + "." + c.id))
}

func decodeCursor(s string) (cursor, error) {
	if len(s) > 128 {
		return cursor{}, ErrInvalidCursor
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return cursor{}, ErrInvalidCursor
	}
	us, id, ok := strings.Cut(string(b), ".")
	if !ok || !storage.IsID(id) {
		return cursor{}, ErrInvalidCursor
	}
	n, err := strconv.ParseInt(us, 10, 64)
	if err != nil || n < 0 {
		return cursor{}, ErrInvalidCursor
	}
	return cursor{createdUS: n, id: id}, nil
}

// Create stores a new order, for seeding, the demo and admin tools; it is
// not reachable by customers. The number must pass ValidNumber and be
// unused (ErrNumberTaken); items, quantities, prices and the currency are
// checked (ErrInvalidOrder naming the field). A zero TotalCents becomes
// the sum of the items; a zero Status is pending; zero timestamps that the
// status implies (ShippedAt for a shipped order, …) become CreatedAt, and
// a zero CreatedAt the clock. ID and Version are assigned.
func (s *Service) Create(ctx context.Context, o Order) (Order, error) {
	number, ok := s.canonical(o.Number)
	if !ok {
		return Order{}, fmt.Errorf("orders: create: %w", ErrInvalidNumber)
	}
	o.Number = number
	if err := s.prepare(&o); err != nil {
		return Order{}, fmt.Errorf("orders: create %s: %w", number, err)
	}
	if err := s.store.insert(ctx, o); err != nil {
		return Order{}, fmt.Errorf("orders: create %s: %w", number, err)
	}
	s.record(ctx, Caller{}, audit.Event{Type: EventCreated, Level: audit.LevelInfo, Target: target(number),
		Details: "status=" + string(o.Status), Status: "success"})
	return o, nil
}

// prepare validates a new order and fills its defaults.
func (s *Service) prepare(o *Order) error {
	invalid := func(field string) error { return fmt.Errorf("%w: %s", ErrInvalidOrder, field) }
	if o.CustomerID == "" || len(o.CustomerID) > maxIDBytes || !isPrintableASCII(o.CustomerID) {
		return invalid("customer id")
	}
	if len(o.AssigneeID) > maxIDBytes || !isPrintableASCII(o.AssigneeID) {
		return invalid("assignee id")
	}
	if o.Status == "" {
		o.Status = StatusPending
	}
	if !o.Status.Valid() {
		return invalid("status")
	}
	if len(o.Items) == 0 || len(o.Items) > maxItems {
		return invalid("items")
	}
	var sum int64
	for _, it := range o.Items {
		if !validText(it.SKU, maxTextRunes) || it.SKU == "" || !validText(it.Name, maxTextRunes) || it.Name == "" {
			return invalid("item sku or name")
		}
		if it.Quantity < 1 || it.Quantity > maxQuantity || it.PriceCents < 0 ||
			it.PriceCents > (math.MaxInt64-sum)/int64(it.Quantity) {
			return invalid("item quantity or price")
		}
		sum += int64(it.Quantity) * it.PriceCents
	}
	if o.TotalCents == 0 {
		o.TotalCents = sum
	}
	if o.TotalCents < 0 {
		return invalid("total")
	}
	if !isCurrency(o.Currency) {
		return invalid("currency")
	}
	if !validText(o.Carrier, maxTextRunes) || !validText(o.TrackingNumber, maxTextRunes) {
		return invalid("carrier or tracking number")
	}
	if !validText(o.ShippingAddress, maxAddressRunes) {
		return invalid("shipping address")
	}
	o.CancelReason, o.ReturnReason = cleanReason(o.CancelReason), cleanReason(o.ReturnReason)

	now := s.now()
	if o.CreatedAt.IsZero() {
		o.CreatedAt = now
	}
	o.CreatedAt = time.UnixMicro(o.CreatedAt.UnixMicro()).UTC()
	o.UpdatedAt = o.CreatedAt
	fill := func(t *time.Time, needed bool) {
		if needed && t.IsZero() {
			*t = o.CreatedAt
		}
		if !t.IsZero() {
			*t = time.UnixMicro(t.UnixMicro()).UTC()
		}
	}
	st := o.Status
	fill(&o.ShippedAt, st == StatusShipped || st == StatusDelivered || st == StatusReturnRequested || st == StatusReturned || st == StatusRefunded)
	fill(&o.DeliveredAt, st == StatusDelivered || st == StatusReturnRequested || st == StatusReturned || st == StatusRefunded)
	fill(&o.CancelledAt, st == StatusCancelled)
	fill(&o.ReturnRequestedAt, st == StatusReturnRequested || st == StatusReturned || st == StatusRefunded)
	o.ID = storage.NewID()
	o.Version = 1
	return nil
}

// cleanReason prepares a customer's reason for storage: valid UTF-8,
// trimmed, at most maxReasonRunes, and with card data removed — the
// customer may paste anything, and card data is never stored (DESIGN.md
// invariant 6).
func cleanReason(s string) string {
	// Redact before cutting: a card number cut in two would leave a part
	// too short to be recognised (found by review).
	s, _ = card.Redact(strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD")))
	if utf8.RuneCountInString(s) > maxReasonRunes {
		s = string([]rune(s)[:maxReasonRunes])
	}
	return s
}

// validText reports whether s is valid UTF-8 of at most n runes without
// control characters other than line breaks.
func validText(s string, n int) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > n {
		return false
	}
	for _, r := range s {
		if r < ' ' && r != '\n' || r == 0x7f {
			return false
		}
	}
	return true
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

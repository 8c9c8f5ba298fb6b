package payment

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/orders"
	"supportbot/internal/storage"
)

// Service creates and lists manual payment requests. It is safe for
// concurrent use. Refusals are audited here (access.denied,
// payment.automated_refused); callers must not record another event.
type Service struct {
	db      *storage.DB
	orders  *orders.Service
	rec     audit.Recorder
	instr   string
	link    string
	linkErr error
	clock   func() time.Time
}

// NewService returns a Service storing requests in db and reaching orders,
// with their authorization, through ords. An invalid PaymentLink makes
// every Create fail with ErrInvalidLink rather than send customers to it.
func NewService(db *storage.DB, ords *orders.Service, rec audit.Recorder, opts Options) *Service {
	s := &Service{db: db, orders: ords, rec: rec, instr: opts.Instructions, link: opts.PaymentLink, clock: opts.Clock}
	if s.instr == "" {
		s.instr = DefaultInstructions
	}
	if s.clock == nil {
		s.clock = time.Now
	}
	s.linkErr = checkLink(s.link)
	return s
}

// maxAttempts bounds retries after a reference collision, which needs two
// equal random suffixes for one order number.
const maxAttempts = 3

// record appends an event; it outlives the request's cancellation.
func (s *Service) record(ctx context.Context, c orders.Caller, e audit.Event) {
	e.Time = s.clock().UTC()
	e.Actor = c.Actor.UserID
	e.IP = c.IP
	e.RequestID = c.RequestID
	_ = s.rec.Record(context.WithoutCancel(ctx), e)
}

// target names the order in audit events when its number is valid.
func (s *Service) target(raw string) string {
	if n, err := s.orders.CanonicalNumber(raw); err == nil {
		return "order:" + n
	}
	return "payment"
}

// Create sends a manual payment request for an order: the amount is the
// order's total, the reference is unique ("PAY-" + order number + a short
// random suffix), instructions and link come from Options. Any method but
// manual is refused with ErrAutomatedCardDisabled (wrapped for unknown
// methods) and audited as payment.automated_refused, whoever asks.
//
// Authorization follows auth.ActionPaymentRequestCreate: support staff for
// orders assigned to them, admins for any, customers never (ErrForbidden).
// Someone else's or a missing order is orders.ErrNotFound, audited. An
// order with an open request gets that request back, without a new event;
// a cancelled, returned or refunded order, or one with nothing to pay, is
// ErrNotPayable.
func (s *Service) Create(ctx context.Context, c orders.Caller, orderNumber string, method Method) (Request, error) {
	if err := CheckMethod(method); err != nil {
		detail := "method=" + string(MethodAutomatedCard)
		if method != MethodAutomatedCard {
			detail = "method=unknown"
		}
		s.record(ctx, c, audit.Event{Type: EventAutomatedRefused, Level: audit.LevelWarning,
			Target: s.target(orderNumber), Details: detail, Status: "denied"})
		return Request{}, err
	}
	if s.linkErr != nil {
		return Request{}, s.linkErr
	}
	// The orders service validates the number, reads the order within the
	// caller's scope for this action and audits a refusal.
	o, err := s.orders.GetFor(ctx, c, auth.ActionPaymentRequestCreate, orderNumber)
	if err != nil {
		return Request{}, fmt.Errorf("payment: create: %w", err)
	}
	switch o.Status {
	case orders.StatusCancelled, orders.StatusReturnRequested, orders.StatusReturned, orders.StatusRefunded:
		return Request{}, fmt.Errorf("payment: create %s: status %s: %w", o.Number, o.Status, ErrNotPayable)
	}
	if o.TotalCents <= 0 {
		return Request{}, fmt.Errorf("payment: create %s: nothing to pay: %w", o.Number, ErrNotPayable)
	}

	for range maxAttempts {
		r := Request{
			ID: storage.NewID(), OrderNumber: o.Number, AmountCents: o.TotalCents, Currency: o.Currency,
			Reference: "PAY-" + o.Number + "-" + suffix(), Instructions: s.instr, PaymentLink: s.link,
			Status: StatusOpen, CreatedBy: c.Actor.UserID, CreatedAt: time.UnixMicro(s.clock().UnixMicro()).UTC(),
		}
		inserted, err := s.insert(ctx, o.ID, r)
		if err != nil {
			return Request{}, fmt.Errorf("payment: create %s: %w", o.Number, err)
		}
		if inserted {
			s.record(ctx, c, audit.Event{Type: EventRequestCreated, Level: audit.LevelInfo,
				Target: "order:" + o.Number, Details: "reference=" + r.Reference, Status: "success"})
			return r, nil
		}
		// Not inserted: the order has an open request (asked twice, or
		// concurrently), or the reference collided; try again if so.
		open, err := s.open(ctx, o.ID)
		if err == nil {
			return open, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return Request{}, fmt.Errorf("payment: create %s: %w", o.Number, err)
		}
	}
	return Request{}, fmt.Errorf("payment: create %s: no unique reference after %d attempts", o.Number, maxAttempts)
}

// List returns the payment requests of an order, newest first, to whoever
// may read the order (orders.Service.Get): its customer, the assigned
// support agent, admins.
func (s *Service) List(ctx context.Context, c orders.Caller, orderNumber string) ([]Request, error) {
	o, err := s.orders.Get(ctx, c, orderNumber)
	if err != nil {
		return nil, fmt.Errorf("payment: list: %w", err)
	}
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT `+requestColumns+` FROM payment_requests
		WHERE order_id = $1 ORDER BY created_at DESC, id DESC`, o.ID)
	if err != nil {
		return nil, fmt.Errorf("payment: list %s: %w", o.Number, err)
	}
	defer rows.Close()
	var out []Request
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("payment: list %s: %w", o.Number, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("payment: list %s: %w", o.Number, err)
	}
	return out, nil
}

// insert stores r unless the order has an open request or the reference
// is taken; ON CONFLICT DO NOTHING (both databases) reports either as
// "not inserted" without parsing driver errors.
func (s *Service) insert(ctx context.Context, orderID string, r Request) (bool, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	res, err := s.db.SQL().ExecContext(ctx, `INSERT INTO payment_requests
		(id, order_id, order_number, amount_cents, currency, reference, instructions, payment_link, status, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT DO NOTHING`,
		r.ID, orderID, r.OrderNumber, r.AmountCents, r.Currency, r.Reference, r.Instructions, r.PaymentLink,
		r.Status, r.CreatedBy, r.CreatedAt.UnixMicro())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// open returns the order's open request, or sql.ErrNoRows.
func (s *Service) open(ctx context.Context, orderID string) (Request, error) {
	ctx, cancel := s.db.Ctx(ctx)
	defer cancel()
	return scanRequest(s.db.SQL().QueryRowContext(ctx, `SELECT `+requestColumns+` FROM payment_requests
		WHERE order_id = $1 AND status = $2`, orderID, StatusOpen))
}

const requestColumns = `id, order_number, amount_cents, currency, reference, instructions, payment_link, status, created_by, created_at`

func scanRequest(row storage.Scanner) (Request, error) {
	var (
		r       Request
		created int64
	)
	err := row.Scan(&r.ID, &r.OrderNumber, &r.AmountCents, &r.Currency, &r.Reference, &r.Instructions,
		&r.PaymentLink, &r.Status, &r.CreatedBy, &created)
	if err != nil {
		return Request{}, err
	}
	r.CreatedAt = time.UnixMicro(created).UTC()
	return r, nil
}

// referenceAlphabet is Crockford's base 32: no I, L, O or U, so a
// reference read over the phone or copied by hand survives.
const referenceAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// suffix returns six random reference characters (30 bits).
func suffix() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	for i := range b {
		b[i] = referenceAlphabet[b[i]&31]
	}
	return string(b[:])
}

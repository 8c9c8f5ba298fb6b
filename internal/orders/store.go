package orders

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"supportbot/internal/crypto"
	"supportbot/internal/storage"
)

// store owns the SQL of the orders table. It is unexported: every caller
// goes through Service, which authorizes and audits. One SQL text serves
// SQLite and PostgreSQL ($n placeholders, times as unix microseconds).
type store struct {
	db   *storage.DB
	keys *crypto.Keyring
}

// errNoRow is store's "no such order"; Service turns it into ErrNotFound
// after auditing.
var errNoRow = errors.New("no such order")

// Encrypted columns. The names are part of each ciphertext's associated
// data: renaming one would make every stored value undecryptable.
const (
	table           = "orders"
	colAddress      = "shipping_address_enc"
	colCancelReason = "cancel_reason_enc"
	colReturnReason = "return_reason_enc"
)

// seal encrypts a value bound to its column and the order's row, so a
// ciphertext copied to another order or column fails to decrypt
// (invariant 4). "" stays "".
func (st *store) seal(column, id, value string) (string, error) {
	if value == "" {
		return "", nil
	}
	enc, err := st.keys.EncryptString(value, crypto.AAD{Table: table, Column: column, RowID: id})
	if err != nil {
		return "", fmt.Errorf("encrypt %s: %w", column, err)
	}
	return enc, nil
}

// unseal reverses seal; a ciphertext altered, moved or sealed with an
// unknown key is an error, never garbage.
func (st *store) unseal(column, id, enc string) (string, error) {
	if enc == "" {
		return "", nil
	}
	v, err := st.keys.DecryptString(enc, crypto.AAD{Table: table, Column: column, RowID: id})
	if err != nil {
		return "", fmt.Errorf("decrypt %s: %w", column, err)
	}
	return v, nil
}

// storedItem is an Item's stored JSON form; its own type keeps the stored
// names stable whatever happens to Item.
type storedItem struct {
	SKU        string `json:"sku"`
	Name       string `json:"name"`
	Quantity   int    `json:"quantity"`
	PriceCents int64  `json:"price_cents"`
}

func encodeItems(items []Item) (string, error) {
	out := make([]storedItem, len(items))
	for i, it := range items {
		out[i] = storedItem(it)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("encode items: %w", err)
	}
	return string(b), nil
}

func decodeItems(s string) ([]Item, error) {
	var in []storedItem
	if err := json.Unmarshal([]byte(s), &in); err != nil {
		return nil, fmt.Errorf("decode items: %w", err)
	}
	out := make([]Item, len(in))
	for i, it := range in {
		out[i] = Item(it)
	}
	return out, nil
}

// insert stores a new order, or returns ErrNumberTaken when its number is
// in use. ON CONFLICT DO NOTHING (both databases) reports the duplicate
// without parsing driver errors.
func (st *store) insert(ctx context.Context, o Order) error {
	items, err := encodeItems(o.Items)
	if err != nil {
		return err
	}
	addr, err := st.seal(colAddress, o.ID, o.ShippingAddress)
	if err != nil {
		return err
	}
	cancelReason, err := st.seal(colCancelReason, o.ID, o.CancelReason)
	if err != nil {
		return err
	}
	returnReason, err := st.seal(colReturnReason, o.ID, o.ReturnReason)
	if err != nil {
		return err
	}
	ctx, cancel := st.db.Ctx(ctx)
	defer cancel()
	res, err := st.db.SQL().ExecContext(ctx, `INSERT INTO orders
		(id, number, customer_id, assignee_id, status, items, total_cents, currency, carrier, tracking_number,
		 shipping_address_enc, cancel_reason_enc, return_reason_enc, created_at, updated_at,
		 shipped_at, delivered_at, cancelled_at, return_requested_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
		ON CONFLICT (number) DO NOTHING`,
		o.ID, o.Number, o.CustomerID, o.AssigneeID, string(o.Status), items, o.TotalCents, o.Currency,
		o.Carrier, o.TrackingNumber, addr, cancelReason, returnReason, storage.Micros(o.CreatedAt), storage.Micros(o.UpdatedAt),
		storage.Micros(o.ShippedAt), storage.Micros(o.DeliveredAt), storage.Micros(o.CancelledAt), storage.Micros(o.ReturnRequestedAt), o.Version)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNumberTaken
	}
	return nil
}

// orderColumns is the column list scanOrder reads.
const orderColumns = `id, number, customer_id, assignee_id, status, items, total_cents, currency,
	carrier, tracking_number, shipping_address_enc, cancel_reason_enc, return_reason_enc,
	created_at, updated_at, shipped_at, delivered_at, cancelled_at, return_requested_at, version`

// scanOrder reads a row of orderColumns and decrypts its PII.
func (st *store) scanOrder(row storage.Scanner) (Order, error) {
	var (
		o                                     Order
		status, items, addr, cancelR, returnR string
		created, updated, shipped, delivered  int64
		cancelled, returnRequested            int64
	)
	err := row.Scan(&o.ID, &o.Number, &o.CustomerID, &o.AssigneeID, &status, &items, &o.TotalCents, &o.Currency,
		&o.Carrier, &o.TrackingNumber, &addr, &cancelR, &returnR,
		&created, &updated, &shipped, &delivered, &cancelled, &returnRequested, &o.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return Order{}, errNoRow
	}
	if err != nil {
		return Order{}, err
	}
	o.Status = Status(status)
	o.CreatedAt, o.UpdatedAt = storage.Time(created), storage.Time(updated)
	o.ShippedAt, o.DeliveredAt = storage.Time(shipped), storage.Time(delivered)
	o.CancelledAt, o.ReturnRequestedAt = storage.Time(cancelled), storage.Time(returnRequested)
	if o.Items, err = decodeItems(items); err != nil {
		return Order{}, err
	}
	if o.ShippingAddress, err = st.unseal(colAddress, o.ID, addr); err != nil {
		return Order{}, err
	}
	if o.CancelReason, err = st.unseal(colCancelReason, o.ID, cancelR); err != nil {
		return Order{}, err
	}
	if o.ReturnReason, err = st.unseal(colReturnReason, o.ID, returnR); err != nil {
		return Order{}, err
	}
	return o, nil
}

// byNumber returns the order with the canonical number, or errNoRow.
func (st *store) byNumber(ctx context.Context, number string) (Order, error) {
	ctx, cancel := st.db.Ctx(ctx)
	defer cancel()
	return st.scanOrder(st.db.SQL().QueryRowContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE number = $1`, number))
}

// compareAndSet writes the changeable fields of o if the stored order is
// still at version from, and reports whether it was. On both databases the
// WHERE clause is checked against the latest committed row (PostgreSQL
// re-checks it after waiting for a concurrent update of the row; SQLite
// runs one writer at a time), so of two changes read at the same version
// exactly one is written.
func (st *store) compareAndSet(ctx context.Context, o Order, from int64) (bool, error) {
	cancelReason, err := st.seal(colCancelReason, o.ID, o.CancelReason)
	if err != nil {
		return false, err
	}
	returnReason, err := st.seal(colReturnReason, o.ID, o.ReturnReason)
	if err != nil {
		return false, err
	}
	ctx, cancel := st.db.Ctx(ctx)
	defer cancel()
	res, err := st.db.SQL().ExecContext(ctx, `UPDATE orders SET
			assignee_id = $3, status = $4, cancel_reason_enc = $5, return_reason_enc = $6, updated_at = $7,
			shipped_at = $8, delivered_at = $9, cancelled_at = $10, return_requested_at = $11,
			version = version + 1
		WHERE id = $1 AND version = $2`,
		o.ID, from, o.AssigneeID, string(o.Status), cancelReason, returnReason, storage.Micros(o.UpdatedAt),
		storage.Micros(o.ShippedAt), storage.Micros(o.DeliveredAt), storage.Micros(o.CancelledAt), storage.Micros(o.ReturnRequestedAt))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n == 1, nil
}

// listFilter selects the orders of one scope, one page at a time.
type listFilter struct {
	column string // "customer_id", "assignee_id" or "" for every order
	userID string
	after  *cursor // the last order of the previous page, nil for the first
	limit  int
}

// The list queries, newest first: created_at, then id, both descending, so
// pages are stable while orders are added. Every query takes the same four
// parameters — the user id ("" for all orders), the keyset position
// (created_at and id of the previous page's last order) and the limit — so
// the text is one of three constants and every value is a parameter.
const (
	listPage = ` AND (created_at < $2 OR (created_at = $2 AND id < $3))
		ORDER BY created_at DESC, id DESC LIMIT $4`
	listByCustomer = `SELECT ` + orderColumns + ` FROM orders WHERE customer_id = $1` + listPage
	listByAssignee = `SELECT ` + orderColumns + ` FROM orders WHERE assignee_id = $1` + listPage
	listAll        = `SELECT ` + orderColumns + ` FROM orders WHERE $1 = ''` + listPage
)

// list returns one page of orders.
func (st *store) list(ctx context.Context, f listFilter) ([]Order, error) {
	var q string
	switch f.column {
	case "customer_id":
		q = listByCustomer
	case "assignee_id":
		q = listByAssignee
	case "":
		q, f.userID = listAll, ""
	default:
		return nil, errors.New("list: unknown filter column")
	}
	// The first page starts after the newest possible position.
	afterUS, afterID := int64(math.MaxInt64), ""
	if f.after != nil {
		afterUS, afterID = f.after.createdUS, f.after.id
	}
	ctx, cancel := st.db.Ctx(ctx)
	defer cancel()
	rows, err := st.db.SQL().QueryContext(ctx, q, f.userID, afterUS, afterID, f.limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Order
	for rows.Next() {
		o, err := st.scanOrder(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

-- Manual payment requests, owned by internal/payment. Automated card
-- payment does not exist (first specification, "Payment Security": disabled
-- for PCI-DSS compliance), so no table has a column for card data: a
-- request tells the customer the amount, a reference to quote and how to
-- pay (bank transfer instructions, or the payment provider's hosted page,
-- where the card is entered — never here).
--
-- Times are unix microseconds UTC; ids are random 128-bit values in hex.
-- reference is unique and human-friendly (PAY-ORD001-7K3Q9D). An order has
-- at most one open request, so a repeated or concurrent "send a payment
-- request" returns the same one.

-- +goose Up
CREATE TABLE payment_requests (
    id           TEXT   PRIMARY KEY,
    order_id     TEXT   NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    order_number TEXT   NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    currency     TEXT   NOT NULL,
    reference    TEXT   NOT NULL,
    instructions TEXT   NOT NULL,
    payment_link TEXT   NOT NULL DEFAULT '',
    status       TEXT   NOT NULL CHECK (status IN ('open', 'paid', 'cancelled')),
    created_by   TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    CONSTRAINT payment_requests_reference_unique UNIQUE (reference)
);

CREATE UNIQUE INDEX payment_requests_one_open ON payment_requests (order_id) WHERE status = 'open';
CREATE INDEX payment_requests_order ON payment_requests (order_id, created_at, id);

-- Orders, owned by internal/orders. Times are unix microseconds UTC and 0
-- means "not yet" (not shipped, not delivered, …), so one SQL text serves
-- SQLite and PostgreSQL. Ids are random 128-bit values in hex; number is
-- the canonical order number customers type (ORD001), unique.
--
-- The shipping address and the customer's cancel and return reasons are
-- PII and customer text: they are stored only as ciphertexts bound to their
-- table, column and row (DESIGN.md invariant 4), with card data removed
-- first (invariant 6). Items (SKU, product name, quantity, price) are
-- catalogue data, stored as JSON text. No card data has a column here.
--
-- customer_id and assignee_id are user ids without a foreign key: orders
-- are kept for a year for compliance (hardening guide, "Data Retention")
-- even when the account is erased. assignee_id is '' when unassigned.
--
-- version grows with every change; updates compare and set it, so two
-- concurrent changes of one order never both succeed (a cancel racing a
-- shipment ends in exactly one of them).

-- +goose Up
CREATE TABLE orders (
    id                   TEXT    PRIMARY KEY,
    number               TEXT    NOT NULL,
    customer_id          TEXT    NOT NULL CHECK (customer_id <> ''),
    assignee_id          TEXT    NOT NULL DEFAULT '',
    status               TEXT    NOT NULL CHECK (status IN ('pending', 'processing', 'shipped', 'delivered',
                                     'cancelled', 'return_requested', 'returned', 'refunded')),
    items                TEXT    NOT NULL,
    total_cents          INTEGER NOT NULL CHECK (total_cents >= 0),
    currency             TEXT    NOT NULL,
    carrier              TEXT    NOT NULL DEFAULT '',
    tracking_number      TEXT    NOT NULL DEFAULT '',
    shipping_address_enc TEXT    NOT NULL DEFAULT '',
    cancel_reason_enc    TEXT    NOT NULL DEFAULT '',
    return_reason_enc    TEXT    NOT NULL DEFAULT '',
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    shipped_at           INTEGER NOT NULL DEFAULT 0,
    delivered_at         INTEGER NOT NULL DEFAULT 0,
    cancelled_at         INTEGER NOT NULL DEFAULT 0,
    return_requested_at  INTEGER NOT NULL DEFAULT 0,
    version              INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),
    CONSTRAINT orders_number_unique UNIQUE (number)
) STRICT;

-- Lists are newest first, keyset-paged on (created_at, id): a customer's
-- own orders, a support agent's assigned ones, or all of them (admin).
CREATE INDEX orders_customer ON orders (customer_id, created_at, id);
CREATE INDEX orders_assignee ON orders (assignee_id, created_at, id);
CREATE INDEX orders_created_at ON orders (created_at, id);

-- Conversations and their messages, owned by internal/conversations.
--
-- A conversation belongs to one customer. status is where it stands: 'bot'
-- (the bot answers), 'waiting_for_agent' (handed off, in the support queue),
-- 'with_agent' (a staff member, assignee_id, has claimed it; the bot stays
-- quiet) or 'closed'. state is the dialogue state as JSON (pending intent,
-- filled slots, awaiting confirmation, consecutive fallbacks): it holds
-- order numbers and intent names, never message text. version grows with
-- every change so concurrent turns, on any instance, are compare-and-set.
--
-- Message text is personal data and may be anything a customer typed: it is
-- stored only as a ciphertext whose associated data binds it to its
-- conversation and sequence number (DESIGN.md invariant 4), after card
-- numbers, security codes and expiry dates were removed (invariant 6).

-- +goose Up
CREATE TABLE conversations (
    id               TEXT    PRIMARY KEY,
    customer_id      TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status           TEXT    NOT NULL CHECK (status IN ('bot', 'waiting_for_agent', 'with_agent', 'closed')),
    assignee_id      TEXT    NOT NULL DEFAULT '',
    state            TEXT    NOT NULL DEFAULT '{}',
    version          INTEGER NOT NULL DEFAULT 1,
    last_seq         INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    handoff_at       INTEGER NOT NULL DEFAULT 0,
    closed_at        INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX conversations_customer ON conversations (customer_id, last_activity_at, id);
CREATE INDEX conversations_assignee ON conversations (assignee_id, status, last_activity_at, id);
CREATE INDEX conversations_queue ON conversations (status, handoff_at, id);

CREATE TABLE messages (
    conversation_id TEXT    NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             INTEGER NOT NULL,
    sender          TEXT    NOT NULL CHECK (sender IN ('customer', 'bot', 'agent', 'system')),
    author_id       TEXT    NOT NULL DEFAULT '',
    text_enc        TEXT    NOT NULL,
    intent          TEXT    NOT NULL DEFAULT '',
    redactions      INTEGER NOT NULL DEFAULT 0,
    meta            TEXT    NOT NULL DEFAULT '{}',
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, seq)
) STRICT;

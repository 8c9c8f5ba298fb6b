-- Accounts, refresh-token families, the access-token denylist and TOTP
-- recovery codes, owned by internal/users. Times are unix microseconds UTC
-- and 0 means "never" (not locked, not revoked, not used), so one SQL text
-- serves SQLite and PostgreSQL. Ids are random 128-bit values in hex.
--
-- PII (email, name, phone, user agent) and the TOTP secret are stored only
-- as ciphertexts bound to their table, column and row (DESIGN.md invariant
-- 4); email_bidx is the keyed blind index of the normalised email that
-- lookups and the uniqueness rule use. Refresh tokens and recovery codes are
-- stored only as hashes (invariant 5). Booleans are INTEGER 0/1 here
-- (STRICT tables know no BOOLEAN) and BOOLEAN on PostgreSQL; the SQL uses
-- TRUE/FALSE, which SQLite reads as 1/0.

-- +goose Up
CREATE TABLE users (
    id                  TEXT    PRIMARY KEY,
    role                TEXT    NOT NULL CHECK (role IN ('customer', 'support', 'admin')),
    email_enc           TEXT    NOT NULL,
    email_bidx          TEXT    NOT NULL,
    name_enc            TEXT    NOT NULL,
    phone_enc           TEXT    NOT NULL DEFAULT '',
    password_hash       TEXT    NOT NULL,
    totp_secret_enc     TEXT    NOT NULL DEFAULT '',
    totp_enabled        INTEGER NOT NULL DEFAULT 0 CHECK (totp_enabled IN (0, 1)),
    totp_last_step      INTEGER NOT NULL DEFAULT 0,
    disabled            INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failed_logins       INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until        INTEGER NOT NULL DEFAULT 0,
    password_changed_at INTEGER NOT NULL,
    token_generation    INTEGER NOT NULL DEFAULT 1 CHECK (token_generation > 0),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    CONSTRAINT users_email_bidx_unique UNIQUE (email_bidx)
) STRICT;

CREATE INDEX users_created_at ON users (created_at, id);
CREATE INDEX users_role ON users (role, created_at, id);

CREATE TABLE recovery_codes (
    user_id   TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT    NOT NULL,
    used_at   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, code_hash)
) STRICT;

-- One row per refresh-token family. expires_at is absolute (created_at +
-- REFRESH_TOKEN_TTL): rotation never extends it.
CREATE TABLE sessions (
    id             TEXT    PRIMARY KEY,
    user_id        TEXT    NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     INTEGER NOT NULL,
    last_used_at   INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    revoked_at     INTEGER NOT NULL DEFAULT 0,
    ip             TEXT    NOT NULL DEFAULT '',
    user_agent_enc TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX sessions_user_id ON sessions (user_id, last_used_at);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Every token of a family stays until the family expires: a rotated token
-- (used_at <> 0) presented again is how reuse is detected.
CREATE TABLE refresh_tokens (
    token_hash TEXT    PRIMARY KEY,
    session_id TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    used_at    INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);

-- Access tokens revoked by logout, kept until they would expire anyway.
CREATE TABLE revoked_tokens (
    jti        TEXT    PRIMARY KEY,
    expires_at INTEGER NOT NULL
) STRICT;

CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at);

-- Accounts, refresh-token families, the access-token denylist and TOTP
-- recovery codes, owned by internal/users. Times are unix microseconds UTC
-- and 0 means "never" (not locked, not revoked, not used), so one SQL text
-- serves SQLite and PostgreSQL. Ids are random 128-bit values in hex.
--
-- PII (email, name, phone, user agent) and the TOTP secret are stored only
-- as ciphertexts bound to their table, column and row (DESIGN.md invariant
-- 4); email_bidx is the keyed blind index of the normalised email that
-- lookups and the uniqueness rule use. Refresh tokens and recovery codes are
-- stored only as hashes (invariant 5).

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
    totp_enabled        BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step      BIGINT  NOT NULL DEFAULT 0,
    disabled            BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins       INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until        BIGINT  NOT NULL DEFAULT 0,
    password_changed_at BIGINT  NOT NULL,
    token_generation    BIGINT  NOT NULL DEFAULT 1 CHECK (token_generation > 0),
    created_at          BIGINT  NOT NULL,
    updated_at          BIGINT  NOT NULL,
    CONSTRAINT users_email_bidx_unique UNIQUE (email_bidx)
);

CREATE INDEX users_created_at ON users (created_at, id);
CREATE INDEX users_role ON users (role, created_at, id);

CREATE TABLE recovery_codes (
    user_id   TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT   NOT NULL,
    used_at   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, code_hash)
);

-- One row per refresh-token family. expires_at is absolute (created_at +
-- REFRESH_TOKEN_TTL): rotation never extends it.
CREATE TABLE sessions (
    id             TEXT   PRIMARY KEY,
    user_id        TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     BIGINT NOT NULL,
    last_used_at   BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    revoked_at     BIGINT NOT NULL DEFAULT 0,
    ip             TEXT   NOT NULL DEFAULT '',
    user_agent_enc TEXT   NOT NULL DEFAULT ''
);

CREATE INDEX sessions_user_id ON sessions (user_id, last_used_at);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Every token of a family stays until the family expires: a rotated token
-- (used_at <> 0) presented again is how reuse is detected.
CREATE TABLE refresh_tokens (
    token_hash TEXT   PRIMARY KEY,
    session_id TEXT   NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0
);

CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);

-- Access tokens revoked by logout, kept until they would expire anyway.
CREATE TABLE revoked_tokens (
    jti        TEXT   PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at);

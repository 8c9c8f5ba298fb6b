-- audit_events is the hash-chained security event trail owned by
-- internal/audit. Times are unix microseconds UTC so one SQL text serves
-- SQLite and PostgreSQL and the hashed value is exactly the stored one. The
-- id is assigned by the writer (previous id + 1) under the chain lock,
-- because it is an input to the row's hash; a sequence would leave gaps on
-- rollback, and dense ids make a deleted row a visible gap.

-- +goose Up
CREATE TABLE audit_events (
    id         BIGINT PRIMARY KEY CHECK (id > 0),
    time_us    BIGINT NOT NULL,
    level      TEXT   NOT NULL,
    type       TEXT   NOT NULL,
    actor      TEXT   NOT NULL,
    ip         TEXT   NOT NULL,
    request_id TEXT   NOT NULL,
    target     TEXT   NOT NULL,
    details    TEXT   NOT NULL,
    status     TEXT   NOT NULL,
    prev_hash  TEXT   NOT NULL,
    hash       TEXT   NOT NULL
);

CREATE INDEX audit_events_time_us ON audit_events (time_us);
CREATE INDEX audit_events_type ON audit_events (type, id);
CREATE INDEX audit_events_actor ON audit_events (actor, id);

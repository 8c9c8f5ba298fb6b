-- Every authenticated request needs its user's role, disabled flag and
-- token generation and whether its access token was revoked
-- (users.Store.AccessStateOf). On SQLite, the embedded single-server
-- deployment, the server remembers those answers and must forget one the
-- moment it changes, whoever changes it: this process, a terminal command
-- (`supportbot user disable`) or anyone with the file. These triggers log
-- every such change, in the transaction that makes it, for the server to
-- read (users/access_cache.go). PostgreSQL deployments do not remember
-- and ask the database on every request.

-- +goose Up
CREATE TABLE access_changes (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT    NOT NULL DEFAULT '',
    jti     TEXT    NOT NULL DEFAULT ''
) STRICT;

-- +goose StatementBegin
CREATE TRIGGER access_changes_user_update AFTER UPDATE OF role, disabled, token_generation ON users
WHEN OLD.role IS NOT NEW.role OR OLD.disabled IS NOT NEW.disabled OR OLD.token_generation IS NOT NEW.token_generation
BEGIN
    INSERT INTO access_changes (user_id) VALUES (NEW.id);
END;
-- +goose StatementEnd

-- REPLACE INTO users deletes the old row without a DELETE trigger
-- (recursive_triggers is off) and inserts a new one: log inserts too.
-- +goose StatementBegin
CREATE TRIGGER access_changes_user_insert AFTER INSERT ON users
BEGIN
    INSERT INTO access_changes (user_id) VALUES (NEW.id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER access_changes_user_delete AFTER DELETE ON users
BEGIN
    INSERT INTO access_changes (user_id) VALUES (OLD.id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER access_changes_user_id AFTER UPDATE OF id ON users
BEGIN
    INSERT INTO access_changes (user_id) VALUES (OLD.id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER access_changes_revoked AFTER INSERT ON revoked_tokens
BEGIN
    INSERT INTO access_changes (jti) VALUES (NEW.jti);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER access_changes_revoked_update AFTER UPDATE ON revoked_tokens
BEGIN
    INSERT INTO access_changes (jti) VALUES (OLD.jti);
    INSERT INTO access_changes (jti) VALUES (NEW.jti);
END;
-- +goose StatementEnd

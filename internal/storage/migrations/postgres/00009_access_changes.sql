-- SQLite's migration 00009 logs changes to users' access state for the
-- embedded server's cache (users/access_cache.go). PostgreSQL deployments,
-- several instances on one database, keep no such cache and read the
-- state on every request, so this version changes nothing here; it exists
-- so that both databases count the same versions.

-- +goose Up
SELECT 1;

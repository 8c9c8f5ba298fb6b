-- The admin dashboard's charts count customer turns per hour and the
-- intents the bot read over the last day (conversations.Store.TurnsPerHour,
-- IntentCounts): both filter on the sender and a time range, which without
-- this index reads the whole messages table.

-- +goose Up
CREATE INDEX messages_sender_created ON messages (sender, created_at);


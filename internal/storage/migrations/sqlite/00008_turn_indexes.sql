-- Every chat turn updates its conversation's state and last_activity_at
-- and appends messages. Indexes holding last_activity_at were rewritten on
-- every turn although the lists they serve need only a few rows each, and
-- on SQLite they were a good part of the pages each group commit wrote
-- (bench/README.md, "Chat turns over HTTP"). Now:
--   - a customer's conversations, and a staff member's, are found by
--     customer or by assignee and status, and sorted (each has few), so an
--     ordinary turn — which changes neither status nor assignee
--     (conversations.Store's turn update) — moves no index entry;
--   - the dashboard's index holds customer messages only, which are all
--     its charts count.

-- +goose Up
DROP INDEX conversations_customer;
DROP INDEX conversations_assignee;
DROP INDEX messages_sender_created;
CREATE INDEX conversations_customer ON conversations (customer_id);
CREATE INDEX conversations_assignee ON conversations (assignee_id, status);
CREATE INDEX messages_customer_created ON messages (created_at) WHERE sender = 'customer';

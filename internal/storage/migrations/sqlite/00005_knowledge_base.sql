-- The knowledge base, owned by internal/kb: the FAQ entries the bot answers
-- from, edited by admins. Paraphrases and tags are JSON arrays of strings.
-- kb_revision counts changes, so every instance notices an edit made by
-- another one and rebuilds its search index. FAQ text is shop content, not
-- personal data, so it is stored in clear.

-- +goose Up
CREATE TABLE faq_entries (
    id          TEXT    PRIMARY KEY,
    question    TEXT    NOT NULL,
    paraphrases TEXT    NOT NULL DEFAULT '[]',
    answer      TEXT    NOT NULL,
    tags        TEXT    NOT NULL DEFAULT '[]',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE kb_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER  NOT NULL
) STRICT;

INSERT INTO kb_revision (id, revision) VALUES (1, 0);

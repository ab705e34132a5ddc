-- +goose Up
-- Bookmarks are private to their owner; the id (time-ordered, like every
-- Rounds id) is the cursor GET /api/v1/bookmarks pages by.
CREATE TABLE bookmarks (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status_id  INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, status_id)
);
CREATE INDEX bookmarks_account ON bookmarks (account_id, id);
CREATE INDEX bookmarks_status ON bookmarks (status_id);

-- Earlier versions of edited statuses, for GET /api/v1/statuses/:id/history.
-- created_at is when that version was written (posted, or the edit before).
CREATE TABLE status_edits (
    id           INTEGER PRIMARY KEY,
    status_id    INTEGER NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
    content      TEXT    NOT NULL DEFAULT '',
    text         TEXT    NOT NULL DEFAULT '',
    spoiler_text TEXT    NOT NULL DEFAULT '',
    sensitive    INTEGER NOT NULL DEFAULT 0,
    language     TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE INDEX status_edits_status ON status_edits (status_id, id);

-- The version being replaced is kept by the database itself, so every path
-- that edits a status (a local PUT, a remote Update{Note}) records history
-- without having to remember to. An edit is an update that moves edited_at
-- and changes what a reader sees; other updates (a reply parent resolved
-- late) leave no history.
-- +goose StatementBegin
CREATE TRIGGER statuses_keep_edit AFTER UPDATE OF content, spoiler_text, sensitive, edited_at ON statuses
WHEN new.edited_at <> old.edited_at
  AND (new.content <> old.content OR new.spoiler_text <> old.spoiler_text OR new.sensitive <> old.sensitive)
BEGIN
    INSERT INTO status_edits (status_id, content, text, spoiler_text, sensitive, language, created_at)
    VALUES (old.id, old.content, old.text, old.spoiler_text, old.sensitive, old.language,
            CASE WHEN old.edited_at <> 0 THEN old.edited_at ELSE old.created_at END);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER statuses_keep_edit;
DROP TABLE status_edits;
DROP TABLE bookmarks;

-- +goose Up
-- Media attachments. status_id is NULL until the upload is attached; deleting
-- the status deletes the rows, so its files stop being served (the files
-- themselves are removed by whoever deletes the status, see federation/media).
CREATE TABLE media (
    id           BIGINT  PRIMARY KEY,
    account_id   BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status_id    BIGINT  REFERENCES statuses(id) ON DELETE CASCADE,
    position     BIGINT  NOT NULL DEFAULT 0,
    type         TEXT    NOT NULL,
    content_type TEXT    NOT NULL DEFAULT '',
    file_key     TEXT    NOT NULL DEFAULT '',
    remote_url   TEXT    NOT NULL DEFAULT '',
    description  TEXT    NOT NULL DEFAULT '',
    focus_x      DOUBLE PRECISION    NOT NULL DEFAULT 0,
    focus_y      DOUBLE PRECISION    NOT NULL DEFAULT 0,
    width        BIGINT  NOT NULL DEFAULT 0,
    height       BIGINT  NOT NULL DEFAULT 0,
    small_width  BIGINT  NOT NULL DEFAULT 0,
    small_height BIGINT  NOT NULL DEFAULT 0,
    size         BIGINT  NOT NULL DEFAULT 0,
    blurhash     TEXT    NOT NULL DEFAULT '',
    created_at   BIGINT  NOT NULL
);
CREATE INDEX media_status ON media (status_id, position) WHERE status_id IS NOT NULL;
CREATE INDEX media_account ON media (account_id);
CREATE UNIQUE INDEX media_file_key ON media (file_key) WHERE file_key <> '';

-- +goose Down
DROP TABLE media;

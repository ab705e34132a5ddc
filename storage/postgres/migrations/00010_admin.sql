-- +goose Up
-- Reports filed by members from Mastodon apps (POST /api/v1/reports), for
-- moderators to resolve in the admin console. status_ids is a JSON array.
CREATE TABLE reports (
    id          BIGINT  PRIMARY KEY,
    account_id  BIGINT  NOT NULL,
    target_id   BIGINT  NOT NULL,
    status_ids  TEXT    NOT NULL DEFAULT '[]',
    comment     TEXT    NOT NULL DEFAULT '',
    category    TEXT    NOT NULL DEFAULT 'other',
    created_at  BIGINT  NOT NULL,
    resolved_at BIGINT  NOT NULL DEFAULT 0,
    resolved_by BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX reports_open ON reports (resolved_at, id);

-- +goose Down
DROP TABLE reports;

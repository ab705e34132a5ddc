-- +goose Up
-- last_status_at on every rendered account: with this index max(created_at)
-- is one index probe instead of a scan of the author's posts.
CREATE INDEX statuses_account_created ON statuses (account_id, created_at);

-- +goose Down
DROP INDEX statuses_account_created;

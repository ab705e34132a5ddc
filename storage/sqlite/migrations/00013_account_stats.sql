-- +goose Up
-- Account counters kept by triggers: every rendered account shows its post,
-- follower and following counts and last_status_at, and counting rows for
-- that on each render took milliseconds per account at a million posts.
CREATE TABLE account_stats (
    account_id     INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    statuses       INTEGER NOT NULL DEFAULT 0,
    followers      INTEGER NOT NULL DEFAULT 0,
    following      INTEGER NOT NULL DEFAULT 0,
    last_status_at INTEGER NOT NULL DEFAULT 0
);

INSERT INTO account_stats (account_id, statuses, followers, following, last_status_at)
SELECT a.id,
       (SELECT count(*) FROM statuses s WHERE s.account_id = a.id),
       (SELECT count(*) FROM follows f WHERE f.target_account_id = a.id AND f.state = 'accepted'),
       (SELECT count(*) FROM follows f WHERE f.account_id = a.id AND f.state = 'accepted'),
       coalesce((SELECT max(created_at) FROM statuses s WHERE s.account_id = a.id), 0)
FROM accounts a;

-- +goose StatementBegin
CREATE TRIGGER account_stats_new_account AFTER INSERT ON accounts BEGIN
    INSERT OR IGNORE INTO account_stats (account_id) VALUES (new.id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER account_stats_status_in AFTER INSERT ON statuses BEGIN
    UPDATE account_stats SET statuses = statuses + 1, last_status_at = max(last_status_at, new.created_at)
    WHERE account_id = new.account_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER account_stats_status_out AFTER DELETE ON statuses BEGIN
    UPDATE account_stats SET statuses = max(statuses - 1, 0),
        last_status_at = coalesce((SELECT max(created_at) FROM statuses WHERE account_id = old.account_id), 0)
    WHERE account_id = old.account_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER account_stats_follow_in AFTER INSERT ON follows WHEN new.state = 'accepted' BEGIN
    UPDATE account_stats SET followers = followers + 1 WHERE account_id = new.target_account_id;
    UPDATE account_stats SET following = following + 1 WHERE account_id = new.account_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER account_stats_follow_accept AFTER UPDATE OF state ON follows
WHEN old.state <> 'accepted' AND new.state = 'accepted' BEGIN
    UPDATE account_stats SET followers = followers + 1 WHERE account_id = new.target_account_id;
    UPDATE account_stats SET following = following + 1 WHERE account_id = new.account_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER account_stats_follow_out AFTER DELETE ON follows WHEN old.state = 'accepted' BEGIN
    UPDATE account_stats SET followers = max(followers - 1, 0) WHERE account_id = old.target_account_id;
    UPDATE account_stats SET following = max(following - 1, 0) WHERE account_id = old.account_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER account_stats_follow_out;
DROP TRIGGER account_stats_follow_accept;
DROP TRIGGER account_stats_follow_in;
DROP TRIGGER account_stats_status_out;
DROP TRIGGER account_stats_status_in;
DROP TRIGGER account_stats_new_account;
DROP TABLE account_stats;

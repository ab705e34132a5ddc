-- +goose Up
-- Account counters kept by triggers: every rendered account shows its post,
-- follower and following counts and last_status_at, and counting rows for
-- that on each render took milliseconds per account at a million posts.
CREATE TABLE account_stats (
    account_id     BIGINT  PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    statuses       BIGINT  NOT NULL DEFAULT 0,
    followers      BIGINT  NOT NULL DEFAULT 0,
    following      BIGINT  NOT NULL DEFAULT 0,
    last_status_at BIGINT  NOT NULL DEFAULT 0
);

INSERT INTO account_stats (account_id, statuses, followers, following, last_status_at)
SELECT a.id,
       (SELECT count(*) FROM statuses s WHERE s.account_id = a.id),
       (SELECT count(*) FROM follows f WHERE f.target_account_id = a.id AND f.state = 'accepted'),
       (SELECT count(*) FROM follows f WHERE f.account_id = a.id AND f.state = 'accepted'),
       coalesce((SELECT max(created_at) FROM statuses s WHERE s.account_id = a.id), 0)
FROM accounts a;

-- +goose StatementBegin
CREATE FUNCTION account_stats_new_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO account_stats (account_id) VALUES (new.id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER account_stats_new_account AFTER INSERT ON accounts
FOR EACH ROW EXECUTE FUNCTION account_stats_new_account();

-- +goose StatementBegin
CREATE FUNCTION account_stats_status_in() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE account_stats SET statuses = statuses + 1, last_status_at = greatest(last_status_at, new.created_at)
    WHERE account_id = new.account_id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER account_stats_status_in AFTER INSERT ON statuses
FOR EACH ROW EXECUTE FUNCTION account_stats_status_in();

-- +goose StatementBegin
CREATE FUNCTION account_stats_status_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE account_stats SET statuses = greatest(statuses - 1, 0),
        last_status_at = coalesce((SELECT max(created_at) FROM statuses WHERE account_id = old.account_id), 0)
    WHERE account_id = old.account_id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER account_stats_status_out AFTER DELETE ON statuses
FOR EACH ROW EXECUTE FUNCTION account_stats_status_out();

-- +goose StatementBegin
CREATE FUNCTION account_stats_follow_in() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One statement for both rows, locked in key order: two updates in
    -- follower-then-target order could deadlock with a follow the other way.
    UPDATE account_stats SET
        followers = followers + (account_id = new.target_account_id)::int,
        following = following + (account_id = new.account_id)::int
    WHERE account_id IN (new.account_id, new.target_account_id);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER account_stats_follow_in AFTER INSERT ON follows
FOR EACH ROW WHEN (new.state = 'accepted') EXECUTE FUNCTION account_stats_follow_in();
CREATE TRIGGER account_stats_follow_accept AFTER UPDATE OF state ON follows
FOR EACH ROW WHEN (old.state <> 'accepted' AND new.state = 'accepted') EXECUTE FUNCTION account_stats_follow_in();

-- +goose StatementBegin
CREATE FUNCTION account_stats_follow_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE account_stats SET
        followers = greatest(followers - (account_id = old.target_account_id)::int, 0),
        following = greatest(following - (account_id = old.account_id)::int, 0)
    WHERE account_id IN (old.account_id, old.target_account_id);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER account_stats_follow_out AFTER DELETE ON follows
FOR EACH ROW WHEN (old.state = 'accepted') EXECUTE FUNCTION account_stats_follow_out();

-- +goose Down
DROP TRIGGER account_stats_follow_out ON follows;
DROP TRIGGER account_stats_follow_accept ON follows;
DROP TRIGGER account_stats_follow_in ON follows;
DROP TRIGGER account_stats_status_out ON statuses;
DROP TRIGGER account_stats_status_in ON statuses;
DROP TRIGGER account_stats_new_account ON accounts;
DROP FUNCTION account_stats_follow_out();
DROP FUNCTION account_stats_follow_in();
DROP FUNCTION account_stats_status_out();
DROP FUNCTION account_stats_status_in();
DROP FUNCTION account_stats_new_account();
DROP TABLE account_stats;

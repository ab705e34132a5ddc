-- +goose Up
-- Kept in step with storage/sqlite/migrations, table for table and column
-- for column, so data moves between the backends one to one.
-- Times are Unix milliseconds (0 = unset); booleans are 0/1. SQLite's
-- COLLATE NOCASE columns are citext here: case-insensitive =, LIKE and UNIQUE.
CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE accounts (
    id               BIGINT  PRIMARY KEY,
    username         CITEXT    NOT NULL,
    domain           CITEXT    NOT NULL DEFAULT '',
    display_name     TEXT    NOT NULL DEFAULT '',
    note             TEXT    NOT NULL DEFAULT '',
    uri              TEXT    NOT NULL UNIQUE,
    url              TEXT    NOT NULL DEFAULT '',
    inbox_uri        TEXT    NOT NULL DEFAULT '',
    outbox_uri       TEXT    NOT NULL DEFAULT '',
    shared_inbox_uri TEXT    NOT NULL DEFAULT '',
    followers_uri    TEXT    NOT NULL DEFAULT '',
    following_uri    TEXT    NOT NULL DEFAULT '',
    public_key_id    TEXT    NOT NULL DEFAULT '',
    public_key_pem   TEXT    NOT NULL DEFAULT '',
    private_key_pem  TEXT    NOT NULL DEFAULT '',
    locked           BIGINT  NOT NULL DEFAULT 0,
    discoverable     BIGINT  NOT NULL DEFAULT 1,
    bot              BIGINT  NOT NULL DEFAULT 0,
    avatar_url       TEXT    NOT NULL DEFAULT '',
    header_url       TEXT    NOT NULL DEFAULT '',
    fields_json      TEXT    NOT NULL DEFAULT '[]',
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    fetched_at       BIGINT  NOT NULL DEFAULT 0,
    suspended_at     BIGINT  NOT NULL DEFAULT 0,
    deleted_at       BIGINT  NOT NULL DEFAULT 0,
    UNIQUE (username, domain)
);

CREATE TABLE users (
    id              BIGINT  PRIMARY KEY,
    account_id      BIGINT  NOT NULL UNIQUE REFERENCES accounts(id) ON DELETE CASCADE,
    email           CITEXT    NOT NULL UNIQUE,
    password_hash   TEXT    NOT NULL DEFAULT '',
    role            TEXT    NOT NULL CHECK (role IN ('admin', 'moderator', 'member')),
    disabled        BIGINT  NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL,
    last_sign_in_at BIGINT  NOT NULL DEFAULT 0
);

CREATE TABLE statuses (
    id                     BIGINT  PRIMARY KEY,
    uri                    TEXT    NOT NULL UNIQUE,
    url                    TEXT    NOT NULL DEFAULT '',
    account_id             BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    in_reply_to_id         BIGINT  NOT NULL DEFAULT 0,
    in_reply_to_uri        TEXT    NOT NULL DEFAULT '',
    in_reply_to_account_id BIGINT  NOT NULL DEFAULT 0,
    reblog_of_id           BIGINT  NOT NULL DEFAULT 0,
    content                TEXT    NOT NULL DEFAULT '',
    text                   TEXT    NOT NULL DEFAULT '',
    spoiler_text           TEXT    NOT NULL DEFAULT '',
    sensitive              BIGINT  NOT NULL DEFAULT 0,
    visibility             TEXT    NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private', 'direct')),
    language               TEXT    NOT NULL DEFAULT '',
    local                  BIGINT  NOT NULL DEFAULT 0,
    created_at             BIGINT  NOT NULL,
    edited_at              BIGINT  NOT NULL DEFAULT 0,
    deleted_at             BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX statuses_account ON statuses (account_id, id);
CREATE INDEX statuses_reply ON statuses (in_reply_to_id) WHERE in_reply_to_id <> 0;
CREATE INDEX statuses_reply_uri ON statuses (in_reply_to_uri) WHERE in_reply_to_uri <> '';
CREATE INDEX statuses_reblog ON statuses (reblog_of_id, account_id) WHERE reblog_of_id <> 0;
CREATE INDEX statuses_public ON statuses (id) WHERE visibility = 'public' AND reblog_of_id = 0;

CREATE TABLE mentions (
    status_id  BIGINT  NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
    account_id BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    PRIMARY KEY (status_id, account_id)
);
CREATE INDEX mentions_account ON mentions (account_id);

CREATE TABLE tags (
    id   BIGINT  PRIMARY KEY,
    name CITEXT NOT NULL UNIQUE
);
CREATE TABLE status_tags (
    status_id BIGINT  NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
    tag_id    BIGINT  NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (status_id, tag_id)
);
CREATE INDEX status_tags_tag ON status_tags (tag_id, status_id);

CREATE TABLE follows (
    id                BIGINT  PRIMARY KEY,
    account_id        BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    target_account_id BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    uri               TEXT    NOT NULL UNIQUE,
    state             TEXT    NOT NULL CHECK (state IN ('pending', 'accepted')),
    show_reblogs      BIGINT  NOT NULL DEFAULT 1,
    notify            BIGINT  NOT NULL DEFAULT 0,
    created_at        BIGINT  NOT NULL,
    UNIQUE (account_id, target_account_id)
);
CREATE INDEX follows_target ON follows (target_account_id, state, id);

CREATE TABLE favourites (
    id         BIGINT  PRIMARY KEY,
    account_id BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status_id  BIGINT  NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
    uri        TEXT    NOT NULL UNIQUE,
    created_at BIGINT  NOT NULL,
    UNIQUE (account_id, status_id)
);
CREATE INDEX favourites_status ON favourites (status_id);

CREATE TABLE blocks (
    id                BIGINT  PRIMARY KEY,
    account_id        BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    target_account_id BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    uri               TEXT    NOT NULL UNIQUE,
    created_at        BIGINT  NOT NULL,
    UNIQUE (account_id, target_account_id)
);

CREATE TABLE notifications (
    id              BIGINT  PRIMARY KEY,
    account_id      BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    from_account_id BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    type            TEXT    NOT NULL,
    status_id       BIGINT  NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX notifications_account ON notifications (account_id, id);
CREATE INDEX notifications_status ON notifications (status_id) WHERE status_id <> 0;

CREATE TABLE home_timeline (
    account_id BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    status_id  BIGINT  NOT NULL REFERENCES statuses(id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, status_id)
);
CREATE INDEX home_timeline_status ON home_timeline (status_id);

CREATE TABLE oauth_apps (
    id            BIGINT  PRIMARY KEY,
    name          TEXT    NOT NULL,
    website       TEXT    NOT NULL DEFAULT '',
    redirect_uris TEXT    NOT NULL DEFAULT '',
    client_id     TEXT    NOT NULL UNIQUE,
    secret_hash   TEXT    NOT NULL,
    scopes        TEXT    NOT NULL DEFAULT 'read',
    created_at    BIGINT  NOT NULL
);

CREATE TABLE oauth_tokens (
    id           BIGINT  PRIMARY KEY,
    app_id       BIGINT  NOT NULL DEFAULT 0,
    user_id      BIGINT  NOT NULL DEFAULT 0,
    token_hash   TEXT    NOT NULL UNIQUE,
    refresh_hash TEXT    NOT NULL DEFAULT '',
    scopes       TEXT    NOT NULL,
    created_at   BIGINT  NOT NULL,
    expires_at   BIGINT  NOT NULL DEFAULT 0,
    revoked_at   BIGINT  NOT NULL DEFAULT 0,
    last_used_at BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX oauth_tokens_user ON oauth_tokens (user_id);

-- The outbound queue: one row per (activity, inbox); the unique key is what
-- makes re-enqueueing after a crash harmless.
CREATE TABLE delivery_jobs (
    id              BIGINT  PRIMARY KEY,
    activity_id     TEXT    NOT NULL,
    inbox           TEXT    NOT NULL,
    body            BYTEA    NOT NULL,
    signer_id       BIGINT  NOT NULL,
    status_id       BIGINT  NOT NULL DEFAULT 0,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    last_status     BIGINT  NOT NULL DEFAULT 0,
    state           TEXT    NOT NULL DEFAULT 'pending',
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    UNIQUE (activity_id, inbox)
);
CREATE INDEX delivery_jobs_due ON delivery_jobs (state, next_attempt_at);
CREATE INDEX delivery_jobs_status ON delivery_jobs (status_id) WHERE status_id <> 0;

-- The inbound queue: verified activities, deduplicated by id.
CREATE TABLE inbox_items (
    id              BIGINT  PRIMARY KEY,
    activity_id     TEXT    NOT NULL UNIQUE,
    actor_uri       TEXT    NOT NULL,
    body            BYTEA    NOT NULL,
    received_at     BIGINT  NOT NULL,
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL DEFAULT 'pending'
);
CREATE INDEX inbox_items_due ON inbox_items (state, next_attempt_at);

CREATE TABLE remote_keys (
    key_id         TEXT    PRIMARY KEY,
    owner_uri      TEXT    NOT NULL,
    public_key_pem TEXT    NOT NULL,
    fetched_at     BIGINT  NOT NULL
);
CREATE INDEX remote_keys_owner ON remote_keys (owner_uri);

CREATE TABLE domain_policies (
    domain     CITEXT    PRIMARY KEY,
    policy     TEXT    NOT NULL CHECK (policy IN ('allow', 'block')),
    note       TEXT    NOT NULL DEFAULT '',
    created_at BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE domain_policies;
DROP TABLE remote_keys;
DROP TABLE inbox_items;
DROP TABLE delivery_jobs;
DROP TABLE oauth_tokens;
DROP TABLE oauth_apps;
DROP TABLE home_timeline;
DROP TABLE notifications;
DROP TABLE blocks;
DROP TABLE favourites;
DROP TABLE follows;
DROP TABLE status_tags;
DROP TABLE tags;
DROP TABLE mentions;
DROP TABLE statuses;
DROP TABLE users;
DROP TABLE accounts;

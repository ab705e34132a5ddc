-- +goose Up
-- Account-side Mastodon API: preferences, mutes, lists, markers, filters.

-- The account row keeps the rendered bio and fields; the plain-text sources
-- live here so the edit form (CredentialAccount.source) shows what was typed.
CREATE TABLE account_prefs (
    account_id  BIGINT  PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
    privacy     TEXT    NOT NULL DEFAULT 'public' CHECK (privacy IN ('public', 'unlisted', 'private')),
    sensitive   BIGINT  NOT NULL DEFAULT 0,
    language    TEXT    NOT NULL DEFAULT '',
    note_text   TEXT    NOT NULL DEFAULT '',
    fields_json TEXT    NOT NULL DEFAULT '[]',
    updated_at  BIGINT  NOT NULL
);

CREATE TABLE mutes (
    id                BIGINT  PRIMARY KEY,
    account_id        BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    target_account_id BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    notifications     BIGINT  NOT NULL DEFAULT 1,
    expires_at        BIGINT  NOT NULL DEFAULT 0,
    created_at        BIGINT  NOT NULL,
    UNIQUE (account_id, target_account_id)
);

CREATE TABLE lists (
    id             BIGINT  PRIMARY KEY,
    account_id     BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    title          TEXT    NOT NULL,
    replies_policy TEXT    NOT NULL DEFAULT 'list' CHECK (replies_policy IN ('followed', 'list', 'none')),
    exclusive      BIGINT  NOT NULL DEFAULT 0,
    created_at     BIGINT  NOT NULL
);
CREATE INDEX lists_account ON lists (account_id);

CREATE TABLE list_accounts (
    id         BIGINT  PRIMARY KEY,
    list_id    BIGINT  NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
    account_id BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    UNIQUE (list_id, account_id)
);
CREATE INDEX list_accounts_account ON list_accounts (account_id);

CREATE TABLE markers (
    account_id   BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    timeline     TEXT    NOT NULL CHECK (timeline IN ('home', 'notifications')),
    last_read_id BIGINT  NOT NULL,
    version      BIGINT  NOT NULL DEFAULT 0,
    updated_at   BIGINT  NOT NULL,
    PRIMARY KEY (account_id, timeline)
);

CREATE TABLE filters (
    id           BIGINT  PRIMARY KEY,
    account_id   BIGINT  NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    title        TEXT    NOT NULL,
    context_json TEXT    NOT NULL DEFAULT '[]',
    action       TEXT    NOT NULL DEFAULT 'warn' CHECK (action IN ('warn', 'hide')),
    expires_at   BIGINT  NOT NULL DEFAULT 0,
    created_at   BIGINT  NOT NULL
);
CREATE INDEX filters_account ON filters (account_id);

CREATE TABLE filter_keywords (
    id         BIGINT  PRIMARY KEY,
    filter_id  BIGINT  NOT NULL REFERENCES filters(id) ON DELETE CASCADE,
    keyword    TEXT    NOT NULL,
    whole_word BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX filter_keywords_filter ON filter_keywords (filter_id);

-- +goose Down
DROP TABLE filter_keywords;
DROP TABLE filters;
DROP TABLE markers;
DROP TABLE list_accounts;
DROP TABLE lists;
DROP TABLE mutes;
DROP TABLE account_prefs;

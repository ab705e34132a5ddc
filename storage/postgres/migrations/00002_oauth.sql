-- +goose Up
-- Authorization codes of the OAuth code flow. Only the hash of a code is
-- kept; a row is deleted when the code is exchanged, which is what makes a
-- code single-use.
CREATE TABLE oauth_codes (
    code_hash        TEXT    PRIMARY KEY,
    app_id           BIGINT  NOT NULL,
    user_id          BIGINT  NOT NULL,
    redirect_uri     TEXT    NOT NULL,
    scopes           TEXT    NOT NULL,
    challenge        TEXT    NOT NULL DEFAULT '',
    challenge_method TEXT    NOT NULL DEFAULT '',
    created_at       BIGINT  NOT NULL,
    expires_at       BIGINT  NOT NULL
);
CREATE INDEX oauth_codes_expiry ON oauth_codes (expires_at);

-- Signed-in browser sessions of the sign-in and authorize pages, by the hash
-- of the cookie value.
CREATE TABLE web_sessions (
    id_hash      TEXT    PRIMARY KEY,
    user_id      BIGINT  NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   BIGINT  NOT NULL,
    last_seen_at BIGINT  NOT NULL
);
CREATE INDEX web_sessions_seen ON web_sessions (last_seen_at);

-- The refresh_token grant finds its token by this hash.
CREATE INDEX oauth_tokens_refresh ON oauth_tokens (refresh_hash) WHERE refresh_hash <> '';

-- +goose Down
DROP INDEX oauth_tokens_refresh;
DROP TABLE web_sessions;
DROP TABLE oauth_codes;

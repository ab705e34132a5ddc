-- +goose Up
-- Invite links for registrations: invite. Only the hash of the link's token
-- is kept, so a leaked database does not hand out working invites.
CREATE TABLE invites (
    id          BIGINT  PRIMARY KEY,
    token_hash  TEXT    NOT NULL UNIQUE,
    role        TEXT    NOT NULL DEFAULT 'member',
    max_uses    BIGINT  NOT NULL DEFAULT 1,
    uses        BIGINT  NOT NULL DEFAULT 0,
    created_by  BIGINT  NOT NULL DEFAULT 0,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL DEFAULT 0,
    revoked_at  BIGINT  NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE invites;

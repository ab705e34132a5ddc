-- +goose Up
-- The signed clinician credential published on (local) or received with
-- (remote) an actor, and when it last verified; 0 = not verified.
ALTER TABLE accounts ADD COLUMN credential TEXT NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN credential_verified_at BIGINT  NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE accounts DROP COLUMN credential_verified_at;
ALTER TABLE accounts DROP COLUMN credential;

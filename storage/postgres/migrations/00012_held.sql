-- +goose Up
-- Remote posts the PHI guard found high-confidence patient identifiers in:
-- kept for the moderators' report, shown to nobody until released.
ALTER TABLE statuses ADD COLUMN held BIGINT  NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE statuses DROP COLUMN held;

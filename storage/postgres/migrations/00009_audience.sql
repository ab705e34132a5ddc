-- +goose Up
-- Who may ever see a status beyond its visibility: '' everyone its
-- visibility allows, 'local' this institution's signed-in members only (never
-- federated), 'partners' this institution and its partner institutions.
ALTER TABLE statuses ADD COLUMN audience TEXT NOT NULL DEFAULT ''
    CHECK (audience IN ('', 'local', 'partners'));

-- +goose Down
ALTER TABLE statuses DROP COLUMN audience;

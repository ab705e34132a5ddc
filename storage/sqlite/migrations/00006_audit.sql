-- +goose Up
-- The audit log (HIPAA 164.312(b)): append-only, each row chained to the one
-- before by SHA-256 (see federation/audit). No foreign keys: entries must
-- outlive the accounts they name, erasure included. AUTOINCREMENT keeps the
-- highest seq ever used in sqlite_sequence, so removing the newest rows
-- leaves a trace that verification reports.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    actor_id    INTEGER NOT NULL DEFAULT 0,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    target      TEXT    NOT NULL DEFAULT '',
    ip          TEXT    NOT NULL DEFAULT '',
    detail_json TEXT    NOT NULL DEFAULT '{}',
    prev_hash   TEXT    NOT NULL,
    hash        TEXT    NOT NULL
);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- The triggers stop the application (a bug, an injected query) from
-- rewriting history. Someone with the file can drop them; the hash chain is
-- what catches that.
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- REPLACE deletes the old row without firing delete triggers (unless
-- recursive_triggers is on), so an insert onto a taken seq is refused too.
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_log;

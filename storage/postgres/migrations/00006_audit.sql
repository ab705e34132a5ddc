-- +goose Up
-- The audit log (HIPAA 164.312(b)): append-only, each row chained to the one
-- before by SHA-256 (see federation/audit). No foreign keys: entries must
-- outlive the accounts they name, erasure included. audit_log_high keeps the
-- highest seq ever used (SQLite's AUTOINCREMENT does it in sqlite_sequence),
-- so removing the newest rows leaves a trace that verification reports.
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    id          BIGINT  NOT NULL,
    at          BIGINT  NOT NULL,
    actor_id    BIGINT  NOT NULL DEFAULT 0,
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

CREATE TABLE audit_log_high (
    one  BOOLEAN PRIMARY KEY DEFAULT true CHECK (one),
    seq  BIGINT  NOT NULL
);
-- One row from the start: AuditTail locks it, which queues concurrent
-- appenders (several replicas) behind each other.
INSERT INTO audit_log_high (one, seq) VALUES (true, 0);

-- The triggers stop the application (a bug, an injected query) from
-- rewriting history. Someone who owns the tables can drop them; the hash
-- chain is what catches that. A taken seq is refused by the primary key.
-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION audit_log_refuse_taken() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_log WHERE seq = new.seq) THEN
        RAISE EXCEPTION 'audit_log is append-only: seq % is taken', new.seq;
    END IF;
    RETURN new;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
-- An insert onto a taken seq says why it is refused, as in SQLite; the
-- primary key still stops two concurrent ones.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_taken();

-- +goose StatementBegin
CREATE FUNCTION audit_log_note_high() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO audit_log_high (one, seq) VALUES (true, new.seq)
    ON CONFLICT (one) DO UPDATE SET seq = greatest(audit_log_high.seq, excluded.seq);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_high_seq AFTER INSERT ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_note_high();

-- +goose Down
DROP TABLE audit_log;
DROP TABLE audit_log_high;
DROP FUNCTION audit_log_note_high();
DROP FUNCTION audit_log_refuse_taken();
DROP FUNCTION audit_log_append_only();

package postgres

import (
	"context"
	"database/sql"
	"strings"

	"github.com/rounds-social/rounds/storage"
)

const auditCols = `seq, id, at, actor_id, actor, action, target, ip, detail_json, prev_hash, hash`

// AuditTail reads audit_log_high as well as the rows: a trigger records there
// the highest seq ever appended, which survives removal of the newest rows,
// so the next append leaves a gap that verification reports. It locks that
// row, so appenders on several connections (or replicas) queue behind the
// transaction that read the tail first instead of forking the chain.
func (db *DB) AuditTail(ctx context.Context) (int64, string, error) {
	var high int64
	var hash sql.NullString
	err := db.r.QueryRowContext(ctx, `SELECT
		greatest(h.seq, coalesce((SELECT max(seq) FROM audit_log), 0)),
		(SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1)
		FROM audit_log_high h WHERE h.one FOR UPDATE OF h`).Scan(&high, &hash)
	if err != nil {
		return 0, "", wrap("audit tail", err)
	}
	return high, hash.String, nil
}

// AppendAudit inserts e with its seq and hashes as computed by the caller.
func (db *DB) AppendAudit(ctx context.Context, e *storage.AuditEntry) error {
	if e.ID == 0 {
		e.ID = storage.NewID()
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO audit_log (`+auditCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		e.Seq, e.ID, ms(e.At), e.ActorID, e.Actor, e.Action, e.Target, e.IP, e.Detail, e.PrevHash, e.Hash)
	return wrap("append audit entry", err)
}

// AuditEntries lists entries matching f, in seq order or newest first.
func (db *DB) AuditEntries(ctx context.Context, f storage.AuditFilter) ([]*storage.AuditEntry, error) {
	where, args := auditWhere(f)
	q := `SELECT ` + auditCols + ` FROM audit_log`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	if f.Newest {
		q += ` ORDER BY seq DESC`
	} else {
		q += ` ORDER BY seq`
	}
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap("list audit entries", err)
	}
	defer rows.Close()
	out := []*storage.AuditEntry{}
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, wrap("scan audit entry", err)
		}
		out = append(out, e)
	}
	return out, wrap("list audit entries", rows.Err())
}

func auditWhere(f storage.AuditFilter) ([]string, []any) {
	var where []string
	var args []any
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.Actor != "" {
		add("actor = ?", f.Actor)
	}
	if f.Hash != "" {
		add("hash = ?", f.Hash)
	}
	if !f.Since.IsZero() {
		add("at >= ?", ms(f.Since))
	}
	if !f.Until.IsZero() {
		add("at < ?", ms(f.Until))
	}
	if f.AfterSeq > 0 {
		add("seq > ?", f.AfterSeq)
	}
	return where, args
}

// scanAudit reads a row leniently: verification must be able to read rows an
// attacker has edited (a NULL or a text where a number belongs) to report
// them, so NULLs become zero values instead of scan errors.
func scanAudit(sc scanner) (*storage.AuditEntry, error) {
	var e storage.AuditEntry
	var id, at, actorID sql.NullInt64
	var actor, action, target, ip, detail, prev, hash sql.NullString
	if err := sc.Scan(&e.Seq, &id, &at, &actorID, &actor, &action, &target, &ip, &detail, &prev, &hash); err != nil {
		return nil, err
	}
	e.ID, e.At, e.ActorID = id.Int64, fromMS(at.Int64), actorID.Int64
	e.Actor, e.Action, e.Target, e.IP = actor.String, action.String, target.String, ip.String
	e.Detail, e.PrevHash, e.Hash = detail.String, prev.String, hash.String
	return &e, nil
}

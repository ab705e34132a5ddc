package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/rounds-social/rounds/storage"
)

var _ storage.Admin = (*DB)(nil)

const reportCols = `id, account_id, target_id, status_ids, comment, category, created_at, resolved_at, resolved_by`

func scanReport(s scanner) (*storage.Report, error) {
	var r storage.Report
	var ids string
	var created, resolved int64
	if err := s.Scan(&r.ID, &r.AccountID, &r.TargetID, &ids, &r.Comment, &r.Category, &created, &resolved,
		&r.ResolvedBy); err != nil {
		return nil, err
	}
	r.CreatedAt, r.ResolvedAt = fromMS(created), fromMS(resolved)
	r.StatusIDs = []int64{}
	if err := json.Unmarshal([]byte(ids), &r.StatusIDs); err != nil {
		return nil, err
	}
	return &r, nil
}

// CreateReport inserts r.
func (db *DB) CreateReport(ctx context.Context, r *storage.Report) error {
	if r.ID == 0 {
		r.ID = storage.NewID()
	}
	if r.CreatedAt.IsZero() {
		r.CreatedAt = time.Now().UTC()
	}
	if r.StatusIDs == nil {
		r.StatusIDs = []int64{}
	}
	ids, err := json.Marshal(r.StatusIDs)
	if err != nil {
		return wrap("create report", err)
	}
	_, err = db.w.ExecContext(ctx, `INSERT INTO reports (`+reportCols+`) VALUES (?,?,?,?,?,?,?,?,?)`,
		r.ID, r.AccountID, r.TargetID, string(ids), r.Comment, r.Category, ms(r.CreatedAt), ms(r.ResolvedAt), r.ResolvedBy)
	return wrap("create report", err)
}

// Report returns one report.
func (db *DB) Report(ctx context.Context, id int64) (*storage.Report, error) {
	r, err := scanReport(db.r.QueryRowContext(ctx, `SELECT `+reportCols+` FROM reports WHERE id = ?`, id))
	return r, wrap("get report", err)
}

// Reports lists open reports (or all of them), newest first.
func (db *DB) Reports(ctx context.Context, resolved bool, limit int) ([]*storage.Report, error) {
	if limit <= 0 {
		limit = 100
	}
	q := `SELECT ` + reportCols + ` FROM reports WHERE resolved_at = 0 ORDER BY id DESC LIMIT ?`
	if resolved {
		q = `SELECT ` + reportCols + ` FROM reports ORDER BY id DESC LIMIT ?`
	}
	out := []*storage.Report{}
	err := db.eachRow(ctx, q, []any{limit}, func(s scanner) error {
		r, err := scanReport(s)
		out = append(out, r)
		return err
	})
	return out, wrap("list reports", err)
}

// ResolveReport closes an open report.
func (db *DB) ResolveReport(ctx context.Context, id, by int64, at time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE reports SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at = 0`,
		ms(at), by, id)
	if err != nil {
		return wrap("resolve report", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return storage.ErrNotFound
	}
	return nil
}

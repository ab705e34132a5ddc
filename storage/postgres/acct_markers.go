package postgres

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// Markers returns accountID's markers for timelines (all when none named).
func (db *DB) Markers(ctx context.Context, accountID int64, timelines []string) ([]*storage.Marker, error) {
	q := `SELECT account_id, timeline, last_read_id, version, updated_at FROM markers WHERE account_id = ?`
	args := []any{accountID}
	if len(timelines) > 0 {
		q += ` AND timeline IN (` + strings.TrimSuffix(strings.Repeat("?,", len(timelines)), ",") + `)`
		for _, t := range timelines {
			args = append(args, t)
		}
	}
	out := []*storage.Marker{}
	err := db.eachRow(ctx, q+` ORDER BY timeline`, args, func(s scanner) error {
		var m storage.Marker
		var updated int64
		err := s.Scan(&m.AccountID, &m.Timeline, &m.LastReadID, &m.Version, &updated)
		m.UpdatedAt = fromMS(updated)
		out = append(out, &m)
		return err
	})
	return out, wrap("get markers", err)
}

// PutMarker saves m and bumps its version in one statement, so two clients
// saving at once both count.
func (db *DB) PutMarker(ctx context.Context, m *storage.Marker) error {
	m.UpdatedAt = time.Now().UTC()
	err := db.w.QueryRowContext(ctx, `INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at)
		VALUES (?,?,?,0,?) ON CONFLICT (account_id, timeline) DO UPDATE SET last_read_id = excluded.last_read_id,
		version = markers.version + 1, updated_at = excluded.updated_at RETURNING version`,
		m.AccountID, m.Timeline, m.LastReadID, ms(m.UpdatedAt)).Scan(&m.Version)
	return wrap("put marker", err)
}

const filterCols = `id, account_id, title, context_json, action, expires_at, created_at`

func scanFilter(s scanner) (*storage.Filter, error) {
	var f storage.Filter
	var ctxJSON string
	var expires, created int64
	if err := s.Scan(&f.ID, &f.AccountID, &f.Title, &ctxJSON, &f.Action, &expires, &created); err != nil {
		return nil, err
	}
	if json.Unmarshal([]byte(ctxJSON), &f.Context) != nil || f.Context == nil {
		f.Context = []string{}
	}
	f.ExpiresAt, f.CreatedAt = fromMS(expires), fromMS(created)
	f.Keywords = []storage.FilterKeyword{}
	return &f, nil
}

// CreateFilter inserts f with its keywords, minting ids.
func (db *DB) CreateFilter(ctx context.Context, f *storage.Filter) error {
	if f.ID == 0 {
		f.ID = storage.NewID()
	}
	if f.CreatedAt.IsZero() {
		f.CreatedAt = time.Now().UTC()
	}
	ctxJSON, _ := json.Marshal(f.Context)
	return db.Tx(ctx, func(st storage.Store) error {
		tx := st.(*DB)
		if _, err := tx.w.ExecContext(ctx, `INSERT INTO filters (`+filterCols+`) VALUES (?,?,?,?,?,?,?)`,
			f.ID, f.AccountID, f.Title, string(ctxJSON), f.Action, ms(f.ExpiresAt), ms(f.CreatedAt)); err != nil {
			return wrap("create filter", err)
		}
		for i := range f.Keywords {
			k := &f.Keywords[i]
			if k.ID == 0 {
				k.ID = storage.NewID()
			}
			if _, err := tx.w.ExecContext(ctx, `INSERT INTO filter_keywords (id, filter_id, keyword, whole_word) VALUES (?,?,?,?)`,
				k.ID, f.ID, k.Keyword, b2i(k.WholeWord)); err != nil {
				return wrap("create filter keyword", err)
			}
		}
		return nil
	})
}

// Filter returns one filter with its keywords.
func (db *DB) Filter(ctx context.Context, id int64) (*storage.Filter, error) {
	list, err := db.filters(ctx, `SELECT `+filterCols+` FROM filters WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, wrap("get filter", storage.ErrNotFound)
	}
	return list[0], nil
}

// Filters returns accountID's filters, oldest first.
func (db *DB) Filters(ctx context.Context, accountID int64) ([]*storage.Filter, error) {
	return db.filters(ctx, `SELECT `+filterCols+` FROM filters WHERE account_id = ? ORDER BY id`, accountID)
}

func (db *DB) filters(ctx context.Context, q string, args ...any) ([]*storage.Filter, error) {
	out := []*storage.Filter{}
	byID := map[int64]*storage.Filter{}
	err := db.eachRow(ctx, q, args, func(s scanner) error {
		f, err := scanFilter(s)
		if err == nil {
			out = append(out, f)
			byID[f.ID] = f
		}
		return err
	})
	if err != nil || len(out) == 0 {
		return out, wrap("list filters", err)
	}
	ids := make([]int64, len(out))
	for i, f := range out {
		ids[i] = f.ID
	}
	in, kargs := inClause(ids)
	err = db.eachRow(ctx, `SELECT id, filter_id, keyword, whole_word FROM filter_keywords WHERE filter_id IN (`+in+`) ORDER BY id`,
		kargs, func(s scanner) error {
			var k storage.FilterKeyword
			var fid int64
			err := s.Scan(&k.ID, &fid, &k.Keyword, &k.WholeWord)
			byID[fid].Keywords = append(byID[fid].Keywords, k)
			return err
		})
	return out, wrap("list filter keywords", err)
}

// DeleteFilter removes a filter and its keywords.
func (db *DB) DeleteFilter(ctx context.Context, id int64) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM filters WHERE id = ?`, id)
	if err != nil {
		return wrap("delete filter", err)
	}
	return mustAffect(res, "delete filter")
}

package postgres

import (
	"context"
	"database/sql"
	"time"

	"github.com/rounds-social/rounds/storage"
)

const mediaCols = `id, account_id, status_id, position, type, content_type, file_key, remote_url, description,
	focus_x, focus_y, width, height, small_width, small_height, size, blurhash, created_at`

func scanMedia(sc scanner) (*storage.Media, error) {
	var m storage.Media
	var status sql.NullInt64
	var created int64
	err := sc.Scan(&m.ID, &m.AccountID, &status, &m.Position, &m.Type, &m.ContentType, &m.FileKey, &m.RemoteURL,
		&m.Description, &m.FocusX, &m.FocusY, &m.Width, &m.Height, &m.SmallWidth, &m.SmallHeight, &m.Size,
		&m.Blurhash, &created)
	if err != nil {
		return nil, err
	}
	m.StatusID, m.CreatedAt = status.Int64, fromMS(created)
	return &m, nil
}

// nullID stores 0 as NULL: the foreign key allows NULL, not 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateMedia inserts m, giving it an ID and creation time when unset.
func (db *DB) CreateMedia(ctx context.Context, m *storage.Media) error {
	if m.ID == 0 {
		m.ID = storage.NewID()
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO media (`+mediaCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		m.ID, m.AccountID, nullID(m.StatusID), m.Position, m.Type, m.ContentType, m.FileKey, m.RemoteURL,
		m.Description, m.FocusX, m.FocusY, m.Width, m.Height, m.SmallWidth, m.SmallHeight, m.Size, m.Blurhash,
		ms(m.CreatedAt))
	return wrap("create media", err)
}

// UpdateMedia rewrites what a client may change: description and focus.
func (db *DB) UpdateMedia(ctx context.Context, m *storage.Media) error {
	res, err := db.w.ExecContext(ctx, `UPDATE media SET description = ?, focus_x = ?, focus_y = ? WHERE id = ?`,
		m.Description, m.FocusX, m.FocusY, m.ID)
	if err != nil {
		return wrap("update media", err)
	}
	return mustAffect(res, "update media")
}

// MediaByID returns one attachment.
func (db *DB) MediaByID(ctx context.Context, id int64) (*storage.Media, error) {
	m, err := scanMedia(db.r.QueryRowContext(ctx, `SELECT `+mediaCols+` FROM media WHERE id = ?`, id))
	return m, wrap("get media", err)
}

// MediaByFileKey returns the local upload whose files are named key.
func (db *DB) MediaByFileKey(ctx context.Context, key string) (*storage.Media, error) {
	if key == "" {
		return nil, wrap("get media", storage.ErrNotFound)
	}
	m, err := scanMedia(db.r.QueryRowContext(ctx, `SELECT `+mediaCols+` FROM media WHERE file_key = ?`, key))
	return m, wrap("get media", err)
}

// AttachMedia attaches all of ids or none: the conditional UPDATE is what
// keeps two posts racing for one upload from both getting it.
func (db *DB) AttachMedia(ctx context.Context, accountID, statusID int64, ids []int64) error {
	return db.Tx(ctx, func(st storage.Store) error {
		tx := st.(*DB)
		for i, id := range ids {
			res, err := tx.w.ExecContext(ctx, `UPDATE media SET status_id = ?, position = ?
				WHERE id = ? AND account_id = ? AND status_id IS NULL AND remote_url = ''`, statusID, i, id, accountID)
			if err != nil {
				return wrap("attach media", err)
			}
			if err := mustAffect(res, "attach media "+storage.FormatID(id)); err != nil {
				return err
			}
		}
		return nil
	})
}

// StatusMedia lists a status's attachments in order.
func (db *DB) StatusMedia(ctx context.Context, statusID int64) ([]*storage.Media, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+mediaCols+` FROM media WHERE status_id = ? ORDER BY position, id`, statusID)
	if err != nil {
		return nil, wrap("status media", err)
	}
	defer rows.Close()
	out := []*storage.Media{}
	for rows.Next() {
		m, err := scanMedia(rows)
		if err != nil {
			return nil, wrap("status media", err)
		}
		out = append(out, m)
	}
	return out, wrap("status media", rows.Err())
}

package sqlite

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// CreateBookmark bookmarks a status; a second bookmark of the same status
// keeps the first (and so its place in the list).
func (db *DB) CreateBookmark(ctx context.Context, accountID, statusID int64) error {
	_, err := db.w.ExecContext(ctx, `INSERT OR IGNORE INTO bookmarks (id, account_id, status_id, created_at) VALUES (?,?,?,?)`,
		storage.NewID(), accountID, statusID, ms(time.Now()))
	return wrap("create bookmark", err)
}

// DeleteBookmark removes a bookmark; removing a missing one is not an error.
func (db *DB) DeleteBookmark(ctx context.Context, accountID, statusID int64) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM bookmarks WHERE account_id = ? AND status_id = ?`, accountID, statusID)
	return wrap("delete bookmark", err)
}

// Bookmarked reports whether accountID bookmarked statusID.
func (db *DB) Bookmarked(ctx context.Context, accountID, statusID int64) (bool, error) {
	n, err := db.count(ctx, "get bookmark", `SELECT count(*) FROM bookmarks WHERE account_id = ? AND status_id = ?`, accountID, statusID)
	return n > 0, err
}

// Bookmarks lists accountID's bookmarked statuses, paged by bookmark id.
func (db *DB) Bookmarks(ctx context.Context, accountID int64, p storage.Page) ([]storage.Saved, error) {
	return db.savedStatuses(ctx, "bookmarks", `SELECT id, status_id FROM bookmarks WHERE account_id = ?`, accountID, p)
}

// Favourites lists accountID's favourited statuses, paged by favourite id.
func (db *DB) Favourites(ctx context.Context, accountID int64, p storage.Page) ([]storage.Saved, error) {
	return db.savedStatuses(ctx, "favourites", `SELECT id, status_id FROM favourites WHERE account_id = ?`, accountID, p)
}

// savedStatuses pages (row id, status id) pairs by row id, then loads the statuses
// in one query. A pair whose status vanished in between is left out.
func (db *DB) savedStatuses(ctx context.Context, op, q string, accountID int64, p storage.Page) ([]storage.Saved, error) {
	q, args := pageClause(q, "id", []any{accountID}, p)
	var pairs [][2]int64
	err := db.eachRow(ctx, q, args, func(sc scanner) error {
		var pair [2]int64
		err := sc.Scan(&pair[0], &pair[1])
		pairs = append(pairs, pair)
		return err
	})
	if err != nil {
		return nil, wrap(op, err)
	}
	if p.MinID > 0 {
		slices.Reverse(pairs)
	}
	ids := make([]int64, len(pairs))
	for i, pair := range pairs {
		ids[i] = pair[1]
	}
	byID, err := db.StatusesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]storage.Saved, 0, len(pairs))
	for _, pair := range pairs {
		if st := byID[pair[1]]; st != nil {
			out = append(out, storage.Saved{ID: pair[0], Status: st})
		}
	}
	return out, nil
}

// FavouritedBy lists a status's favourites, paged by favourite id.
func (db *DB) FavouritedBy(ctx context.Context, statusID int64, p storage.Page) ([]*storage.Favourite, error) {
	q, args := pageClause(`SELECT `+favCols+` FROM favourites WHERE status_id = ?`, "id", []any{statusID}, p)
	out := []*storage.Favourite{}
	err := db.eachRow(ctx, q, args, func(sc scanner) error {
		f, err := scanFavourite(sc)
		if err == nil {
			out = append(out, f)
		}
		return err
	})
	if p.MinID > 0 {
		slices.Reverse(out)
	}
	return out, wrap("favourited by", err)
}

// RebloggedBy lists a status's boosts, paged by boost id.
func (db *DB) RebloggedBy(ctx context.Context, statusID int64, p storage.Page) ([]*storage.Status, error) {
	return db.paged(ctx, "reblogged by", `SELECT `+statusCols+` FROM statuses s WHERE s.reblog_of_id = ? AND s.reblog_of_id <> 0`,
		[]any{statusID}, p)
}

// StatusEdits lists the earlier versions of a status, oldest first; the
// statuses_keep_edit trigger (migration 00004) writes them.
func (db *DB) StatusEdits(ctx context.Context, statusID int64) ([]*storage.StatusEdit, error) {
	out := []*storage.StatusEdit{}
	err := db.eachRow(ctx, `SELECT id, status_id, content, text, spoiler_text, sensitive, language, created_at
		FROM status_edits WHERE status_id = ? ORDER BY id`, []any{statusID}, func(sc scanner) error {
		var e storage.StatusEdit
		var created int64
		err := sc.Scan(&e.ID, &e.StatusID, &e.Content, &e.Text, &e.SpoilerText, &e.Sensitive, &e.Language, &created)
		e.CreatedAt = fromMS(created)
		out = append(out, &e)
		return err
	})
	return out, wrap("status edits", err)
}

// TagTimeline lists public, non-boost statuses with any of tags.
func (db *DB) TagTimeline(ctx context.Context, tags []string, localOnly, remoteOnly bool, p storage.Page) ([]*storage.Status, error) {
	if len(tags) == 0 {
		return []*storage.Status{}, nil
	}
	args := make([]any, len(tags))
	for i, t := range tags {
		args[i] = strings.ToLower(t)
	}
	q := `SELECT ` + statusCols + ` FROM statuses s WHERE s.visibility = 'public' AND s.reblog_of_id = 0
		AND s.id IN (SELECT st.status_id FROM status_tags st JOIN tags t ON t.id = st.tag_id
			WHERE t.name IN (` + stMarks(len(tags)) + `))`
	if localOnly {
		q += ` AND s.local = 1`
	}
	if remoteOnly {
		q += ` AND s.local = 0`
	}
	return db.paged(ctx, "tag timeline", q, args, p)
}

// AccountsTimeline lists statuses by any of accountIDs.
func (db *DB) AccountsTimeline(ctx context.Context, accountIDs []int64, p storage.Page) ([]*storage.Status, error) {
	if len(accountIDs) == 0 {
		return []*storage.Status{}, nil
	}
	q, args := inClause(accountIDs)
	return db.paged(ctx, "accounts timeline", `SELECT `+statusCols+` FROM statuses s WHERE s.account_id IN (`+q+`)`, args, p)
}

// stMarks is n comma-separated SQL placeholders.
func stMarks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

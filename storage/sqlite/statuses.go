package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
)

const statusCols = `s.id, s.uri, s.url, s.account_id, s.in_reply_to_id, s.in_reply_to_uri, s.in_reply_to_account_id,
	s.reblog_of_id, s.content, s.text, s.spoiler_text, s.sensitive, s.visibility, s.language, s.local,
	s.created_at, s.edited_at, s.deleted_at, s.audience, s.held`

func scanStatus(sc scanner) (*storage.Status, error) {
	var s storage.Status
	var created, edited, deleted int64
	err := sc.Scan(&s.ID, &s.URI, &s.URL, &s.AccountID, &s.InReplyToID, &s.InReplyToURI, &s.InReplyToAccountID,
		&s.ReblogOfID, &s.Content, &s.Text, &s.SpoilerText, &s.Sensitive, &s.Visibility, &s.Language, &s.Local,
		&created, &edited, &deleted, &s.Audience, &s.Held)
	if err != nil {
		return nil, err
	}
	s.CreatedAt, s.EditedAt, s.DeletedAt = fromMS(created), fromMS(edited), fromMS(deleted)
	s.MentionIDs, s.Tags = []int64{}, []string{}
	return &s, nil
}

// CreateStatus inserts s with its mentions and tags.
func (db *DB) CreateStatus(ctx context.Context, s *storage.Status) error {
	if s.ID == 0 {
		s.ID = storage.NewID()
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = time.Now().UTC()
	}
	return db.Tx(ctx, func(st storage.Store) error {
		tx := st.(*DB)
		_, err := tx.w.ExecContext(ctx, `INSERT INTO statuses (id, uri, url, account_id, in_reply_to_id, in_reply_to_uri,
			in_reply_to_account_id, reblog_of_id, content, text, spoiler_text, sensitive, visibility, language, local,
			created_at, edited_at, deleted_at, audience, held) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			s.ID, s.URI, s.URL, s.AccountID, s.InReplyToID, s.InReplyToURI, s.InReplyToAccountID, s.ReblogOfID,
			s.Content, s.Text, s.SpoilerText, b2i(s.Sensitive), s.Visibility, s.Language, b2i(s.Local),
			ms(s.CreatedAt), ms(s.EditedAt), ms(s.DeletedAt), s.Audience, b2i(s.Held))
		if err != nil {
			return wrap("create status "+s.URI, err)
		}
		return tx.writeMentionsAndTags(ctx, s)
	})
}

// UpdateStatus rewrites an edited status, replacing its mentions and tags.
func (db *DB) UpdateStatus(ctx context.Context, s *storage.Status) error {
	return db.Tx(ctx, func(st storage.Store) error {
		tx := st.(*DB)
		res, err := tx.w.ExecContext(ctx, `UPDATE statuses SET url=?, content=?, text=?, spoiler_text=?, sensitive=?,
			language=?, edited_at=?, in_reply_to_id=?, in_reply_to_account_id=? WHERE id=?`, s.URL, s.Content, s.Text,
			s.SpoilerText, b2i(s.Sensitive), s.Language, ms(s.EditedAt), s.InReplyToID, s.InReplyToAccountID, s.ID)
		if err != nil {
			return wrap("update status", err)
		}
		if err := mustAffect(res, "update status"); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM mentions WHERE status_id = ?`, `DELETE FROM status_tags WHERE status_id = ?`} {
			if _, err := tx.w.ExecContext(ctx, q, s.ID); err != nil {
				return wrap("update status", err)
			}
		}
		return tx.writeMentionsAndTags(ctx, s)
	})
}

func (db *DB) writeMentionsAndTags(ctx context.Context, s *storage.Status) error {
	for _, id := range s.MentionIDs {
		if _, err := db.w.ExecContext(ctx, `INSERT OR IGNORE INTO mentions (status_id, account_id) VALUES (?, ?)`, s.ID, id); err != nil {
			return wrap("add mention", err)
		}
	}
	for _, name := range s.Tags {
		name = strings.ToLower(name)
		if _, err := db.w.ExecContext(ctx, `INSERT OR IGNORE INTO tags (id, name) VALUES (?, ?)`, storage.NewID(), name); err != nil {
			return wrap("add tag", err)
		}
		if _, err := db.w.ExecContext(ctx, `INSERT OR IGNORE INTO status_tags (status_id, tag_id)
			SELECT ?, id FROM tags WHERE name = ?`, s.ID, name); err != nil {
			return wrap("add tag", err)
		}
	}
	return nil
}

// Status returns one status by ID with its mentions and tags.
func (db *DB) Status(ctx context.Context, id int64) (*storage.Status, error) {
	return db.statusWhere(ctx, "s.id = ?", id)
}

// StatusByURI returns the status with ActivityPub id uri.
func (db *DB) StatusByURI(ctx context.Context, uri string) (*storage.Status, error) {
	return db.statusWhere(ctx, "s.uri = ?", uri)
}

func (db *DB) statusWhere(ctx context.Context, where string, arg any) (*storage.Status, error) {
	list, err := db.statusList(ctx, "get status", `SELECT `+statusCols+` FROM statuses s WHERE `+where, arg)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, wrap("get status", storage.ErrNotFound)
	}
	return list[0], nil
}

// StatusesByID loads many statuses at once.
func (db *DB) StatusesByID(ctx context.Context, ids []int64) (map[int64]*storage.Status, error) {
	out := make(map[int64]*storage.Status, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	q, args := inClause(ids)
	list, err := db.statusList(ctx, "get statuses", `SELECT `+statusCols+` FROM statuses s WHERE s.id IN (`+q+`)`, args...)
	for _, s := range list {
		out[s.ID] = s
	}
	return out, err
}

// statusList runs q and loads mentions and tags for the results in two queries.
func (db *DB) statusList(ctx context.Context, op, q string, args ...any) ([]*storage.Status, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	out := []*storage.Status{}
	for rows.Next() {
		s, err := scanStatus(rows)
		if err != nil {
			rows.Close()
			return nil, wrap(op, err)
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return out, db.loadExtras(ctx, out)
}

func (db *DB) loadExtras(ctx context.Context, list []*storage.Status) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[int64]*storage.Status, len(list))
	ids := make([]int64, 0, len(list))
	for _, s := range list {
		byID[s.ID] = s
		ids = append(ids, s.ID)
	}
	q, args := inClause(ids)
	if err := db.eachRow(ctx, `SELECT status_id, account_id FROM mentions WHERE status_id IN (`+q+`)`, args, func(sc scanner) error {
		var sid, aid int64
		err := sc.Scan(&sid, &aid)
		byID[sid].MentionIDs = append(byID[sid].MentionIDs, aid)
		return err
	}); err != nil {
		return wrap("load mentions", err)
	}
	return wrap("load tags", db.eachRow(ctx, `SELECT st.status_id, t.name FROM status_tags st JOIN tags t ON t.id = st.tag_id
		WHERE st.status_id IN (`+q+`) ORDER BY t.name`, args, func(sc scanner) error {
		var sid int64
		var name string
		err := sc.Scan(&sid, &name)
		byID[sid].Tags = append(byID[sid].Tags, name)
		return err
	}))
}

func (db *DB) eachRow(ctx context.Context, q string, args []any, fn func(scanner) error) error {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// DeleteStatus removes a status, its boosts and everything hanging off them.
func (db *DB) DeleteStatus(ctx context.Context, id int64) error {
	return db.Tx(ctx, func(st storage.Store) error {
		tx := st.(*DB)
		stmts := []string{
			// Pending deliveries of a deleted post must never go out.
			`UPDATE delivery_jobs SET state = 'cancelled' WHERE state = 'pending' AND status_id IN
				(SELECT id FROM statuses WHERE id = ?1 OR (reblog_of_id = ?1 AND reblog_of_id <> 0))`,
			`DELETE FROM notifications WHERE status_id IN (SELECT id FROM statuses WHERE id = ?1 OR (reblog_of_id = ?1 AND reblog_of_id <> 0))`,
			`DELETE FROM statuses WHERE reblog_of_id = ?1 AND reblog_of_id <> 0`,
			`DELETE FROM statuses WHERE id = ?1`,
		}
		for _, q := range stmts {
			if _, err := tx.w.ExecContext(ctx, q, id); err != nil {
				return wrap("delete status", err)
			}
		}
		return nil
	})
}

// BoostOf returns accountID's boost of statusID.
func (db *DB) BoostOf(ctx context.Context, accountID, statusID int64) (*storage.Status, error) {
	list, err := db.statusList(ctx, "get boost", `SELECT `+statusCols+` FROM statuses s
		WHERE s.reblog_of_id = ? AND s.reblog_of_id <> 0 AND s.account_id = ? LIMIT 1`, statusID, accountID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, wrap("get boost", storage.ErrNotFound)
	}
	return list[0], nil
}

// AccountStatuses lists an account's statuses with one of the visibilities.
func (db *DB) AccountStatuses(ctx context.Context, accountID int64, visibilities []string, p storage.Page) ([]*storage.Status, error) {
	if len(visibilities) == 0 {
		return []*storage.Status{}, nil
	}
	vq := strings.TrimSuffix(strings.Repeat("?,", len(visibilities)), ",")
	args := []any{accountID}
	for _, v := range visibilities {
		args = append(args, v)
	}
	return db.paged(ctx, "account statuses", `SELECT `+statusCols+` FROM statuses s
		WHERE s.account_id = ? AND s.visibility IN (`+vq+`)`, args, p)
}

// CountAccountStatuses counts an account's posts (not boosts) with one of the
// visibilities, leaving out institution- and partner-only ones (the count is
// what peers see).
func (db *DB) CountAccountStatuses(ctx context.Context, accountID int64, visibilities []string) (int, error) {
	if len(visibilities) == 0 {
		return 0, nil
	}
	args := []any{accountID}
	for _, v := range visibilities {
		args = append(args, v)
	}
	return db.count(ctx, "count account statuses", `SELECT count(*) FROM statuses WHERE account_id = ? AND reblog_of_id = 0
		AND audience = '' AND visibility IN (`+strings.TrimSuffix(strings.Repeat("?,", len(visibilities)), ",")+`)`, args...)
}

// SetStatusHeld sets the PHI guard's hold on a status.
func (db *DB) SetStatusHeld(ctx context.Context, id int64, held bool) error {
	res, err := db.w.ExecContext(ctx, `UPDATE statuses SET held = ? WHERE id = ?`, b2i(held), id)
	if err != nil {
		return wrap("hold status", err)
	}
	return mustAffect(res, "hold status")
}

// Replies lists the direct replies to a status, oldest first.
func (db *DB) Replies(ctx context.Context, statusID int64) ([]*storage.Status, error) {
	return db.statusList(ctx, "replies", `SELECT `+statusCols+` FROM statuses s WHERE s.in_reply_to_id = ? AND s.in_reply_to_id <> 0
		ORDER BY s.id`, statusID)
}

// StatusCounts returns the reply, boost and favourite counts of a status.
func (db *DB) StatusCounts(ctx context.Context, statusID int64) (replies, boosts, favourites int, err error) {
	// The "<> 0" terms let SQLite use the partial indexes on these columns;
	// with only a bound parameter it cannot prove ?1 <> 0 and scans the table.
	err = db.r.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM statuses WHERE in_reply_to_id = ?1 AND in_reply_to_id <> 0),
		(SELECT count(*) FROM statuses WHERE reblog_of_id = ?1 AND reblog_of_id <> 0),
		(SELECT count(*) FROM favourites WHERE status_id = ?1)`, statusID).Scan(&replies, &boosts, &favourites)
	return replies, boosts, favourites, wrap("status counts", err)
}

// AccountCounts returns an account's status, follower and following counts,
// kept by triggers in account_stats (migration 00013).
func (db *DB) AccountCounts(ctx context.Context, accountID int64) (statuses, followers, following int, err error) {
	err = db.r.QueryRowContext(ctx, `SELECT statuses, followers, following FROM account_stats WHERE account_id = ?`,
		accountID).Scan(&statuses, &followers, &following)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, 0, nil
	}
	return statuses, followers, following, wrap("account counts", err)
}

// LastStatusAt is when the account last posted (zero if never).
func (db *DB) LastStatusAt(ctx context.Context, accountID int64) (time.Time, error) {
	var v int64
	err := db.r.QueryRowContext(ctx, `SELECT last_status_at FROM account_stats WHERE account_id = ?`, accountID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return fromMS(v), wrap("last status", err)
}

// CountLocalStatuses counts posts made on this instance.
func (db *DB) CountLocalStatuses(ctx context.Context) (int, error) {
	return db.count(ctx, "count local statuses", `SELECT count(*) FROM statuses WHERE local = 1 AND reblog_of_id = 0`)
}

// paged appends Mastodon pagination to a status query on alias s and runs it.
func (db *DB) paged(ctx context.Context, op, q string, args []any, p storage.Page) ([]*storage.Status, error) {
	return db.pagedBy(ctx, op, q, "s.id", args, p)
}

// pagedBy is paged with the id column to bound and order by; a query driven
// by another table's index (home_timeline) orders by that table's column so
// SQLite walks the index instead of sorting every row.
func (db *DB) pagedBy(ctx context.Context, op, q, col string, args []any, p storage.Page) ([]*storage.Status, error) {
	q, args = pageClause(q, col, args, p)
	list, err := db.statusList(ctx, op, q, args...)
	if err != nil {
		return nil, err
	}
	if p.MinID > 0 {
		slices.Reverse(list)
	}
	return list, nil
}

// pageClause adds id bounds, order and limit. With min_id the rows nearest the
// bound are wanted, so the query runs oldest-first and the caller reverses.
func pageClause(q, col string, args []any, p storage.Page) (string, []any) {
	if p.MaxID > 0 {
		q += fmt.Sprintf(" AND %s < ?", col)
		args = append(args, p.MaxID)
	}
	if p.SinceID > 0 {
		q += fmt.Sprintf(" AND %s > ?", col)
		args = append(args, p.SinceID)
	}
	order := "DESC"
	if p.MinID > 0 {
		q += fmt.Sprintf(" AND %s > ?", col)
		args = append(args, p.MinID)
		order = "ASC"
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 20
	}
	q += fmt.Sprintf(" ORDER BY %s %s LIMIT ?", col, order)
	return q, append(args, limit)
}

// Note for every query on in_reply_to_id or reblog_of_id: their indexes are
// partial (WHERE col <> 0), and SQLite only uses a partial index when the
// query itself proves the condition, which a bound parameter cannot; so
// each such query also says "AND col <> 0". Without it a lookup scans the
// author's (or the whole) statuses table.

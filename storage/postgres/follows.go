package postgres

import (
	"context"
	"slices"
	"time"

	"github.com/rounds-social/rounds/storage"
)

const followCols = `id, account_id, target_account_id, uri, state, show_reblogs, notify, created_at`

func scanFollow(s scanner) (*storage.Follow, error) {
	var f storage.Follow
	var created int64
	if err := s.Scan(&f.ID, &f.AccountID, &f.TargetAccountID, &f.URI, &f.State, &f.ShowReblogs, &f.Notify, &created); err != nil {
		return nil, err
	}
	f.CreatedAt = fromMS(created)
	return &f, nil
}

// CreateFollow inserts a follow or follow request.
func (db *DB) CreateFollow(ctx context.Context, f *storage.Follow) error {
	if f.ID == 0 {
		f.ID = storage.NewID()
	}
	if f.CreatedAt.IsZero() {
		f.CreatedAt = time.Now().UTC()
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO follows (`+followCols+`) VALUES (?,?,?,?,?,?,?,?)`,
		f.ID, f.AccountID, f.TargetAccountID, f.URI, f.State, b2i(f.ShowReblogs), b2i(f.Notify), ms(f.CreatedAt))
	return wrap("create follow", err)
}

// UpdateFollow changes a follow's state and options.
func (db *DB) UpdateFollow(ctx context.Context, f *storage.Follow) error {
	res, err := db.w.ExecContext(ctx, `UPDATE follows SET state=?, show_reblogs=?, notify=?, uri=? WHERE id=?`,
		f.State, b2i(f.ShowReblogs), b2i(f.Notify), f.URI, f.ID)
	if err != nil {
		return wrap("update follow", err)
	}
	return mustAffect(res, "update follow")
}

// DeleteFollow removes a follow.
func (db *DB) DeleteFollow(ctx context.Context, id int64) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM follows WHERE id = ?`, id)
	return wrap("delete follow", err)
}

// Follow returns accountID's follow of targetID.
func (db *DB) Follow(ctx context.Context, accountID, targetID int64) (*storage.Follow, error) {
	f, err := scanFollow(db.r.QueryRowContext(ctx, `SELECT `+followCols+` FROM follows
		WHERE account_id = ? AND target_account_id = ?`, accountID, targetID))
	return f, wrap("get follow", err)
}

// FollowByURI returns the follow created by the Follow activity uri.
func (db *DB) FollowByURI(ctx context.Context, uri string) (*storage.Follow, error) {
	f, err := scanFollow(db.r.QueryRowContext(ctx, `SELECT `+followCols+` FROM follows WHERE uri = ?`, uri))
	return f, wrap("get follow "+uri, err)
}

// Followers lists follows of targetID in state, newest first.
func (db *DB) Followers(ctx context.Context, targetID int64, state string, p storage.Page) ([]*storage.Follow, error) {
	return db.followList(ctx, `SELECT `+followCols+` FROM follows WHERE target_account_id = ? AND state = ?`,
		[]any{targetID, state}, p)
}

// Following lists accountID's follows in state, newest first.
func (db *DB) Following(ctx context.Context, accountID int64, state string, p storage.Page) ([]*storage.Follow, error) {
	return db.followList(ctx, `SELECT `+followCols+` FROM follows WHERE account_id = ? AND state = ?`,
		[]any{accountID, state}, p)
}

func (db *DB) followList(ctx context.Context, q string, args []any, p storage.Page) ([]*storage.Follow, error) {
	q, args = pageClause(q, "id", args, p)
	out := []*storage.Follow{}
	err := db.eachRow(ctx, q, args, func(s scanner) error {
		f, err := scanFollow(s)
		if err == nil {
			out = append(out, f)
		}
		return err
	})
	if p.MinID > 0 {
		slices.Reverse(out)
	}
	return out, wrap("list follows", err)
}

// FollowerInboxes returns the distinct inboxes of accountID's accepted remote
// followers, collapsed onto shared inboxes where the remote has one.
func (db *DB) FollowerInboxes(ctx context.Context, accountID int64) ([]string, error) {
	out := []string{}
	err := db.eachRow(ctx, `SELECT DISTINCT CASE WHEN a.shared_inbox_uri <> '' THEN a.shared_inbox_uri ELSE a.inbox_uri END
		FROM follows f JOIN accounts a ON a.id = f.account_id
		WHERE f.target_account_id = ? AND f.state = 'accepted' AND a.domain <> '' AND a.deleted_at = 0`, []any{accountID},
		func(s scanner) error {
			var inbox string
			err := s.Scan(&inbox)
			if err == nil && inbox != "" {
				out = append(out, inbox)
			}
			return err
		})
	return out, wrap("follower inboxes", err)
}

// LocalFollowerIDs returns the local accounts with an accepted follow of accountID.
func (db *DB) LocalFollowerIDs(ctx context.Context, accountID int64) ([]int64, error) {
	out := []int64{}
	err := db.eachRow(ctx, `SELECT f.account_id FROM follows f JOIN accounts a ON a.id = f.account_id
		WHERE f.target_account_id = ? AND f.state = 'accepted' AND a.domain = ''`, []any{accountID},
		func(s scanner) error {
			var id int64
			err := s.Scan(&id)
			out = append(out, id)
			return err
		})
	return out, wrap("local followers", err)
}

// CreateFavourite records a like.
func (db *DB) CreateFavourite(ctx context.Context, f *storage.Favourite) error {
	if f.ID == 0 {
		f.ID = storage.NewID()
	}
	if f.CreatedAt.IsZero() {
		f.CreatedAt = time.Now().UTC()
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO favourites (id, account_id, status_id, uri, created_at) VALUES (?,?,?,?,?)`,
		f.ID, f.AccountID, f.StatusID, f.URI, ms(f.CreatedAt))
	return wrap("create favourite", err)
}

// DeleteFavourite removes a like.
func (db *DB) DeleteFavourite(ctx context.Context, id int64) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM favourites WHERE id = ?`, id)
	return wrap("delete favourite", err)
}

const favCols = `id, account_id, status_id, uri, created_at`

func scanFavourite(s scanner) (*storage.Favourite, error) {
	var f storage.Favourite
	var created int64
	if err := s.Scan(&f.ID, &f.AccountID, &f.StatusID, &f.URI, &created); err != nil {
		return nil, err
	}
	f.CreatedAt = fromMS(created)
	return &f, nil
}

// Favourite returns accountID's like of statusID.
func (db *DB) Favourite(ctx context.Context, accountID, statusID int64) (*storage.Favourite, error) {
	f, err := scanFavourite(db.r.QueryRowContext(ctx, `SELECT `+favCols+` FROM favourites WHERE account_id = ? AND status_id = ?`, accountID, statusID))
	return f, wrap("get favourite", err)
}

// FavouriteByURI returns the like created by the Like activity uri.
func (db *DB) FavouriteByURI(ctx context.Context, uri string) (*storage.Favourite, error) {
	f, err := scanFavourite(db.r.QueryRowContext(ctx, `SELECT `+favCols+` FROM favourites WHERE uri = ?`, uri))
	return f, wrap("get favourite "+uri, err)
}

// CreateBlock records a block.
func (db *DB) CreateBlock(ctx context.Context, b *storage.Block) error {
	if b.ID == 0 {
		b.ID = storage.NewID()
	}
	if b.CreatedAt.IsZero() {
		b.CreatedAt = time.Now().UTC()
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO blocks (id, account_id, target_account_id, uri, created_at) VALUES (?,?,?,?,?)`,
		b.ID, b.AccountID, b.TargetAccountID, b.URI, ms(b.CreatedAt))
	return wrap("create block", err)
}

// DeleteBlock removes a block.
func (db *DB) DeleteBlock(ctx context.Context, id int64) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM blocks WHERE id = ?`, id)
	return wrap("delete block", err)
}

// Block returns accountID's block of targetID.
func (db *DB) Block(ctx context.Context, accountID, targetID int64) (*storage.Block, error) {
	var b storage.Block
	var created int64
	err := db.r.QueryRowContext(ctx, `SELECT id, account_id, target_account_id, uri, created_at FROM blocks
		WHERE account_id = ? AND target_account_id = ?`, accountID, targetID).Scan(&b.ID, &b.AccountID, &b.TargetAccountID, &b.URI, &created)
	if err != nil {
		return nil, wrap("get block", err)
	}
	b.CreatedAt = fromMS(created)
	return &b, nil
}

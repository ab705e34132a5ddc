package postgres

import (
	"context"
	"slices"
	"time"

	"github.com/rounds-social/rounds/storage"
)

const listCols = `l.id, l.account_id, l.title, l.replies_policy, l.exclusive, l.created_at`

func scanList(s scanner) (*storage.List, error) {
	var l storage.List
	var created int64
	if err := s.Scan(&l.ID, &l.AccountID, &l.Title, &l.RepliesPolicy, &l.Exclusive, &created); err != nil {
		return nil, err
	}
	l.CreatedAt = fromMS(created)
	return &l, nil
}

// CreateList inserts l, minting its id.
func (db *DB) CreateList(ctx context.Context, l *storage.List) error {
	if l.ID == 0 {
		l.ID = storage.NewID()
	}
	if l.CreatedAt.IsZero() {
		l.CreatedAt = time.Now().UTC()
	}
	if l.RepliesPolicy == "" {
		l.RepliesPolicy = storage.RepliesList
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO lists (id, account_id, title, replies_policy, exclusive, created_at)
		VALUES (?,?,?,?,?,?)`, l.ID, l.AccountID, l.Title, l.RepliesPolicy, b2i(l.Exclusive), ms(l.CreatedAt))
	return wrap("create list", err)
}

// UpdateList changes a list's title and options.
func (db *DB) UpdateList(ctx context.Context, l *storage.List) error {
	res, err := db.w.ExecContext(ctx, `UPDATE lists SET title = ?, replies_policy = ?, exclusive = ? WHERE id = ?`,
		l.Title, l.RepliesPolicy, b2i(l.Exclusive), l.ID)
	if err != nil {
		return wrap("update list", err)
	}
	return mustAffect(res, "update list")
}

// DeleteList removes a list; its memberships go with it (ON DELETE CASCADE).
func (db *DB) DeleteList(ctx context.Context, id int64) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM lists WHERE id = ?`, id)
	if err != nil {
		return wrap("delete list", err)
	}
	return mustAffect(res, "delete list")
}

// List returns one list.
func (db *DB) List(ctx context.Context, id int64) (*storage.List, error) {
	l, err := scanList(db.r.QueryRowContext(ctx, `SELECT `+listCols+` FROM lists l WHERE l.id = ?`, id))
	return l, wrap("get list", err)
}

// Lists returns accountID's lists, oldest first.
func (db *DB) Lists(ctx context.Context, accountID int64) ([]*storage.List, error) {
	return db.lists(ctx, `SELECT `+listCols+` FROM lists l WHERE l.account_id = ? ORDER BY l.id`, accountID)
}

// ListsContaining returns ownerID's lists that memberID belongs to.
func (db *DB) ListsContaining(ctx context.Context, ownerID, memberID int64) ([]*storage.List, error) {
	return db.lists(ctx, `SELECT `+listCols+` FROM lists l JOIN list_accounts la ON la.list_id = l.id
		WHERE l.account_id = ? AND la.account_id = ? ORDER BY l.id`, ownerID, memberID)
}

func (db *DB) lists(ctx context.Context, q string, args ...any) ([]*storage.List, error) {
	out := []*storage.List{}
	err := db.eachRow(ctx, q, args, func(s scanner) error {
		l, err := scanList(s)
		if err == nil {
			out = append(out, l)
		}
		return err
	})
	return out, wrap("list lists", err)
}

// AddListAccounts adds members; adding one twice is harmless.
func (db *DB) AddListAccounts(ctx context.Context, listID int64, accountIDs []int64) error {
	for _, id := range accountIDs {
		if _, err := db.w.ExecContext(ctx, `INSERT INTO list_accounts (id, list_id, account_id) VALUES (?,?,?) ON CONFLICT DO NOTHING`,
			storage.NewID(), listID, id); err != nil {
			return wrap("add list account", err)
		}
	}
	return nil
}

// RemoveListAccounts removes members; removing a non-member is harmless.
func (db *DB) RemoveListAccounts(ctx context.Context, listID int64, accountIDs []int64) error {
	for _, id := range accountIDs {
		if _, err := db.w.ExecContext(ctx, `DELETE FROM list_accounts WHERE list_id = ? AND account_id = ?`, listID, id); err != nil {
			return wrap("remove list account", err)
		}
	}
	return nil
}

// RemoveFromOwnedLists drops memberID from all of ownerID's lists.
func (db *DB) RemoveFromOwnedLists(ctx context.Context, ownerID, memberID int64) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM list_accounts WHERE account_id = ?
		AND list_id IN (SELECT id FROM lists WHERE account_id = ?)`, memberID, ownerID)
	return wrap("remove from lists", err)
}

// ListMembers pages a list's members by membership row id.
func (db *DB) ListMembers(ctx context.Context, listID int64, p storage.Page) ([]*storage.ListMember, error) {
	q, args := pageClause(`SELECT id, list_id, account_id FROM list_accounts WHERE list_id = ?`, "id", []any{listID}, p)
	out := []*storage.ListMember{}
	err := db.eachRow(ctx, q, args, func(s scanner) error {
		var m storage.ListMember
		err := s.Scan(&m.ID, &m.ListID, &m.AccountID)
		out = append(out, &m)
		return err
	})
	if p.MinID > 0 {
		slices.Reverse(out)
	}
	return out, wrap("list members", err)
}

// ListAccountIDs returns the members the owner still follows. Unfollowing
// does not touch lists, so the follow check here is what keeps a list
// timeline to followed accounts, as Mastodon's is.
func (db *DB) ListAccountIDs(ctx context.Context, listID int64) ([]int64, error) {
	return db.ids(ctx, "list account ids", `SELECT la.account_id FROM list_accounts la
		JOIN lists l ON l.id = la.list_id
		JOIN follows f ON f.account_id = l.account_id AND f.target_account_id = la.account_id AND f.state = 'accepted'
		WHERE la.list_id = ? ORDER BY la.id`, listID)
}

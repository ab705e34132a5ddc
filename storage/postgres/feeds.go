package postgres

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// CreateNotification inserts n.
func (db *DB) CreateNotification(ctx context.Context, n *storage.Notification) error {
	if n.ID == 0 {
		n.ID = storage.NewID()
	}
	if n.CreatedAt.IsZero() {
		n.CreatedAt = time.Now().UTC()
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO notifications (id, account_id, from_account_id, type, status_id, created_at)
		VALUES (?,?,?,?,?,?)`, n.ID, n.AccountID, n.FromAccountID, n.Type, n.StatusID, ms(n.CreatedAt))
	return wrap("create notification", err)
}

// Notifications lists accountID's notifications, optionally of some types only.
func (db *DB) Notifications(ctx context.Context, accountID int64, types []string, p storage.Page) ([]*storage.Notification, error) {
	q := `SELECT id, account_id, from_account_id, type, status_id, created_at FROM notifications WHERE account_id = ?`
	args := []any{accountID}
	if len(types) > 0 {
		q += ` AND type IN (` + strings.TrimSuffix(strings.Repeat("?,", len(types)), ",") + `)`
		for _, t := range types {
			args = append(args, t)
		}
	}
	q, args = pageClause(q, "id", args, p)
	out := []*storage.Notification{}
	err := db.eachRow(ctx, q, args, func(s scanner) error {
		var n storage.Notification
		var created int64
		err := s.Scan(&n.ID, &n.AccountID, &n.FromAccountID, &n.Type, &n.StatusID, &created)
		n.CreatedAt = fromMS(created)
		out = append(out, &n)
		return err
	})
	if p.MinID > 0 {
		slices.Reverse(out)
	}
	return out, wrap("list notifications", err)
}

// DeleteNotificationsAbout removes notifications of typ caused by fromAccountID
// (about statusID when it is not 0), e.g. when a like is undone.
func (db *DB) DeleteNotificationsAbout(ctx context.Context, fromAccountID, statusID int64, typ string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM notifications WHERE from_account_id = ? AND type = ? AND (?::bigint = 0 OR status_id = ?)`,
		fromAccountID, typ, statusID, statusID)
	return wrap("delete notifications", err)
}

// AddToHome puts statusID into the home timelines of accountIDs.
func (db *DB) AddToHome(ctx context.Context, accountIDs []int64, statusID int64) error {
	for _, id := range accountIDs {
		if _, err := db.w.ExecContext(ctx, `INSERT INTO home_timeline (account_id, status_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, statusID); err != nil {
			return wrap("add to home timeline", err)
		}
	}
	return nil
}

// RemoveFromHome drops authorID's statuses from accountID's home timeline (after an unfollow).
func (db *DB) RemoveFromHome(ctx context.Context, accountID, authorID int64) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM home_timeline WHERE account_id = ? AND status_id IN
		(SELECT id FROM statuses WHERE account_id = ?)`, accountID, authorID)
	return wrap("remove from home timeline", err)
}

// Home lists accountID's home timeline.
func (db *DB) Home(ctx context.Context, accountID int64, p storage.Page) ([]*storage.Status, error) {
	return db.pagedBy(ctx, "home timeline", `SELECT `+statusCols+` FROM home_timeline h JOIN statuses s ON s.id = h.status_id
		WHERE h.account_id = ?`, "h.status_id", []any{accountID}, p)
}

// Public lists public, non-boost statuses, optionally local or remote only.
func (db *DB) Public(ctx context.Context, localOnly, remoteOnly bool, p storage.Page) ([]*storage.Status, error) {
	q := `SELECT ` + statusCols + ` FROM statuses s WHERE s.visibility = 'public' AND s.reblog_of_id = 0`
	if localOnly {
		q += ` AND s.local = 1`
	}
	if remoteOnly {
		q += ` AND s.local = 0`
	}
	return db.paged(ctx, "public timeline", q, nil, p)
}

package postgres

import (
	"context"
	"slices"

	"github.com/rounds-social/rounds/storage"
)

const notificationCols = `id, account_id, from_account_id, type, status_id, created_at`

func scanNotification(sc scanner) (*storage.Notification, error) {
	var n storage.Notification
	var created int64
	err := sc.Scan(&n.ID, &n.AccountID, &n.FromAccountID, &n.Type, &n.StatusID, &created)
	n.CreatedAt = fromMS(created)
	return &n, err
}

// Notification returns one of accountID's notifications; another account's
// is ErrNotFound, the same as a missing one.
func (db *DB) Notification(ctx context.Context, accountID, id int64) (*storage.Notification, error) {
	n, err := scanNotification(db.r.QueryRowContext(ctx, `SELECT `+notificationCols+` FROM notifications
		WHERE id = ? AND account_id = ?`, id, accountID))
	if err != nil {
		return nil, wrap("get notification", err)
	}
	return n, nil
}

// NotificationsFrom lists accountID's notifications, optionally only those
// caused by fromAccountID and of some types.
func (db *DB) NotificationsFrom(ctx context.Context, accountID, fromAccountID int64, types []string, p storage.Page) ([]*storage.Notification, error) {
	q := `SELECT ` + notificationCols + ` FROM notifications WHERE account_id = ?`
	args := []any{accountID}
	if fromAccountID != 0 {
		q += ` AND from_account_id = ?`
		args = append(args, fromAccountID)
	}
	if len(types) > 0 {
		q += ` AND type IN (` + stMarks(len(types)) + `)`
		for _, t := range types {
			args = append(args, t)
		}
	}
	q, args = pageClause(q, "id", args, p)
	out := []*storage.Notification{}
	err := db.eachRow(ctx, q, args, func(sc scanner) error {
		n, err := scanNotification(sc)
		if err == nil {
			out = append(out, n)
		}
		return err
	})
	if p.MinID > 0 {
		slices.Reverse(out)
	}
	return out, wrap("list notifications", err)
}

// DeleteNotification dismisses one of accountID's notifications.
func (db *DB) DeleteNotification(ctx context.Context, accountID, id int64) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM notifications WHERE id = ? AND account_id = ?`, id, accountID)
	if err != nil {
		return wrap("dismiss notification", err)
	}
	return mustAffect(res, "dismiss notification")
}

// ClearNotifications dismisses all of accountID's notifications.
func (db *DB) ClearNotifications(ctx context.Context, accountID int64) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM notifications WHERE account_id = ?`, accountID)
	return wrap("clear notifications", err)
}

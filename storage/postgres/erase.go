package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// eraseStatements run in order inside one transaction; each takes the
// account id as ?1 (and the time as ?2 where used). Rows of the account's
// statuses go with them by ON DELETE CASCADE (mentions, tags, favourites,
// home rows, bookmarks, media, edits).
var eraseStatements = []string{
	`UPDATE delivery_jobs SET state = 'cancelled' WHERE state = 'pending' AND status_id IN (SELECT id FROM statuses WHERE account_id = ?1)`,
	`DELETE FROM notifications WHERE account_id = ?1 OR from_account_id = ?1 OR status_id IN (SELECT id FROM statuses WHERE account_id = ?1)`,
	`DELETE FROM statuses WHERE reblog_of_id IN (SELECT id FROM statuses WHERE account_id = ?1)`,
	`DELETE FROM statuses WHERE account_id = ?1`,
	`DELETE FROM favourites WHERE account_id = ?1`,
	`DELETE FROM follows WHERE account_id = ?1 OR target_account_id = ?1`,
	`DELETE FROM blocks WHERE account_id = ?1 OR target_account_id = ?1`,
	`DELETE FROM mutes WHERE account_id = ?1 OR target_account_id = ?1`,
	`DELETE FROM bookmarks WHERE account_id = ?1`,
	`DELETE FROM list_accounts WHERE account_id = ?1`,
	`DELETE FROM lists WHERE account_id = ?1`,
	`DELETE FROM markers WHERE account_id = ?1`,
	`DELETE FROM filters WHERE account_id = ?1`,
	`DELETE FROM account_prefs WHERE account_id = ?1`,
	`DELETE FROM mentions WHERE account_id = ?1`,
	`DELETE FROM home_timeline WHERE account_id = ?1`,
	`DELETE FROM media WHERE account_id = ?1`,
	`DELETE FROM web_sessions WHERE user_id IN (SELECT id FROM users WHERE account_id = ?1)`,
	`DELETE FROM oauth_codes WHERE user_id IN (SELECT id FROM users WHERE account_id = ?1)`,
	`UPDATE oauth_tokens SET revoked_at = ?2 WHERE revoked_at = 0 AND user_id IN (SELECT id FROM users WHERE account_id = ?1)`,
	`UPDATE users SET email = 'erased-' || id || '@invalid', password_hash = '', disabled = 1 WHERE account_id = ?1`,
	`UPDATE accounts SET display_name = '', note = '', fields_json = '[]', avatar_url = '', header_url = '',
		credential = '', credential_verified_at = 0, suspended_at = ?2, deleted_at = ?2 WHERE id = ?1`,
}

// EraseAccountContent implements storage.Erasure.
func (db *DB) EraseAccountContent(ctx context.Context, accountID int64) ([]string, error) {
	var keys []string
	err := db.Tx(ctx, func(st storage.Store) error {
		tx := st.(*DB)
		keys = []string{}
		if err := tx.eachRow(ctx, `SELECT file_key FROM media WHERE account_id = ? AND file_key <> ''`, []any{accountID},
			func(s scanner) error {
				var k string
				err := s.Scan(&k)
				keys = append(keys, k)
				return err
			}); err != nil {
			return wrap("erase: list media", err)
		}
		now := ms(time.Now())
		for i, q := range eraseStatements {
			// PostgreSQL wants exactly the parameters a statement uses.
			args := []any{accountID}
			if strings.Contains(q, "?2") {
				args = append(args, now)
			}
			if _, err := tx.w.ExecContext(ctx, q, args...); err != nil {
				return wrap(fmt.Sprintf("erase step %d", i+1), err)
			}
		}
		return nil
	})
	return keys, err
}

package postgres

import (
	"context"
	"strings"

	"github.com/rounds-social/rounds/storage"
)

// ProfileStatuses lists an account's statuses with the profile filters
// applied in SQL, so a page is full even when most rows are filtered out.
func (db *DB) ProfileStatuses(ctx context.Context, accountID int64, f storage.ProfileFilter, p storage.Page) ([]*storage.Status, error) {
	if len(f.Visibilities) == 0 {
		return []*storage.Status{}, nil
	}
	q := `SELECT ` + statusCols + ` FROM statuses s WHERE s.account_id = ? AND s.deleted_at = 0
		AND s.visibility IN (` + strings.TrimSuffix(strings.Repeat("?,", len(f.Visibilities)), ",") + `)`
	args := []any{accountID}
	for _, v := range f.Visibilities {
		args = append(args, v)
	}
	if f.ExcludeReplies {
		q += ` AND (s.in_reply_to_id = 0 AND s.in_reply_to_uri = '' OR s.in_reply_to_account_id = s.account_id)`
	}
	if f.ExcludeReblogs {
		q += ` AND s.reblog_of_id = 0`
	}
	if tag := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(f.Tagged), "#")); tag != "" {
		q += ` AND s.id IN (SELECT st.status_id FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE t.name = ?)`
		args = append(args, tag)
	}
	return db.paged(ctx, "profile statuses", q, args, p)
}

package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
)

const inviteCols = `id, token_hash, role, max_uses, uses, created_by, created_at, expires_at, revoked_at`

func scanInvite(s scanner) (*storage.Invite, error) {
	var i storage.Invite
	var created, expires, revoked int64
	if err := s.Scan(&i.ID, &i.TokenHash, &i.Role, &i.MaxUses, &i.Uses, &i.CreatedBy, &created, &expires, &revoked); err != nil {
		return nil, err
	}
	i.CreatedAt, i.ExpiresAt, i.RevokedAt = fromMS(created), fromMS(expires), fromMS(revoked)
	return &i, nil
}

// CreateInvite inserts inv.
func (db *DB) CreateInvite(ctx context.Context, inv *storage.Invite) error {
	if inv.ID == 0 {
		inv.ID = storage.NewID()
	}
	if inv.CreatedAt.IsZero() {
		inv.CreatedAt = time.Now().UTC()
	}
	if inv.MaxUses <= 0 {
		inv.MaxUses = 1
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO invites (`+inviteCols+`) VALUES (?,?,?,?,?,?,?,?,?)`,
		inv.ID, inv.TokenHash, inv.Role, inv.MaxUses, inv.Uses, inv.CreatedBy, ms(inv.CreatedAt),
		ms(inv.ExpiresAt), ms(inv.RevokedAt))
	return wrap("create invite", err)
}

// InviteByHash finds an invite by the hash of its token.
func (db *DB) InviteByHash(ctx context.Context, hash string) (*storage.Invite, error) {
	inv, err := scanInvite(db.r.QueryRowContext(ctx, `SELECT `+inviteCols+` FROM invites WHERE token_hash = ?`, hash))
	return inv, wrap("get invite", err)
}

// Invites lists every invite, newest first.
func (db *DB) Invites(ctx context.Context) ([]*storage.Invite, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+inviteCols+` FROM invites ORDER BY id DESC`)
	if err != nil {
		return nil, wrap("list invites", err)
	}
	defer rows.Close()
	out := []*storage.Invite{}
	for rows.Next() {
		inv, err := scanInvite(rows)
		if err != nil {
			return nil, wrap("list invites", err)
		}
		out = append(out, inv)
	}
	return out, wrap("list invites", rows.Err())
}

// UseInvite counts one use when the invite is still usable.
func (db *DB) UseInvite(ctx context.Context, id int64, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE invites SET uses = uses + 1
		WHERE id = ? AND revoked_at = 0 AND uses < max_uses AND (expires_at = 0 OR expires_at > ?)`, id, ms(now))
	if err != nil {
		return wrap("use invite", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return storage.ErrNotFound
	}
	return nil
}

// ReturnInvite gives back one use.
func (db *DB) ReturnInvite(ctx context.Context, id int64) error {
	_, err := db.w.ExecContext(ctx, `UPDATE invites SET uses = uses - 1 WHERE id = ? AND uses > 0`, id)
	return wrap("return invite", err)
}

// RevokeInvite stops an invite from being used again.
func (db *DB) RevokeInvite(ctx context.Context, id int64, at time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE invites SET revoked_at = ? WHERE id = ? AND revoked_at = 0`, ms(at), id)
	return wrap("revoke invite", err)
}

// TokensOfUser lists a user's live tokens, newest first.
func (db *DB) TokensOfUser(ctx context.Context, userID int64, now time.Time) ([]*storage.Token, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, app_id, user_id, token_hash, refresh_hash, scopes, created_at,
		expires_at, revoked_at, last_used_at FROM oauth_tokens
		WHERE user_id = ? AND revoked_at = 0 AND (expires_at = 0 OR expires_at > ?) ORDER BY id DESC`, userID, ms(now))
	if err != nil {
		return nil, wrap("list tokens", err)
	}
	defer rows.Close()
	out := []*storage.Token{}
	for rows.Next() {
		var t storage.Token
		var scopes string
		var created, expires, revoked, used int64
		if err := rows.Scan(&t.ID, &t.AppID, &t.UserID, &t.TokenHash, &t.RefreshHash, &scopes, &created,
			&expires, &revoked, &used); err != nil {
			return nil, wrap("list tokens", err)
		}
		t.Scopes = strings.Fields(scopes)
		t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt = fromMS(created), fromMS(expires), fromMS(revoked), fromMS(used)
		out = append(out, &t)
	}
	return out, wrap("list tokens", rows.Err())
}

// RevokeAppTokens revokes a user's live tokens of one app.
func (db *DB) RevokeAppTokens(ctx context.Context, userID, appID int64, at time.Time) ([]int64, error) {
	rows, err := db.w.QueryContext(ctx, `UPDATE oauth_tokens SET revoked_at = ?
		WHERE user_id = ? AND app_id = ? AND revoked_at = 0 RETURNING id`, ms(at), userID, appID)
	if err != nil {
		return nil, wrap("revoke app tokens", err)
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, wrap("revoke app tokens", err)
		}
		ids = append(ids, id)
	}
	return ids, wrap("revoke app tokens", rows.Err())
}

// DeleteUserWebSessions ends a user's browser sessions but one.
func (db *DB) DeleteUserWebSessions(ctx context.Context, userID int64, keepHash string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM web_sessions WHERE user_id = ? AND id_hash <> ?`, userID, keepHash)
	return wrap("end sessions", err)
}

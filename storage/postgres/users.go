package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
)

const userCols = `id, account_id, email, password_hash, role, disabled, created_at, last_sign_in_at`

func scanUser(s scanner) (*storage.User, error) {
	var u storage.User
	var created, last int64
	if err := s.Scan(&u.ID, &u.AccountID, &u.Email, &u.PasswordHash, &u.Role, &u.Disabled, &created, &last); err != nil {
		return nil, err
	}
	u.CreatedAt, u.LastSignInAt = fromMS(created), fromMS(last)
	return &u, nil
}

// CreateUser inserts u.
func (db *DB) CreateUser(ctx context.Context, u *storage.User) error {
	if u.ID == 0 {
		u.ID = storage.NewID()
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now().UTC()
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO users (`+userCols+`) VALUES (?,?,?,?,?,?,?,?)`,
		u.ID, u.AccountID, strings.ToLower(u.Email), u.PasswordHash, u.Role, b2i(u.Disabled), ms(u.CreatedAt), ms(u.LastSignInAt))
	return wrap("create user "+u.Email, err)
}

// UpdateUser overwrites u's mutable columns.
func (db *DB) UpdateUser(ctx context.Context, u *storage.User) error {
	res, err := db.w.ExecContext(ctx, `UPDATE users SET email=?, password_hash=?, role=?, disabled=?, last_sign_in_at=? WHERE id=?`,
		strings.ToLower(u.Email), u.PasswordHash, u.Role, b2i(u.Disabled), ms(u.LastSignInAt), u.ID)
	if err != nil {
		return wrap("update user", err)
	}
	return mustAffect(res, "update user")
}

func (db *DB) userWhere(ctx context.Context, where string, arg any) (*storage.User, error) {
	u, err := scanUser(db.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE `+where, arg))
	return u, wrap("get user", err)
}

// User returns a user by ID.
func (db *DB) User(ctx context.Context, id int64) (*storage.User, error) {
	return db.userWhere(ctx, "id = ?", id)
}

// UserByAccount returns the user behind a local account.
func (db *DB) UserByAccount(ctx context.Context, accountID int64) (*storage.User, error) {
	return db.userWhere(ctx, "account_id = ?", accountID)
}

// UserByEmail returns a user by e-mail, case-insensitively.
func (db *DB) UserByEmail(ctx context.Context, email string) (*storage.User, error) {
	return db.userWhere(ctx, "email = ?", strings.ToLower(email))
}

// CountUsersByRole counts enabled users with role.
func (db *DB) CountUsersByRole(ctx context.Context, role string) (int, error) {
	return db.count(ctx, "count users", `SELECT count(*) FROM users WHERE role = ? AND disabled = 0`, role)
}

// CreateApp registers an OAuth client.
func (db *DB) CreateApp(ctx context.Context, a *storage.App) error {
	if a.ID == 0 {
		a.ID = storage.NewID()
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now().UTC()
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO oauth_apps (id, name, website, redirect_uris, client_id, secret_hash, scopes, created_at)
		VALUES (?,?,?,?,?,?,?,?)`, a.ID, a.Name, a.Website, strings.Join(a.RedirectURIs, "\n"), a.ClientID,
		a.SecretHash, strings.Join(a.Scopes, " "), ms(a.CreatedAt))
	return wrap("create app", err)
}

// AppByClientID returns an OAuth client by its client_id.
func (db *DB) AppByClientID(ctx context.Context, clientID string) (*storage.App, error) {
	var a storage.App
	var redirects, scopes string
	var created int64
	err := db.r.QueryRowContext(ctx, `SELECT id, name, website, redirect_uris, client_id, secret_hash, scopes, created_at
		FROM oauth_apps WHERE client_id = ?`, clientID).Scan(&a.ID, &a.Name, &a.Website, &redirects, &a.ClientID,
		&a.SecretHash, &scopes, &created)
	if err != nil {
		return nil, wrap("get app", err)
	}
	a.RedirectURIs, a.Scopes, a.CreatedAt = splitNonEmpty(redirects, "\n"), strings.Fields(scopes), fromMS(created)
	return &a, nil
}

// CreateToken stores an access token (by hash).
func (db *DB) CreateToken(ctx context.Context, t *storage.Token) error {
	if t.ID == 0 {
		t.ID = storage.NewID()
	}
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now().UTC()
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO oauth_tokens (id, app_id, user_id, token_hash, refresh_hash, scopes,
		created_at, expires_at, revoked_at, last_used_at) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		t.ID, t.AppID, t.UserID, t.TokenHash, t.RefreshHash, strings.Join(t.Scopes, " "), ms(t.CreatedAt),
		ms(t.ExpiresAt), ms(t.RevokedAt), ms(t.LastUsedAt))
	return wrap("create token", err)
}

// TokenByHash finds a token by the hash of its secret.
func (db *DB) TokenByHash(ctx context.Context, hash string) (*storage.Token, error) {
	var t storage.Token
	var scopes string
	var created, expires, revoked, used int64
	err := db.r.QueryRowContext(ctx, `SELECT id, app_id, user_id, token_hash, refresh_hash, scopes, created_at,
		expires_at, revoked_at, last_used_at FROM oauth_tokens WHERE token_hash = ?`, hash).Scan(&t.ID, &t.AppID,
		&t.UserID, &t.TokenHash, &t.RefreshHash, &scopes, &created, &expires, &revoked, &used)
	if err != nil {
		return nil, wrap("get token", err)
	}
	t.Scopes = strings.Fields(scopes)
	t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt = fromMS(created), fromMS(expires), fromMS(revoked), fromMS(used)
	return &t, nil
}

// RevokeToken marks a token revoked.
func (db *DB) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE oauth_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = 0`, ms(at), id)
	return wrap("revoke token", err)
}

// TouchToken records when a token was last used.
func (db *DB) TouchToken(ctx context.Context, id int64, at time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE oauth_tokens SET last_used_at = ? WHERE id = ?`, ms(at), id)
	return wrap("touch token", err)
}

func splitNonEmpty(s, sep string) []string {
	out := []string{}
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

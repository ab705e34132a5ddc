package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// AppByID returns an OAuth client by its id (what a token records).
func (db *DB) AppByID(ctx context.Context, id int64) (*storage.App, error) {
	var a storage.App
	var redirects, scopes string
	var created int64
	err := db.r.QueryRowContext(ctx, `SELECT id, name, website, redirect_uris, client_id, secret_hash, scopes, created_at
		FROM oauth_apps WHERE id = ?`, id).Scan(&a.ID, &a.Name, &a.Website, &redirects, &a.ClientID,
		&a.SecretHash, &scopes, &created)
	if err != nil {
		return nil, wrap("get app", err)
	}
	a.RedirectURIs, a.Scopes, a.CreatedAt = splitNonEmpty(redirects, "\n"), strings.Fields(scopes), fromMS(created)
	return &a, nil
}

// TokenByRefreshHash finds a token by the hash of its refresh token.
func (db *DB) TokenByRefreshHash(ctx context.Context, hash string) (*storage.Token, error) {
	if hash == "" {
		// Tokens without a refresh token store "", which must never match.
		return nil, storage.ErrNotFound
	}
	var t storage.Token
	var scopes string
	var created, expires, revoked, used int64
	err := db.r.QueryRowContext(ctx, `SELECT id, app_id, user_id, token_hash, refresh_hash, scopes, created_at,
		expires_at, revoked_at, last_used_at FROM oauth_tokens WHERE refresh_hash = ?`, hash).Scan(&t.ID, &t.AppID,
		&t.UserID, &t.TokenHash, &t.RefreshHash, &scopes, &created, &expires, &revoked, &used)
	if err != nil {
		return nil, wrap("get token by refresh", err)
	}
	t.Scopes = strings.Fields(scopes)
	t.CreatedAt, t.ExpiresAt, t.RevokedAt, t.LastUsedAt = fromMS(created), fromMS(expires), fromMS(revoked), fromMS(used)
	return &t, nil
}

// CreateAuthCode stores an authorization code. Expired codes are pruned
// here, since nothing else would ever delete a code nobody exchanged.
func (db *DB) CreateAuthCode(ctx context.Context, c *storage.AuthCode) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now().UTC()
	}
	if _, err := db.w.ExecContext(ctx, `DELETE FROM oauth_codes WHERE expires_at < ?`, ms(c.CreatedAt)); err != nil {
		return wrap("prune codes", err)
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO oauth_codes (code_hash, app_id, user_id, redirect_uri, scopes,
		challenge, challenge_method, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?)`,
		c.CodeHash, c.AppID, c.UserID, c.RedirectURI, strings.Join(c.Scopes, " "), c.Challenge, c.ChallengeMethod,
		ms(c.CreatedAt), ms(c.ExpiresAt))
	return wrap("create code", err)
}

// ConsumeAuthCode deletes a code and returns what it was; the single DELETE
// … RETURNING is what keeps a code single-use under concurrent exchanges.
func (db *DB) ConsumeAuthCode(ctx context.Context, hash string) (*storage.AuthCode, error) {
	c := storage.AuthCode{CodeHash: hash}
	var scopes string
	var created, expires int64
	err := db.w.QueryRowContext(ctx, `DELETE FROM oauth_codes WHERE code_hash = ?
		RETURNING app_id, user_id, redirect_uri, scopes, challenge, challenge_method, created_at, expires_at`, hash).
		Scan(&c.AppID, &c.UserID, &c.RedirectURI, &scopes, &c.Challenge, &c.ChallengeMethod, &created, &expires)
	if err != nil {
		return nil, wrap("consume code", err)
	}
	c.Scopes, c.CreatedAt, c.ExpiresAt = strings.Fields(scopes), fromMS(created), fromMS(expires)
	return &c, nil
}

// CreateWebSession stores a signed-in browser session.
func (db *DB) CreateWebSession(ctx context.Context, s *storage.WebSession) error {
	if s.CreatedAt.IsZero() {
		s.CreatedAt = time.Now().UTC()
	}
	if s.LastSeenAt.IsZero() {
		s.LastSeenAt = s.CreatedAt
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO web_sessions (id_hash, user_id, created_at, last_seen_at) VALUES (?,?,?,?)`,
		s.IDHash, s.UserID, ms(s.CreatedAt), ms(s.LastSeenAt))
	return wrap("create session", err)
}

// WebSessionByHash finds a session by the hash of its cookie value.
func (db *DB) WebSessionByHash(ctx context.Context, hash string) (*storage.WebSession, error) {
	s := storage.WebSession{IDHash: hash}
	var created, seen int64
	err := db.r.QueryRowContext(ctx, `SELECT user_id, created_at, last_seen_at FROM web_sessions WHERE id_hash = ?`, hash).
		Scan(&s.UserID, &created, &seen)
	if err != nil {
		return nil, wrap("get session", err)
	}
	s.CreatedAt, s.LastSeenAt = fromMS(created), fromMS(seen)
	return &s, nil
}

// TouchWebSession records activity, which pushes back the idle expiry.
func (db *DB) TouchWebSession(ctx context.Context, hash string, at time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE web_sessions SET last_seen_at = ? WHERE id_hash = ?`, ms(at), hash)
	return wrap("touch session", err)
}

// DeleteWebSession ends a session.
func (db *DB) DeleteWebSession(ctx context.Context, hash string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM web_sessions WHERE id_hash = ?`, hash)
	return wrap("delete session", err)
}

// DeleteWebSessionsIdleSince removes sessions not seen since t.
func (db *DB) DeleteWebSessionsIdleSince(ctx context.Context, t time.Time) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM web_sessions WHERE last_seen_at < ?`, ms(t))
	return wrap("prune sessions", err)
}

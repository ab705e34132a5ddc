package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
)

const accountCols = `id, username, domain, display_name, note, uri, url, inbox_uri, outbox_uri,
	shared_inbox_uri, followers_uri, following_uri, public_key_id, public_key_pem, private_key_pem,
	locked, discoverable, bot, avatar_url, header_url, fields_json, created_at, updated_at,
	fetched_at, suspended_at, deleted_at, credential, credential_verified_at`

type scanner interface{ Scan(dest ...any) error }

func scanAccount(s scanner) (*storage.Account, error) {
	var a storage.Account
	var fields string
	var created, updated, fetched, suspended, deleted, credVerified int64
	err := s.Scan(&a.ID, &a.Username, &a.Domain, &a.DisplayName, &a.Note, &a.URI, &a.URL,
		&a.InboxURI, &a.OutboxURI, &a.SharedInboxURI, &a.FollowersURI, &a.FollowingURI,
		&a.PublicKeyID, &a.PublicKeyPEM, &a.PrivateKeyPEM, &a.Locked, &a.Discoverable, &a.Bot,
		&a.AvatarURL, &a.HeaderURL, &fields, &created, &updated, &fetched, &suspended, &deleted,
		&a.Credential, &credVerified)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(fields), &a.Fields); err != nil {
		a.Fields = nil
	}
	a.CreatedAt, a.UpdatedAt, a.FetchedAt = fromMS(created), fromMS(updated), fromMS(fetched)
	a.SuspendedAt, a.DeletedAt = fromMS(suspended), fromMS(deleted)
	a.CredentialVerifiedAt = fromMS(credVerified)
	return &a, nil
}

func accountArgs(a *storage.Account) []any {
	fields, _ := json.Marshal(a.Fields)
	if a.Fields == nil {
		fields = []byte("[]")
	}
	return []any{a.ID, a.Username, strings.ToLower(a.Domain), a.DisplayName, a.Note, a.URI, a.URL,
		a.InboxURI, a.OutboxURI, a.SharedInboxURI, a.FollowersURI, a.FollowingURI,
		a.PublicKeyID, a.PublicKeyPEM, a.PrivateKeyPEM, b2i(a.Locked), b2i(a.Discoverable), b2i(a.Bot),
		a.AvatarURL, a.HeaderURL, string(fields), ms(a.CreatedAt), ms(a.UpdatedAt), ms(a.FetchedAt),
		ms(a.SuspendedAt), ms(a.DeletedAt), a.Credential, ms(a.CredentialVerifiedAt)}
}

// CreateAccount inserts a, minting its ID and timestamps when unset.
func (db *DB) CreateAccount(ctx context.Context, a *storage.Account) error {
	if a.ID == 0 {
		a.ID = storage.NewID()
	}
	now := time.Now().UTC()
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now
	}
	a.UpdatedAt = now
	_, err := db.w.ExecContext(ctx, `INSERT INTO accounts (`+accountCols+`)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, accountArgs(a)...)
	return wrap("create account "+a.URI, err)
}

// UpdateAccount overwrites every column of a.
func (db *DB) UpdateAccount(ctx context.Context, a *storage.Account) error {
	a.UpdatedAt = time.Now().UTC()
	args := accountArgs(a)
	res, err := db.w.ExecContext(ctx, `UPDATE accounts SET username=?2, domain=?3, display_name=?4,
		note=?5, uri=?6, url=?7, inbox_uri=?8, outbox_uri=?9, shared_inbox_uri=?10, followers_uri=?11,
		following_uri=?12, public_key_id=?13, public_key_pem=?14, private_key_pem=?15, locked=?16,
		discoverable=?17, bot=?18, avatar_url=?19, header_url=?20, fields_json=?21, created_at=?22,
		updated_at=?23, fetched_at=?24, suspended_at=?25, deleted_at=?26, credential=?27,
		credential_verified_at=?28 WHERE id=?1`, args...)
	if err != nil {
		return wrap("update account "+a.URI, err)
	}
	return mustAffect(res, "update account "+a.URI)
}

func (db *DB) accountWhere(ctx context.Context, op, where string, args ...any) (*storage.Account, error) {
	a, err := scanAccount(db.r.QueryRowContext(ctx, `SELECT `+accountCols+` FROM accounts WHERE `+where, args...))
	return a, wrap(op, err)
}

// Account returns the account with the given ID.
func (db *DB) Account(ctx context.Context, id int64) (*storage.Account, error) {
	return db.accountWhere(ctx, "get account", "id = ?", id)
}

// AccountByURI returns the account whose actor id is uri.
func (db *DB) AccountByURI(ctx context.Context, uri string) (*storage.Account, error) {
	return db.accountWhere(ctx, "get account "+uri, "uri = ?", uri)
}

// AccountByUsername finds an account by username and domain ("" for local).
func (db *DB) AccountByUsername(ctx context.Context, username, domain string) (*storage.Account, error) {
	return db.accountWhere(ctx, "get account "+username, "username = ? AND domain = ?", username, strings.ToLower(domain))
}

// AccountsByID loads many accounts at once.
func (db *DB) AccountsByID(ctx context.Context, ids []int64) (map[int64]*storage.Account, error) {
	out := make(map[int64]*storage.Account, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	q, args := inClause(ids)
	rows, err := db.r.QueryContext(ctx, `SELECT `+accountCols+` FROM accounts WHERE id IN (`+q+`)`, args...)
	if err != nil {
		return nil, wrap("get accounts", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, wrap("get accounts", err)
		}
		out[a.ID] = a
	}
	return out, wrap("get accounts", rows.Err())
}

// LocalAccounts lists every local account, oldest first.
func (db *DB) LocalAccounts(ctx context.Context) ([]*storage.Account, error) {
	return db.accountList(ctx, "list local accounts",
		`SELECT `+accountCols+` FROM accounts WHERE domain = '' AND username <> ? ORDER BY id`,
		storage.InstanceActorUsername)
}

// SearchAccounts matches username, domain or display name by prefix,
// ignoring case as SQLite's LIKE does.
func (db *DB) SearchAccounts(ctx context.Context, query string, limit int) ([]*storage.Account, error) {
	query = strings.TrimPrefix(strings.TrimSpace(query), "@")
	user, domain, _ := strings.Cut(query, "@")
	like := escapeLike(user) + "%"
	return db.accountList(ctx, "search accounts", `SELECT `+accountCols+` FROM accounts
		WHERE deleted_at = 0 AND suspended_at = 0 AND (username ILIKE ?1 ESCAPE '\' OR display_name ILIKE ?1 ESCAPE '\')
		AND (?2 = '' OR domain ILIKE ?3 ESCAPE '\')
		ORDER BY domain <> '', username LIMIT ?4`, like, domain, escapeLike(domain)+"%", limit)
}

func (db *DB) accountList(ctx context.Context, op, q string, args ...any) ([]*storage.Account, error) {
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	out := []*storage.Account{}
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, a)
	}
	return out, wrap(op, rows.Err())
}

// CountLocalAccounts counts local accounts that are neither suspended nor deleted.
func (db *DB) CountLocalAccounts(ctx context.Context) (int, error) {
	return db.count(ctx, "count local accounts", `SELECT count(*) FROM accounts
		WHERE domain = '' AND suspended_at = 0 AND deleted_at = 0 AND username <> ?`, storage.InstanceActorUsername)
}

func (db *DB) count(ctx context.Context, op, q string, args ...any) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, wrap(op, err)
}

func mustAffect(res sql.Result, op string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(op, err)
	}
	if n == 0 {
		return wrap(op, storage.ErrNotFound)
	}
	return nil
}

func inClause(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(ids)), ","), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

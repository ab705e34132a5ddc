package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// AccountPrefs returns accountID's preferences, or the defaults.
func (db *DB) AccountPrefs(ctx context.Context, accountID int64) (*storage.AccountPrefs, error) {
	p := storage.DefaultPrefs(accountID)
	var fields string
	var updated int64
	err := db.r.QueryRowContext(ctx, `SELECT privacy, sensitive, language, note_text, fields_json, updated_at
		FROM account_prefs WHERE account_id = ?`, accountID).Scan(&p.Privacy, &p.Sensitive, &p.Language, &p.NoteText, &fields, &updated)
	if err != nil {
		if errors.Is(mapErr(err), storage.ErrNotFound) {
			return p, nil
		}
		return nil, wrap("get account prefs", err)
	}
	if json.Unmarshal([]byte(fields), &p.Fields) != nil || p.Fields == nil {
		p.Fields = []storage.Field{}
	}
	p.UpdatedAt = fromMS(updated)
	return p, nil
}

// PutAccountPrefs saves p, replacing what was there.
func (db *DB) PutAccountPrefs(ctx context.Context, p *storage.AccountPrefs) error {
	p.UpdatedAt = time.Now().UTC()
	fields, _ := json.Marshal(p.Fields)
	if p.Fields == nil {
		fields = []byte("[]")
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO account_prefs (account_id, privacy, sensitive, language, note_text, fields_json, updated_at)
		VALUES (?,?,?,?,?,?,?) ON CONFLICT (account_id) DO UPDATE SET privacy = excluded.privacy, sensitive = excluded.sensitive,
		language = excluded.language, note_text = excluded.note_text, fields_json = excluded.fields_json, updated_at = excluded.updated_at`,
		p.AccountID, p.Privacy, b2i(p.Sensitive), p.Language, p.NoteText, string(fields), ms(p.UpdatedAt))
	return wrap("put account prefs", err)
}

const muteCols = `id, account_id, target_account_id, notifications, expires_at, created_at`

func scanMute(s scanner) (*storage.Mute, error) {
	var m storage.Mute
	var expires, created int64
	if err := s.Scan(&m.ID, &m.AccountID, &m.TargetAccountID, &m.Notifications, &expires, &created); err != nil {
		return nil, err
	}
	m.ExpiresAt, m.CreatedAt = fromMS(expires), fromMS(created)
	return &m, nil
}

// PutMute creates a mute or, when one exists, replaces its options; the
// row keeps its id so the mutes list order does not jump.
func (db *DB) PutMute(ctx context.Context, m *storage.Mute) error {
	if m.ID == 0 {
		m.ID = storage.NewID()
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO mutes (`+muteCols+`) VALUES (?,?,?,?,?,?)
		ON CONFLICT (account_id, target_account_id) DO UPDATE SET notifications = excluded.notifications,
		expires_at = excluded.expires_at`,
		m.ID, m.AccountID, m.TargetAccountID, b2i(m.Notifications), ms(m.ExpiresAt), ms(m.CreatedAt))
	if err != nil {
		return wrap("put mute", err)
	}
	got, err := scanMute(db.w.QueryRowContext(ctx, `SELECT `+muteCols+` FROM mutes WHERE account_id = ? AND target_account_id = ?`,
		m.AccountID, m.TargetAccountID))
	if err != nil {
		return wrap("put mute", err)
	}
	*m = *got
	return nil
}

// DeleteMute ends a mute; ending one that does not exist is not an error.
func (db *DB) DeleteMute(ctx context.Context, accountID, targetID int64) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM mutes WHERE account_id = ? AND target_account_id = ?`, accountID, targetID)
	return wrap("delete mute", err)
}

// unexpired is the condition that keeps mutes in force at now (?).
const unexpired = ` AND (expires_at = 0 OR expires_at > ?)`

// Mute returns accountID's unexpired mute of targetID.
func (db *DB) Mute(ctx context.Context, accountID, targetID int64, now time.Time) (*storage.Mute, error) {
	m, err := scanMute(db.r.QueryRowContext(ctx, `SELECT `+muteCols+` FROM mutes
		WHERE account_id = ? AND target_account_id = ?`+unexpired, accountID, targetID, ms(now)))
	return m, wrap("get mute", err)
}

// Mutes lists accountID's unexpired mutes, newest first.
func (db *DB) Mutes(ctx context.Context, accountID int64, now time.Time, p storage.Page) ([]*storage.Mute, error) {
	q, args := pageClause(`SELECT `+muteCols+` FROM mutes WHERE account_id = ?`+unexpired, "id",
		[]any{accountID, ms(now)}, p)
	out := []*storage.Mute{}
	err := db.eachRow(ctx, q, args, func(s scanner) error {
		m, err := scanMute(s)
		if err == nil {
			out = append(out, m)
		}
		return err
	})
	if p.MinID > 0 {
		slices.Reverse(out)
	}
	return out, wrap("list mutes", err)
}

// MutedAccountIDs lists the accounts accountID mutes.
func (db *DB) MutedAccountIDs(ctx context.Context, accountID int64, now time.Time, notificationsOnly bool) ([]int64, error) {
	q := `SELECT target_account_id FROM mutes WHERE account_id = ?` + unexpired
	if notificationsOnly {
		q += ` AND notifications = 1`
	}
	return db.ids(ctx, "muted accounts", q, accountID, ms(now))
}

// Blocks lists accountID's blocks, newest first.
func (db *DB) Blocks(ctx context.Context, accountID int64, p storage.Page) ([]*storage.Block, error) {
	q, args := pageClause(`SELECT id, account_id, target_account_id, uri, created_at FROM blocks WHERE account_id = ?`,
		"id", []any{accountID}, p)
	out := []*storage.Block{}
	err := db.eachRow(ctx, q, args, func(s scanner) error {
		var b storage.Block
		var created int64
		err := s.Scan(&b.ID, &b.AccountID, &b.TargetAccountID, &b.URI, &created)
		b.CreatedAt = fromMS(created)
		out = append(out, &b)
		return err
	})
	if p.MinID > 0 {
		slices.Reverse(out)
	}
	return out, wrap("list blocks", err)
}

// KnownDomains lists the remote domains this instance knows accounts of.
func (db *DB) KnownDomains(ctx context.Context) ([]string, error) {
	out := []string{}
	err := db.eachRow(ctx, `SELECT DISTINCT lower(domain) FROM accounts WHERE domain <> '' AND deleted_at = 0 ORDER BY 1`, nil,
		func(s scanner) error {
			var d string
			err := s.Scan(&d)
			out = append(out, d)
			return err
		})
	return out, wrap("known domains", err)
}

// ids runs a query selecting one integer column.
func (db *DB) ids(ctx context.Context, op, q string, args ...any) ([]int64, error) {
	out := []int64{}
	err := db.eachRow(ctx, q, args, func(s scanner) error {
		var id int64
		err := s.Scan(&id)
		out = append(out, id)
		return err
	})
	return out, wrap(op, err)
}

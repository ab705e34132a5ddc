// Package sqlite is Rounds' default storage backend: one SQLite file in WAL
// mode, one writer connection and a pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/mattn/go-sqlite3"
	"github.com/pressly/goose/v3"

	"github.com/rounds-social/rounds/storage"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB implements storage.Store on SQLite.
type DB struct {
	writer *sql.DB
	reader *sql.DB
	// w and r are what queries run on: the pools, or one transaction for both.
	w, r querier
	tx   bool
}

var _ storage.Store = (*DB)(nil)

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Open opens (creating if needed) the database at path and applies pending
// migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("open database %s: create directory: %w", path, err)
		}
	}
	// synchronous=NORMAL in WAL mode survives a process crash (kill -9) with
	// nothing lost; only an OS crash or power cut can drop the last commits.
	// _txlock=immediate takes the write lock at BEGIN, so two writers never
	// deadlock upgrading read locks.
	params := "_journal_mode=WAL&_foreign_keys=on&_busy_timeout=10000&_synchronous=NORMAL&_txlock=immediate"
	w, err := sql.Open("sqlite3", "file:"+escapePath(path)+"?"+params)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// SQLite allows one writer at a time: one connection serialises writes in
	// Go instead of making them wait on the busy timeout.
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := migrate(ctx, w); err != nil {
		w.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	r, err := sql.Open("sqlite3", "file:"+escapePath(path)+"?_foreign_keys=on&_busy_timeout=10000&_query_only=true")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, 2*runtime.NumCPU()))
	r.SetMaxIdleConns(max(4, 2*runtime.NumCPU()))
	return &DB{writer: w, reader: r, w: w, r: r}, nil
}

func escapePath(p string) string {
	return (&url.URL{Path: p}).EscapedPath()
}

func migrate(ctx context.Context, db *sql.DB) error {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// SchemaVersion reports the newest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	sub, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db.writer, sub)
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// Close closes both pools.
func (db *DB) Close() error {
	if db.tx {
		return errors.New("close called inside a transaction")
	}
	return errors.Join(db.reader.Close(), db.writer.Close())
}

// Tx runs fn in one write transaction. Nested calls join the outer one.
func (db *DB) Tx(ctx context.Context, fn func(storage.Store) error) error {
	if db.tx {
		return fn(db)
	}
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", mapErr(err))
	}
	// Deferred so that a panic (recovered further up by the HTTP server) or
	// runtime.Goexit also rolls back: otherwise the transaction would hold
	// the only writer connection forever. After Commit it is a no-op.
	defer func() { _ = tx.Rollback() }()
	inner := &DB{writer: db.writer, reader: db.reader, w: tx, r: tx, tx: true}
	if err := fn(inner); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	return nil
}

// ms converts a time to the stored form: Unix milliseconds, 0 for zero.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS is the inverse of ms.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// mapErr turns driver errors into storage's sentinel errors.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return storage.ErrNotFound
	}
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint &&
		(se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey) {
		return fmt.Errorf("%w: %v", storage.ErrConflict, err)
	}
	return err
}

// wrap adds context to an error after mapping it.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, mapErr(err))
}

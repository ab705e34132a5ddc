// Package postgres is Rounds' backend for health systems that outgrow one
// machine: the same storage.Store on PostgreSQL, through pgx's database/sql
// adapter. Tables, column names and the time representation (BIGINT Unix
// milliseconds, 0 for unset; booleans as 0/1) are those of storage/sqlite, so
// rows move between the two one to one.
//
// The query text is shared in spirit with storage/sqlite: queries are written
// with SQLite's ? and ?N placeholders and rebound to $N before they reach the
// server (see rebind), so the two backends stay easy to compare line by line.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/rounds-social/rounds/storage"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB implements storage.Store on PostgreSQL.
type DB struct {
	pool *sql.DB
	// w and r are what queries run on: the pool, or one transaction for both.
	// They are separate names only so the code reads like storage/sqlite's.
	w, r querier
	tx   bool
	// dsn and channel are for the event bus (events.go): its listener's
	// own connection and the NOTIFY channel of this schema.
	dsn, channel string
	// node holds this process's ID node lease (idnode.go); nil inside Tx.
	node *sql.Conn
}

var _ storage.Store = (*DB)(nil)

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// rebound rewrites SQLite-style placeholders before handing a query on.
type rebound struct{ q querier }

func (b rebound) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return b.q.ExecContext(ctx, rebind(query), args...)
}

func (b rebound) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return b.q.QueryContext(ctx, rebind(query), args...)
}

func (b rebound) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return b.q.QueryRowContext(ctx, rebind(query), args...)
}

// Open connects to the database at dsn (a postgres:// URL or a libpq
// key=value string) and applies pending migrations.
func Open(ctx context.Context, dsn string) (*DB, error) {
	name := redact(dsn)
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", name, err)
	}
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(8)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database %s: %w", name, err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("migrate database %s: %w", name, err)
	}
	var schema string
	if err := pool.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database %s: %w", name, err)
	}
	node, err := leaseIDNode(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("open database %s: %w", name, err)
	}
	return &DB{pool: pool, w: rebound{pool}, r: rebound{pool}, dsn: dsn, channel: eventChannel(schema), node: node}, nil
}

// redact drops the password from a URL for error messages and logs.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "(postgres)"
	}
	return u.Redacted()
}

func provider(pool *sql.DB, opts ...goose.ProviderOption) (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, pool, sub, opts...)
}

// migrate applies pending migrations under goose's PostgreSQL advisory
// lock: replicas starting together would otherwise run the same migration
// at once and one of them fail (found by starting two replicas).
func migrate(ctx context.Context, pool *sql.DB) error {
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return err
	}
	p, err := provider(pool, goose.WithSessionLocker(locker))
	if err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// SchemaVersion reports the newest applied migration.
func (db *DB) SchemaVersion(ctx context.Context) (int64, error) {
	p, err := provider(db.pool)
	if err != nil {
		return 0, err
	}
	return p.GetDBVersion(ctx)
}

// Close closes the pool.
func (db *DB) Close() error {
	if db.tx {
		return errors.New("close called inside a transaction")
	}
	if db.node != nil {
		_ = db.node.Close()
	}
	return db.pool.Close()
}

// Tx runs fn in one transaction. Nested calls join the outer one.
func (db *DB) Tx(ctx context.Context, fn func(storage.Store) error) error {
	if db.tx {
		return fn(db)
	}
	tx, err := db.pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", mapErr(err))
	}
	// Deferred so that a panic (recovered further up by the HTTP server) or
	// runtime.Goexit also rolls back and returns the connection. After
	// Commit it is a no-op.
	defer func() { _ = tx.Rollback() }()
	inner := &DB{pool: db.pool, w: rebound{tx}, r: rebound{tx}, tx: true, dsn: db.dsn, channel: db.channel}
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

// SQLSTATE codes mapErr knows.
const (
	uniqueViolation = "23505"
)

// mapErr turns driver errors into storage's sentinel errors.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return storage.ErrNotFound
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == uniqueViolation {
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

package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/storetest"
)

// serverURL is the PostgreSQL server the tests use. Developers without one
// skip these tests; in CI (.ci/run starts a server) a missing URL fails.
func serverURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv("ROUNDS_TEST_POSTGRES")
	if u == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("set ROUNDS_TEST_POSTGRES (CI starts PostgreSQL)")
		}
		t.Skip("set ROUNDS_TEST_POSTGRES=postgres://… to run the PostgreSQL tests (.ci/run starts a server)")
	}
	return u
}

// freshSchema creates an empty schema for one test, dropped when it ends,
// and returns a URL whose connections use it. citext lives in public, which
// stays on the search path.
func freshSchema(t *testing.T) string {
	t.Helper()
	base := serverURL(t)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS citext SCHEMA public`); err != nil {
		// Two test binaries racing to create it: one wins, which is all we need.
		if !strings.Contains(err.Error(), "already exists") {
			t.Fatalf("create extension citext: %v", err)
		}
	}
	buf := make([]byte, 6)
	rand.Read(buf)
	schema := "rounds_test_" + hex.EncodeToString(buf)
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("ROUNDS_TEST_POSTGRES: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t *testing.T, dsn string) *DB {
	t.Helper()
	db, err := Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

func TestStore(t *testing.T) {
	serverURL(t)
	storetest.Run(t, func(t *testing.T) storage.Store {
		return open(t, freshSchema(t))
	})
}

// TestMigrationsInStep holds the two backends' migrations to the same
// numbered files, so a schema change to one is not forgotten in the other.
func TestMigrationsInStep(t *testing.T) {
	names := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".sql") {
				out = append(out, e.Name())
			}
		}
		return out
	}
	ours, theirs := names("migrations"), names("../sqlite/migrations")
	if strings.Join(ours, "\n") != strings.Join(theirs, "\n") {
		t.Errorf("storage/postgres/migrations and storage/sqlite/migrations differ:\npostgres: %v\nsqlite:   %v", ours, theirs)
	}
}

func newestMigration(t *testing.T) int64 {
	t.Helper()
	entries, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	var newest int64
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			t.Fatalf("migrations/%s: want NNNNN_name.sql", e.Name())
		}
		newest = max(newest, v)
	}
	return newest
}

func TestMigrateAndReopen(t *testing.T) {
	ctx := t.Context()
	dsn := freshSchema(t)
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := newestMigration(t); v != want {
		t.Errorf("SchemaVersion = %d, want %d", v, want)
	}
	a := &storage.Account{Username: "alice", URI: "https://rounds.example/users/alice"}
	if err := db.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	// An upgrade restart: nothing to migrate must not be an error.
	db = open(t, dsn)
	got, err := db.AccountByUsername(ctx, "ALICE", "")
	if err != nil {
		t.Fatalf("account after reopening (case-insensitive username): %v", err)
	}
	if got.ID != a.ID {
		t.Errorf("account after reopening = %+v", got)
	}
	if after, err := db.SchemaVersion(ctx); err != nil || after != v {
		t.Errorf("SchemaVersion after reopen = %d, %v; want %d", after, err, v)
	}
}

func TestOpenBadURLHidesPassword(t *testing.T) {
	_, err := Open(t.Context(), "postgres://rounds:s3cret@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if err == nil {
		t.Fatal("Open of an unreachable server succeeded")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %q shows the password", err)
	}
}

func TestCloseInsideTx(t *testing.T) {
	db := open(t, freshSchema(t))
	if err := db.Tx(t.Context(), func(tx storage.Store) error { return tx.Close() }); err == nil {
		t.Error("Close inside Tx succeeded")
	}
}

func TestRebind(t *testing.T) {
	for in, want := range map[string]string{
		`SELECT 1`:                              `SELECT 1`,
		`a = ? AND b = ?`:                       `a = $1 AND b = $2`,
		`a = ?2 OR b = ?1 OR c LIKE ?2`:         `a = $2 OR b = $1 OR c LIKE $2`,
		`x LIKE ? ESCAPE '\' AND y = '?' AND ?`: `x LIKE $1 ESCAPE '\' AND y = '?' AND $2`,
		"-- what?\nSELECT ?":                    "-- what?\nSELECT $1",
		`SELECT ?::bigint, "a?" FROM t`:         `SELECT $1::bigint, "a?" FROM t`,
	} {
		if got := rebindUncached(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMigrateDownAndUp checks every Down section runs and leaves a schema
// the Up sections can build again.
func TestMigrateDownAndUp(t *testing.T) {
	ctx := t.Context()
	db := open(t, freshSchema(t))
	p, err := provider(db.pool)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 0); err != nil {
		t.Fatalf("down: %v", err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
}

// Replicas start together: concurrent Opens of one empty schema must all
// succeed (migrations run under an advisory lock), not race each other.
func TestConcurrentOpensMigrateOnce(t *testing.T) {
	url := freshSchema(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			db, err := Open(t.Context(), url)
			if err == nil {
				db.Close()
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent open: %v", err)
		}
	}
}

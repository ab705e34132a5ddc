// Package testdb gives tests a fresh, empty Store on the backend the test
// run asks for, so the same tests run on SQLite and on PostgreSQL:
//
//	go test ./...                                  SQLite files in t.TempDir()
//	ROUNDS_TEST_BACKEND=postgres go test ./web/... a fresh schema per test on ROUNDS_TEST_POSTGRES
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, for creating schemas

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/postgres"
	"github.com/rounds-social/rounds/storage/sqlite"
)

// Postgres reports whether this run uses PostgreSQL.
func Postgres() bool { return os.Getenv("ROUNDS_TEST_BACKEND") == "postgres" }

// Open returns a fresh store, closed when the test ends.
func Open(t testing.TB) storage.Store {
	t.Helper()
	var (
		st  storage.Store
		err error
	)
	if Postgres() {
		st, err = postgres.Open(context.Background(), Schema(t))
	} else {
		st, err = sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "rounds.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Schema creates an empty PostgreSQL schema for one test, dropped when it
// ends, and returns a URL whose connections use it. Without
// ROUNDS_TEST_POSTGRES the test fails in CI and is skipped elsewhere.
func Schema(t testing.TB) string {
	t.Helper()
	base := os.Getenv("ROUNDS_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("set ROUNDS_TEST_POSTGRES (CI starts PostgreSQL)")
		}
		t.Skip("set ROUNDS_TEST_POSTGRES=postgres://… to run on PostgreSQL")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS citext SCHEMA public`); err != nil && !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("create extension citext: %v", err)
	}
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	schema := "rounds_test_" + hex.EncodeToString(buf)
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { _, _ = admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`) })
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

package sqlite

import (
	"bytes"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mattn/go-sqlite3"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storage.Store {
		return open(t, filepath.Join(t.TempDir(), "rounds.db"))
	})
}

func open(t *testing.T, path string) *DB {
	t.Helper()
	db, err := Open(t.Context(), path)
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

// newestMigration reads the migrations folder itself rather than the
// embedded copy, so a file the embed pattern misses fails the test.
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
	if newest == 0 {
		t.Fatal("no migrations found")
	}
	return newest
}

func TestMigrateEmptyFile(t *testing.T) {
	// A new install: the directory does not exist yet either.
	path := filepath.Join(t.TempDir(), "data", "rounds.db")
	db := open(t, path)
	v, err := db.SchemaVersion(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if want := newestMigration(t); v != want {
		t.Errorf("SchemaVersion = %d, want %d", v, want)
	}
}

func TestReopenExisting(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "rounds.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a := &storage.Account{Username: "alice", URI: "https://rounds.example/users/alice"}
	if err := db.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	before, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// An upgrade restart: nothing to migrate must not be an error.
	db = open(t, path)
	got, err := db.Account(ctx, a.ID)
	if err != nil {
		t.Fatalf("account after reopening: %v", err)
	}
	if got.Username != "alice" {
		t.Errorf("account after reopening = %+v", got)
	}
	after, err := db.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("SchemaVersion changed on reopen: %d, then %d", before, after)
	}
}

func TestOpenPathNeedingEscapes(t *testing.T) {
	// The path goes into a file: URI; characters that mean something there
	// must reach the file system unchanged.
	dir := filepath.Join(t.TempDir(), "Rounds Data 100%", "a?b#c")
	path := filepath.Join(dir, "rounds.db")
	open(t, path)
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not created at %s: %v", path, err)
	}
}

func TestOpenNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rounds.db")
	garbage := bytes.Repeat([]byte("this is a config file, not a database\n"), 200)
	if err := os.WriteFile(path, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := Open(t.Context(), path)
	if err == nil {
		db.Close()
		t.Fatal("Open of a file that is not a database succeeded")
	}
	// The operator should learn which file and what is wrong with it.
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "not a database") {
		t.Errorf("error %q should name the file and say it is not a database", msg)
	}
	var se sqlite3.Error
	if !errors.As(err, &se) || se.Code != sqlite3.ErrNotADB {
		t.Errorf("error %v does not wrap SQLITE_NOTADB", err)
	}
	// And the file must be left as it was: it may be someone's data.
	if after, err := os.ReadFile(path); err != nil || !bytes.Equal(after, garbage) {
		t.Errorf("Open modified the file (err %v)", err)
	}
}

func TestPragmas(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "rounds.db")
	db := open(t, path)

	// journal_mode is a property of the file: any new connection sees it.
	other, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var mode string
	if err := other.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}

	// foreign_keys is per connection, so a separate connection cannot see
	// ours: ask the store's own pools, then check it bites.
	for name, pool := range map[string]*sql.DB{"writer": db.writer, "reader": db.reader} {
		var on int
		if err := pool.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil {
			t.Fatal(err)
		}
		if on != 1 {
			t.Errorf("%s: foreign_keys = %d, want 1", name, on)
		}
	}
	var queryOnly int
	if err := db.reader.QueryRowContext(ctx, "PRAGMA query_only").Scan(&queryOnly); err != nil {
		t.Fatal(err)
	}
	if queryOnly != 1 {
		t.Errorf("reader: query_only = %d, want 1", queryOnly)
	}
	orphan := &storage.Status{URI: "https://rounds.example/statuses/1", AccountID: storage.NewID(), Visibility: storage.VisibilityPublic}
	if err := db.CreateStatus(ctx, orphan); err == nil {
		t.Error("a status of a missing account was stored: foreign keys are off")
	}
}

func TestCloseInsideTx(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "rounds.db"))
	err := db.Tx(t.Context(), func(tx storage.Store) error { return tx.Close() })
	if err == nil {
		t.Error("Close inside Tx succeeded")
	}
}

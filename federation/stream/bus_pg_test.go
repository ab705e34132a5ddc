package stream_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation/stream"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/postgres"
)

// freshSchema: an empty PostgreSQL schema for one test (see storage/postgres).
func freshSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv("ROUNDS_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("set ROUNDS_TEST_POSTGRES (CI starts PostgreSQL)")
		}
		t.Skip("set ROUNDS_TEST_POSTGRES=postgres://… to run the PostgreSQL tests")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	if _, err := admin.Exec(`CREATE EXTENSION IF NOT EXISTS citext SCHEMA public`); err != nil && !strings.Contains(err.Error(), "already exists") {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	rand.Read(buf)
	schema := "rounds_test_" + hex.EncodeToString(buf)
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}

func openPG(t *testing.T, dsn string) *postgres.DB {
	t.Helper()
	db, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// listen starts s's listener and waits until it listens.
func listen(t *testing.T, s *stream.Store) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Listen(ctx, func() {
			select {
			case ready <- struct{}{}:
			default:
			}
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("listener not ready in 10s")
	}
}

func next(t *testing.T, sub *stream.Sub, wait time.Duration) (stream.Event, bool) {
	t.Helper()
	select {
	case ev, ok := <-sub.C:
		return ev, ok
	case <-time.After(wait):
		return stream.Event{}, false
	}
}

// TestEventsCrossProcesses: two stores (two processes' worth: own pools,
// hubs and listeners) on one schema; a write through the second reaches the
// first's subscribers once, on commit only, and the writer's own
// subscribers are not sent it twice.
func TestEventsCrossProcesses(t *testing.T) {
	dsn := freshSchema(t)
	hub1, hub2 := stream.NewHub(), stream.NewHub()
	s1 := stream.Wrap(openPG(t, dsn), hub1)
	s2 := stream.Wrap(openPG(t, dsn), hub2)
	if !s1.Shared() || !s2.Shared() {
		t.Fatal("a PostgreSQL store is not shared")
	}
	listen(t, s1)
	listen(t, s2)
	sub1, sub2 := hub1.Subscribe(100), hub2.Subscribe(100)
	ctx := t.Context()

	a := &storage.Account{Username: "alice", URI: "https://rounds.example/users/alice"}
	if err := s2.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	// A rolled-back transaction sends nothing.
	errBoom := errors.New("boom")
	err := s2.Tx(ctx, func(tx storage.Store) error {
		st := &storage.Status{URI: "https://rounds.example/s/rolled-back", AccountID: a.ID, Visibility: storage.VisibilityPublic, Local: true, Content: "<p>no</p>"}
		if err := tx.CreateStatus(ctx, st); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatal(err)
	}
	var st *storage.Status
	if err := s2.Tx(ctx, func(tx storage.Store) error {
		st = &storage.Status{URI: "https://rounds.example/s/1", AccountID: a.ID, Visibility: storage.VisibilityPublic, Local: true, Content: "<p>hello</p>"}
		if err := tx.CreateStatus(ctx, st); err != nil {
			return err
		}
		return tx.AddToHome(ctx, []int64{a.ID}, st.ID)
	}); err != nil {
		t.Fatal(err)
	}
	ev, ok := next(t, sub1, 10*time.Second)
	if !ok || ev.Kind != stream.Update || ev.StatusID != st.ID || !ev.Public {
		t.Fatalf("first event on the other process = %+v, %v; want the public update of %d", ev, ok, st.ID)
	}
	ev, ok = next(t, sub1, 10*time.Second)
	if !ok || ev.StatusID != st.ID || len(ev.Home) != 1 || ev.Home[0] != a.ID {
		t.Fatalf("second event on the other process = %+v, %v; want the home update", ev, ok)
	}
	// The writer's hub: the two events once each.
	for i := 0; i < 2; i++ {
		if ev, ok := next(t, sub2, time.Second); !ok || ev.StatusID != st.ID {
			t.Fatalf("writer's own event %d = %+v, %v", i, ev, ok)
		}
	}
	// Outside a transaction too; then nothing else arrives (no echo, no
	// rolled-back post).
	if err := s2.DeleteStatus(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	ev, ok = next(t, sub1, 10*time.Second)
	if !ok || ev.Kind != stream.Delete || ev.Snapshot == nil || ev.Snapshot.ID != st.ID {
		t.Fatalf("delete on the other process = %+v, %v", ev, ok)
	}
	if ev, ok := next(t, sub2, time.Second); !ok || ev.Kind != stream.Delete {
		t.Fatalf("writer's own delete = %+v, %v", ev, ok)
	}
	if ev, ok := next(t, sub1, 500*time.Millisecond); ok {
		t.Errorf("unexpected event on the other process: %+v", ev)
	}
	if ev, ok := next(t, sub2, 500*time.Millisecond); ok {
		t.Errorf("the writer heard its own event twice: %+v", ev)
	}
}

// TestLargeFanOutEventSplit: a home fan-out to thousands of accounts is
// split into payloads NOTIFY takes, and all of them arrive.
func TestLargeFanOutEventSplit(t *testing.T) {
	dsn := freshSchema(t)
	hub1 := stream.NewHub()
	s1 := stream.Wrap(openPG(t, dsn), hub1)
	s2 := stream.Wrap(openPG(t, dsn), stream.NewHub())
	listen(t, s1)
	sub := hub1.Subscribe(1000)
	ctx := t.Context()
	a := &storage.Account{Username: "alice", URI: "https://rounds.example/users/alice"}
	if err := s2.CreateAccount(ctx, a); err != nil {
		t.Fatal(err)
	}
	ids := []int64{a.ID}
	for i := 0; i < 1500; i++ {
		b := &storage.Account{Username: fmt.Sprintf("u%d", i), URI: fmt.Sprintf("https://rounds.example/users/u%d", i)}
		if err := s2.CreateAccount(ctx, b); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, b.ID)
	}
	st := &storage.Status{URI: "https://rounds.example/s/1", AccountID: a.ID, Visibility: storage.VisibilityUnlisted, Local: true, Content: "<p>hi</p>"}
	if err := s2.Tx(ctx, func(tx storage.Store) error {
		if err := tx.CreateStatus(ctx, st); err != nil {
			return err
		}
		return tx.AddToHome(ctx, ids, st.ID)
	}); err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	for len(got) < len(ids) {
		ev, ok := next(t, sub, 10*time.Second)
		if !ok {
			t.Fatalf("got home events for %d of %d accounts", len(got), len(ids))
		}
		for _, id := range ev.Home {
			got[id] = true
		}
	}
}

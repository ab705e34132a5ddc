package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

var errBoom = errors.New("boom")

// writeAll makes one write of each kind a federation transaction does
// (post, fan-out, notification, deliveries, inbox) and returns the account.
func writeAll(t *testing.T, tx storage.Store, name string) *storage.Account {
	t.Helper()
	ctx := t.Context()
	a := localAccount(t, tx, name)
	st := post(t, tx, a, func(st *storage.Status) { st.MentionIDs, st.Tags = []int64{a.ID}, []string{"tx"} })
	must(t, tx.AddToHome(ctx, []int64{a.ID}, st.ID))
	must(t, tx.CreateNotification(ctx, &storage.Notification{AccountID: a.ID, FromAccountID: a.ID, Type: storage.NotifyMention, StatusID: st.ID}))
	must(t, tx.EnqueueDeliveries(ctx, []*storage.DeliveryJob{job("create-"+name, "https://a.example/inbox", base)}))
	must(t, tx.EnqueueInbox(ctx, &storage.InboxItem{ActivityID: "in-" + name, ActorURI: "x", Body: []byte(`{}`)}))
	// Reads inside the transaction see its own writes.
	if _, err := tx.Status(ctx, st.ID); err != nil {
		t.Errorf("read inside Tx: %v", err)
	}
	return a
}

// checkGone asserts nothing writeAll wrote for name survived.
func checkGone(t *testing.T, s storage.Store, names ...string) {
	t.Helper()
	ctx := t.Context()
	for _, name := range names {
		_, err := s.AccountByUsername(ctx, name, "")
		wantErr(t, "account "+name+" after rollback", err, storage.ErrNotFound)
	}
	list, err := s.Public(ctx, false, false, storage.Page{})
	must(t, err)
	checkIDs(t, "statuses after rollback", list, statusID)
	countDeliveries(t, s, map[string]int{storage.JobPending: 0})
	countInbox(t, s, map[string]int{storage.JobPending: 0})
}

var txTests = []test{
	{"Commit", func(t *testing.T, s storage.Store) {
		var a *storage.Account
		must(t, s.Tx(t.Context(), func(tx storage.Store) error {
			a = writeAll(t, tx, "alice")
			return nil
		}))
		if _, err := s.Account(t.Context(), a.ID); err != nil {
			t.Errorf("account after commit: %v", err)
		}
		countDeliveries(t, s, map[string]int{storage.JobPending: 1})
		countInbox(t, s, map[string]int{storage.JobPending: 1})
	}},
	{"ErrorRollsBack", func(t *testing.T, s storage.Store) {
		err := s.Tx(t.Context(), func(tx storage.Store) error {
			writeAll(t, tx, "alice")
			return fmt.Errorf("apply activity: %w", errBoom)
		})
		if !errors.Is(err, errBoom) {
			t.Fatalf("Tx error = %v, want fn's error", err)
		}
		checkGone(t, s, "alice")
	}},
	{"NestedJoins", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		// Inner succeeds, outer fails: the inner writes are part of the outer
		// transaction and go with it.
		err := s.Tx(ctx, func(tx storage.Store) error {
			writeAll(t, tx, "alice")
			must(t, tx.Tx(ctx, func(inner storage.Store) error {
				writeAll(t, inner, "bob")
				return nil
			}))
			return errBoom
		})
		wantErr(t, "outer Tx", err, errBoom)
		checkGone(t, s, "alice", "bob")

		// Inner fails: its error reaches the caller and nothing is kept.
		err = s.Tx(ctx, func(tx storage.Store) error {
			writeAll(t, tx, "carol")
			return tx.Tx(ctx, func(inner storage.Store) error {
				writeAll(t, inner, "dave")
				return errBoom
			})
		})
		wantErr(t, "inner Tx", err, errBoom)
		checkGone(t, s, "carol", "dave")

		must(t, s.Tx(ctx, func(tx storage.Store) error {
			writeAll(t, tx, "erin")
			return tx.Tx(ctx, func(inner storage.Store) error {
				writeAll(t, inner, "frank")
				return nil
			})
		}))
		for _, name := range []string{"erin", "frank"} {
			if _, err := s.AccountByUsername(ctx, name, ""); err != nil {
				t.Errorf("%s after nested commit: %v", name, err)
			}
		}
	}},
	{"PanicRollsBack", func(t *testing.T, s storage.Store) {
		// The HTTP server recovers handler panics and keeps serving, so a
		// panic inside Tx must not leave the transaction (and the write
		// lock) open behind it.
		var recovered any
		func() {
			defer func() { recovered = recover() }()
			_ = s.Tx(t.Context(), func(tx storage.Store) error {
				writeAll(t, tx, "alice")
				panic(errBoom)
			})
		}()
		if recovered != errBoom {
			t.Errorf("recovered %v, want the panic to propagate out of Tx", recovered)
		}
		// Without the rollback the next write would wait for the lock forever.
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		err := s.Tx(ctx, func(tx storage.Store) error {
			return tx.CreateAccount(ctx, &storage.Account{Username: "bob", URI: "https://rounds.example/users/bob"})
		})
		if err != nil {
			t.Fatalf("write after a panic in Tx: %v", err)
		}
		checkGone(t, s, "alice")
	}},
	{"ConcurrentWriters", func(t *testing.T, s storage.Store) {
		// Inbox and delivery workers write at the same time; none may fail
		// with a busy or deadlock error.
		ctx := t.Context()
		alice := localAccount(t, s, "alice")
		const workers, each = 8, 25
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					errs <- s.Tx(ctx, func(tx storage.Store) error {
						id := storage.NewID()
						st := &storage.Status{ID: id, URI: fmt.Sprintf("https://rounds.example/statuses/%d", id),
							AccountID: alice.ID, Visibility: storage.VisibilityPublic, Local: true}
						if err := tx.CreateStatus(ctx, st); err != nil {
							return err
						}
						return tx.EnqueueDeliveries(ctx, []*storage.DeliveryJob{job(fmt.Sprintf("w%d-%d", w, i), "https://a.example/inbox", base)})
					})
					if _, err := s.AccountStatuses(ctx, alice.ID, []string{storage.VisibilityPublic}, storage.Page{Limit: 5}); err != nil {
						errs <- err
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.CountLocalStatuses(ctx)
		must(t, err)
		countDeliveries(t, s, map[string]int{storage.JobPending: workers * each})
		if n != workers*each {
			t.Errorf("CountLocalStatuses = %d, want %d", n, workers*each)
		}
	}},
}

// Package storetest is the behaviour every storage.Store backend must have,
// written once so that storage/sqlite and a later storage/postgres are held to
// the same contract. A backend's test calls Run with a function that opens a
// fresh, empty store.
package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// Run runs the whole suite. open is called once per subtest and must return
// an empty, migrated store; it should close the store in t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) storage.Store) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"Accounts", accountTests},
		{"Users", userTests},
		{"OAuth", oauthTests},
		{"Keys", keyTests},
		{"Domains", domainTests},
		{"Statuses", statusTests},
		{"Follows", followTests},
		{"Interactions", interactionTests},
		{"Notifications", notificationTests},
		{"Timelines", timelineTests},
		{"Deliveries", deliveryTests},
		{"Inbox", inboxTests},
		{"Tx", txTests},
		{"AccountExtras", accountExtraTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
			}
		})
	}
}

type test struct {
	name string
	fn   func(t *testing.T, s storage.Store)
}

// base is a fixed instant for tests that pass explicit times, so queue
// leases and backoffs are checked without sleeping.
var base = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantErr checks err wraps target (storage.ErrNotFound, storage.ErrConflict):
// callers branch on errors.Is, so the wrapping is part of the contract.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error = %v, want %v", what, err, target)
	}
}

// sameTime compares instants at the coarsest precision a backend may keep:
// SQLite stores milliseconds, PostgreSQL microseconds.
func sameTime(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return a.IsZero() && b.IsZero()
	}
	d := a.Sub(b)
	return d > -time.Millisecond && d < time.Millisecond
}

// checkEqual compares two structs field by field, time fields with
// sameTime, everything else exactly (so nil and empty lists differ: lists
// read from the store are never nil).
func checkEqual[T any](t *testing.T, what string, got, want *T) {
	t.Helper()
	if got == nil || want == nil {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
	g, w := *got, *want
	gv, wv := reflect.ValueOf(&g).Elem(), reflect.ValueOf(&w).Elem()
	for i := range gv.NumField() {
		gt, ok := gv.Field(i).Interface().(time.Time)
		if !ok {
			continue
		}
		wt := wv.Field(i).Interface().(time.Time)
		if !sameTime(gt, wt) {
			t.Errorf("%s: %s = %v, want %v", what, gv.Type().Field(i).Name, gt, wt)
		}
		gv.Field(i).Set(wv.Field(i))
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
	}
}

// checkIDs compares the IDs of a list read from the store, in order.
func checkIDs[T any](t *testing.T, what string, list []T, id func(T) int64, want ...int64) {
	t.Helper()
	if list == nil {
		t.Errorf("%s: nil list, want an empty slice", what)
	}
	got := make([]int64, len(list))
	for i, v := range list {
		got[i] = id(v)
	}
	if want == nil {
		want = []int64{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: ids %v, want %v", what, got, want)
	}
}

func statusID(s *storage.Status) int64             { return s.ID }
func followID(f *storage.Follow) int64             { return f.ID }
func notificationID(n *storage.Notification) int64 { return n.ID }
func accountID(a *storage.Account) int64           { return a.ID }

// localAccount creates a local account the way the admin CLI would.
func localAccount(t *testing.T, s storage.Store, username string) *storage.Account {
	t.Helper()
	uri := "https://rounds.example/users/" + username
	a := &storage.Account{
		Username: username, DisplayName: username, URI: uri, URL: "https://rounds.example/@" + username,
		InboxURI: uri + "/inbox", OutboxURI: uri + "/outbox", SharedInboxURI: "https://rounds.example/inbox",
		FollowersURI: uri + "/followers", FollowingURI: uri + "/following",
		PublicKeyID: uri + "#main-key", PublicKeyPEM: "PUBLIC " + username, PrivateKeyPEM: "PRIVATE " + username,
		Discoverable: true, Fields: []storage.Field{},
	}
	must(t, s.CreateAccount(t.Context(), a))
	return a
}

// remoteAccount creates a remote actor on domain; sharedInbox may be "".
func remoteAccount(t *testing.T, s storage.Store, username, domain, sharedInbox string) *storage.Account {
	t.Helper()
	uri := "https://" + domain + "/users/" + username
	a := &storage.Account{
		Username: username, Domain: domain, URI: uri, URL: "https://" + domain + "/@" + username,
		InboxURI: uri + "/inbox", SharedInboxURI: sharedInbox, PublicKeyID: uri + "#main-key",
		PublicKeyPEM: "PUBLIC " + username, Discoverable: true, FetchedAt: base, Fields: []storage.Field{},
	}
	must(t, s.CreateAccount(t.Context(), a))
	return a
}

// post creates a public status by author; edit adjusts it before the insert.
func post(t *testing.T, s storage.Store, author *storage.Account, edit func(*storage.Status)) *storage.Status {
	t.Helper()
	id := storage.NewID()
	host := "rounds.example"
	if !author.Local() {
		host = author.Domain
	}
	st := &storage.Status{
		ID: id, URI: fmt.Sprintf("https://%s/statuses/%d", host, id), AccountID: author.ID,
		Content: "<p>hello</p>", Visibility: storage.VisibilityPublic, Local: author.Local(),
		MentionIDs: []int64{}, Tags: []string{},
	}
	if edit != nil {
		edit(st)
	}
	must(t, s.CreateStatus(t.Context(), st))
	return st
}

package postgres

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// stFixture is a fresh database with two accounts.
type stFixture struct {
	t          *testing.T
	db         *DB
	alice, bob *storage.Account
}

func newSTFixture(t *testing.T) *stFixture {
	t.Helper()
	f := &stFixture{t: t, db: open(t, freshSchema(t))}
	f.alice, f.bob = f.account("alice", ""), f.account("bob", "remote.example")
	return f
}

func (f *stFixture) account(name, domain string) *storage.Account {
	f.t.Helper()
	a := &storage.Account{ID: storage.NewID(), Username: name, Domain: domain, URI: "https://" + domain + "/users/" + name,
		CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := f.db.CreateAccount(f.t.Context(), a); err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *stFixture) status(author *storage.Account, vis string, tags ...string) *storage.Status {
	f.t.Helper()
	s := &storage.Status{ID: storage.NewID(), AccountID: author.ID, Visibility: vis, Content: "<p>v1</p>", Text: "v1",
		Local: author.Local(), Tags: tags, CreatedAt: time.Now().UTC()}
	s.URI = author.URI + "/statuses/" + storage.FormatID(s.ID)
	if err := f.db.CreateStatus(f.t.Context(), s); err != nil {
		f.t.Fatal(err)
	}
	return s
}

func savedIDs(list []storage.Saved) []int64 {
	out := make([]int64, len(list))
	for i, s := range list {
		out[i] = s.Status.ID
	}
	return out
}

func TestBookmarks(t *testing.T) {
	f := newSTFixture(t)
	ctx := t.Context()
	s1, s2, s3 := f.status(f.bob, "public"), f.status(f.bob, "public"), f.status(f.bob, "public")
	// Bookmarked out of posting order: the list follows the bookmarks.
	for _, s := range []*storage.Status{s2, s1, s3, s2} {
		if err := f.db.CreateBookmark(ctx, f.alice.ID, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	list, err := f.db.Bookmarks(ctx, f.alice.ID, storage.Page{Limit: 10})
	if err != nil || !slices.Equal(savedIDs(list), []int64{s3.ID, s1.ID, s2.ID}) {
		t.Fatalf("bookmarks %v, %v; want s3 s1 s2 (re-bookmarking keeps the first)", savedIDs(list), err)
	}
	page, _ := f.db.Bookmarks(ctx, f.alice.ID, storage.Page{Limit: 1, MaxID: list[0].ID})
	older, _ := f.db.Bookmarks(ctx, f.alice.ID, storage.Page{Limit: 1, MinID: list[2].ID})
	if !slices.Equal(savedIDs(page), []int64{s1.ID}) || !slices.Equal(savedIDs(older), []int64{s1.ID}) {
		t.Errorf("max_id page %v, min_id page %v; want [s1] both", savedIDs(page), savedIDs(older))
	}
	if ok, _ := f.db.Bookmarked(ctx, f.alice.ID, s1.ID); !ok {
		t.Error("s1 not bookmarked")
	}
	if err := f.db.DeleteBookmark(ctx, f.alice.ID, s1.ID); err != nil {
		t.Fatal(err)
	}
	if ok, _ := f.db.Bookmarked(ctx, f.alice.ID, s1.ID); ok {
		t.Error("s1 still bookmarked")
	}
	if err := f.db.DeleteStatus(ctx, s3.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := f.db.Bookmarks(ctx, f.alice.ID, storage.Page{Limit: 10}); !slices.Equal(savedIDs(list), []int64{s2.ID}) {
		t.Errorf("after unbookmark and delete: %v", savedIDs(list))
	}
}

func TestFavouritesAndInteractors(t *testing.T) {
	f := newSTFixture(t)
	ctx := t.Context()
	carol := f.account("carol", "")
	s1, s2 := f.status(f.alice, "public"), f.status(f.alice, "public")
	for i, fav := range []*storage.Favourite{{AccountID: f.bob.ID, StatusID: s1.ID}, {AccountID: f.bob.ID, StatusID: s2.ID},
		{AccountID: carol.ID, StatusID: s1.ID}} {
		fav.ID, fav.URI, fav.CreatedAt = storage.NewID(), "https://x/likes/"+string(rune('a'+i)), time.Now()
		if err := f.db.CreateFavourite(ctx, fav); err != nil {
			t.Fatal(err)
		}
	}
	list, err := f.db.Favourites(ctx, f.bob.ID, storage.Page{Limit: 10})
	if err != nil || !slices.Equal(savedIDs(list), []int64{s2.ID, s1.ID}) {
		t.Errorf("bob's favourites %v, %v", savedIDs(list), err)
	}
	favs, err := f.db.FavouritedBy(ctx, s1.ID, storage.Page{Limit: 10})
	if err != nil || len(favs) != 2 || favs[0].AccountID != carol.ID || favs[1].AccountID != f.bob.ID {
		t.Errorf("favourited by %+v, %v", favs, err)
	}
	boost := &storage.Status{ID: storage.NewID(), AccountID: carol.ID, ReblogOfID: s1.ID, Visibility: "public",
		URI: "https://x/boost", CreatedAt: time.Now()}
	if err := f.db.CreateStatus(ctx, boost); err != nil {
		t.Fatal(err)
	}
	boosts, err := f.db.RebloggedBy(ctx, s1.ID, storage.Page{Limit: 10})
	if err != nil || len(boosts) != 1 || boosts[0].AccountID != carol.ID {
		t.Errorf("reblogged by %v, %v", boosts, err)
	}
}

// The trigger keeps the replaced version whenever an update is an edit,
// whoever makes it, and only then.
func TestStatusEditsRecordedByUpdate(t *testing.T) {
	f := newSTFixture(t)
	ctx := t.Context()
	s := f.status(f.bob, "public")
	s.URL = "https://remote.example/@bob/1" // not an edit
	if err := f.db.UpdateStatus(ctx, s); err != nil {
		t.Fatal(err)
	}
	if edits, _ := f.db.StatusEdits(ctx, s.ID); len(edits) != 0 {
		t.Fatalf("a non-edit update left history: %+v", edits)
	}
	first := s.EditedAt
	for i, text := range []string{"v2", "v3"} {
		s.Content, s.Text, s.EditedAt = "<p>"+text+"</p>", text, s.CreatedAt.Add(time.Duration(i+1)*time.Minute)
		if err := f.db.UpdateStatus(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	edits, err := f.db.StatusEdits(ctx, s.ID)
	if err != nil || len(edits) != 2 {
		t.Fatalf("edits %+v, %v", edits, err)
	}
	if edits[0].Content != "<p>v1</p>" || !edits[0].CreatedAt.Equal(s.CreatedAt.Truncate(time.Millisecond)) ||
		edits[1].Content != "<p>v2</p>" || !edits[1].CreatedAt.Equal(s.CreatedAt.Add(time.Minute).Truncate(time.Millisecond)) {
		t.Errorf("edits %+v %+v (first edited_at %v)", edits[0], edits[1], first)
	}
	if err := f.db.DeleteStatus(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if edits, _ := f.db.StatusEdits(ctx, s.ID); len(edits) != 0 {
		t.Errorf("history outlived its status: %+v", edits)
	}
}

func TestTagAndAccountsTimelines(t *testing.T) {
	f := newSTFixture(t)
	ctx := t.Context()
	local := f.status(f.alice, "public", "cardiology")
	remote := f.status(f.bob, "public", "cardiology", "ecg")
	f.status(f.alice, "private", "cardiology")
	f.status(f.alice, "unlisted", "cardiology")
	other := f.status(f.alice, "public", "ecg")
	get := func(tags []string, localOnly, remoteOnly bool) []int64 {
		t.Helper()
		list, err := f.db.TagTimeline(ctx, tags, localOnly, remoteOnly, storage.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return stIDs(list)
	}
	if got := get([]string{"Cardiology"}, false, false); !slices.Equal(got, []int64{remote.ID, local.ID}) {
		t.Errorf("#cardiology %v", got)
	}
	if got := get([]string{"cardiology"}, true, false); !slices.Equal(got, []int64{local.ID}) {
		t.Errorf("#cardiology local %v", got)
	}
	if got := get([]string{"cardiology"}, false, true); !slices.Equal(got, []int64{remote.ID}) {
		t.Errorf("#cardiology remote %v", got)
	}
	if got := get([]string{"cardiology", "ecg"}, false, false); !slices.Equal(got, []int64{other.ID, remote.ID, local.ID}) {
		t.Errorf("any of two %v", got)
	}
	list, err := f.db.AccountsTimeline(ctx, []int64{f.bob.ID}, storage.Page{Limit: 10})
	if err != nil || !slices.Equal(stIDs(list), []int64{remote.ID}) {
		t.Errorf("bob's statuses %v, %v", stIDs(list), err)
	}
}

func stIDs(list []*storage.Status) []int64 {
	out := make([]int64, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}

func TestSingleNotifications(t *testing.T) {
	f := newSTFixture(t)
	ctx := t.Context()
	carol := f.account("carol", "")
	mk := func(to, from *storage.Account, typ string) *storage.Notification {
		n := &storage.Notification{AccountID: to.ID, FromAccountID: from.ID, Type: typ}
		if err := f.db.CreateNotification(ctx, n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	n1, n2, n3 := mk(f.alice, f.bob, "follow"), mk(f.alice, carol, "follow"), mk(f.alice, carol, "mention")
	theirs := mk(carol, f.alice, "follow")
	if _, err := f.db.Notification(ctx, f.alice.ID, theirs.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("someone else's notification: %v", err)
	}
	list, err := f.db.NotificationsFrom(ctx, f.alice.ID, carol.ID, []string{"follow"}, storage.Page{Limit: 10})
	if err != nil || len(list) != 1 || list[0].ID != n2.ID {
		t.Errorf("from carol, follows: %+v, %v", list, err)
	}
	if err := f.db.DeleteNotification(ctx, carol.ID, n1.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("dismissing another's notification: %v", err)
	}
	if err := f.db.DeleteNotification(ctx, f.alice.ID, n1.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := f.db.NotificationsFrom(ctx, f.alice.ID, 0, nil, storage.Page{Limit: 10}); len(list) != 2 || list[0].ID != n3.ID {
		t.Errorf("after dismiss: %+v", list)
	}
	if err := f.db.ClearNotifications(ctx, f.alice.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := f.db.NotificationsFrom(ctx, f.alice.ID, 0, nil, storage.Page{Limit: 10}); len(list) != 0 {
		t.Errorf("after clear: %+v", list)
	}
	if _, err := f.db.Notification(ctx, carol.ID, theirs.ID); err != nil {
		t.Errorf("clear touched another account's: %v", err)
	}
}

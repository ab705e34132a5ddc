package mastodon

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

func (in *instance) timeline(u *user, path string) ([]statusOut, *reply) {
	in.t.Helper()
	var list []statusOut
	r := in.call(u, http.MethodGet, path, nil).want(in.t, http.StatusOK, &list)
	return list, r
}

func TestPublicTimeline(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	bob.stFollow(alice)
	older := alice.postStatus("Public one", "public")
	newer := alice.postStatus("Public two", "public")
	alice.postStatus("Unlisted: quiet", "unlisted")
	alice.postStatus("Followers only", "private")
	alice.postStatus("@bob direct", "direct")
	bob.post("/api/v1/statuses/"+older.ID+"/reblog", nil).want(t, http.StatusOK, nil)

	want := []string{newer.ID, older.ID}
	for _, u := range []*user{nil, bob} {
		for _, q := range []string{"", "?local=true"} {
			if list, _ := in.timeline(u, "/api/v1/timelines/public"+q); !slices.Equal(ids(list), want) {
				t.Errorf("public%s as %v: %v, want %v", q, u != nil, ids(list), want)
			}
		}
	}
	if list, r := in.timeline(nil, "/api/v1/timelines/public?remote=1"); len(list) != 0 || r.header.Get("Link") != "" {
		t.Errorf("public?remote=1: %v, Link %q", ids(list), r.header.Get("Link"))
	}
	// Nothing here has media; the skipped rows still page on.
	if list, r := in.timeline(nil, "/api/v1/timelines/public?only_media=true"); len(list) != 0 || r.header.Get("Link") == "" {
		t.Errorf("public?only_media=true: %v, Link %q", ids(list), r.header.Get("Link"))
	}
	list, r := in.timeline(nil, "/api/v1/timelines/public?limit=1&local=true")
	if !slices.Equal(ids(list), []string{newer.ID}) {
		t.Fatalf("limit=1: %v", ids(list))
	}
	if list, _ = in.timeline(nil, stLinkRel(t, r, "next")); !slices.Equal(ids(list), []string{older.ID}) {
		t.Errorf("next page %v", ids(list))
	}
	in.call(nil, http.MethodGet, "/api/v1/timelines/public", nil, "Authorization", "Bearer revoked").
		wantError(t, http.StatusUnauthorized, "The access token is invalid")

	// A muted author drops out for the one who muted.
	err := in.store.PutMute(context.Background(), &storage.Mute{ID: storage.NewID(), AccountID: bob.acct.ID,
		TargetAccountID: alice.acct.ID, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if list, _ := in.timeline(bob, "/api/v1/timelines/public"); len(list) != 0 {
		t.Errorf("muted author still shown: %v", ids(list))
	}
}

func TestTagTimeline(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob, eve := in.newUser("alice", false), in.newUser("bob", false), in.newUser("eve", false)
	bob.stFollow(alice)
	one := alice.postStatus("Case review #Cardiology #ecg", "public")
	two := alice.postStatus("Another #cardiology case", "public")
	alice.postStatus("Followers only #cardiology", "private")
	alice.postStatus("Unlisted #cardiology", "unlisted")
	other := alice.postStatus("Only #ecg", "public")

	for _, u := range []*user{nil, eve, bob} {
		if list, _ := in.timeline(u, "/api/v1/timelines/tag/cardiology"); !slices.Equal(ids(list), []string{two.ID, one.ID}) {
			t.Errorf("#cardiology: %v", ids(list))
		}
	}
	cases := map[string][]string{
		"/api/v1/timelines/tag/CARDIOLOGY?limit=1":           {two.ID},
		"/api/v1/timelines/tag/cardiology?any[]=ecg":         {other.ID, two.ID, one.ID},
		"/api/v1/timelines/tag/cardiology?all[]=ecg":         {one.ID},
		"/api/v1/timelines/tag/cardiology?none[]=ecg":        {two.ID},
		"/api/v1/timelines/tag/cardiology?remote=true":       {},
		"/api/v1/timelines/tag/nothing-here":                 {},
		"/api/v1/timelines/tag/%21%21":                       {},
		"/api/v1/timelines/tag/cardiology?local=1&limit=abc": {two.ID, one.ID},
	}
	for path, want := range cases {
		if list, _ := in.timeline(nil, path); !slices.Equal(ids(list), want) {
			t.Errorf("%s: %v, want %v", path, ids(list), want)
		}
	}
	_, r := in.timeline(nil, "/api/v1/timelines/tag/cardiology?limit=1")
	if list, _ := in.timeline(nil, stLinkRel(t, r, "next")); !slices.Equal(ids(list), []string{one.ID}) {
		t.Errorf("next page %v", ids(list))
	}
}

func TestListTimeline(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	ctx := context.Background()
	alice, bob, carol := in.newUser("alice", false), in.newUser("bob", false), in.newUser("carol", false)
	alice.stFollow(bob)
	alice.stFollow(carol)
	list := &storage.List{ID: storage.NewID(), AccountID: alice.acct.ID, Title: "Cardiology", RepliesPolicy: storage.RepliesList,
		CreatedAt: time.Now()}
	if err := in.store.CreateList(ctx, list); err != nil {
		t.Fatal(err)
	}
	if err := in.store.AddListAccounts(ctx, list.ID, []int64{bob.acct.ID}); err != nil {
		t.Fatal(err)
	}
	public := bob.postStatus("Echo findings", "public")
	private := bob.postStatus("Followers only: echo slots", "private")
	bob.postStatus("@carol direct, not for alice", "direct")
	carol.postStatus("Not in the list", "public")

	path := "/api/v1/timelines/list/" + storage.FormatID(list.ID)
	got, _ := in.timeline(alice, path)
	if !slices.Equal(ids(got), []string{private.ID, public.ID}) {
		t.Errorf("list timeline %v", ids(got))
	}
	carol.get(path).wantError(t, http.StatusNotFound, "Record not found")
	alice.get("/api/v1/timelines/list/123").wantError(t, http.StatusNotFound, "Record not found")
	in.newUser("reader", false, "read:statuses").get(path).wantError(t, http.StatusForbidden, "This action is outside")
	in.call(nil, http.MethodGet, path, nil).wantError(t, http.StatusUnauthorized, "The access token")
}

package mastodon

import (
	"context"
	"net/http"
	"slices"
	"testing"
)

func TestPrivatePostHiddenFromNonFollowers(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, follower, stranger := in.newUser("alice", false), in.newUser("bob", false), in.newUser("eve", false)
	follower.post("/api/v1/accounts/"+alice.id()+"/follow", nil).want(t, http.StatusOK, nil)
	private := alice.postStatus("Followers only: M&M conference notes", "private")

	follower.get("/api/v1/statuses/"+private.ID).want(t, http.StatusOK, nil)
	stranger.get("/api/v1/statuses/"+private.ID).wantError(t, http.StatusNotFound, "Record not found")
	if home, _ := follower.home(""); !slices.Contains(ids(home), private.ID) {
		t.Errorf("follower's home %v lacks the private post", ids(home))
	}
	stranger.post("/api/v1/statuses/"+private.ID+"/favourite", nil).wantError(t, http.StatusNotFound, "Record not found")
	follower.post("/api/v1/statuses/"+private.ID+"/reblog", nil).wantError(t, http.StatusUnprocessableEntity, "This post cannot be boosted")

	// A stale home row (the follow ended without cleanup) is filtered out,
	// but still drives the Link cursors so paging goes on past it.
	if err := in.store.AddToHome(context.Background(), []int64{stranger.acct.ID}, cursor(private.ID)); err != nil {
		t.Fatal(err)
	}
	home, r := stranger.home("")
	if len(home) != 0 {
		t.Errorf("stranger's home shows %v", ids(home))
	}
	if r.header.Get("Link") == "" {
		t.Error("a filtered page must keep its Link header")
	}
	if list, _ := stranger.notifications(""); len(list) != 0 {
		t.Errorf("stranger's notifications: %v", types(list))
	}
}

func TestDirectPostVisibleOnlyToMentioned(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob, carol := in.newUser("alice", false), in.newUser("bob", false), in.newUser("carol", false)
	carol.post("/api/v1/accounts/"+alice.id()+"/follow", nil).want(t, http.StatusOK, nil)
	dm := alice.postStatus("@bob patient in bay 3 asking for you", "direct")
	if dm.Visibility != "direct" || len(dm.Mentions) != 1 || dm.Mentions[0].Acct != "bob" {
		t.Fatalf("dm = %+v", dm)
	}
	bob.get("/api/v1/statuses/"+dm.ID).want(t, http.StatusOK, nil)
	carol.get("/api/v1/statuses/"+dm.ID).wantError(t, http.StatusNotFound, "Record not found")
	if home, _ := bob.home(""); !slices.Contains(ids(home), dm.ID) {
		t.Errorf("bob's home lacks the DM")
	}
	if home, _ := carol.home(""); slices.Contains(ids(home), dm.ID) {
		t.Errorf("follower carol's home shows the DM")
	}
	if list, _ := bob.notifications("?types[]=mention"); len(list) != 1 || list[0].Status.ID != dm.ID {
		t.Errorf("bob's mention notifications: %+v", list)
	}
}

package mastodon

import (
	"net/http"
	"slices"
	"testing"
)

func (u *user) stList(path string) ([]stStatus, *reply) {
	u.in.t.Helper()
	var list []stStatus
	r := u.get(path).want(u.in.t, http.StatusOK, &list)
	return list, r
}

func stIDs(list []stStatus) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}

func TestBookmarks(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob, eve := in.newUser("alice", false), in.newUser("bob", false), in.newUser("eve", false)
	bob.stFollow(alice)
	public := alice.postStatus("Sepsis bundle reminder", "public")
	private := alice.postStatus("Followers only: on-call swap", "private")
	var boost statusOut
	eve.post("/api/v1/statuses/"+public.ID+"/reblog", nil).want(t, http.StatusOK, &boost)

	var st stStatus
	bob.post("/api/v1/statuses/"+boost.ID+"/bookmark", nil).want(t, http.StatusOK, &st)
	if st.ID != public.ID || !st.Bookmarked {
		t.Errorf("bookmarking the boost answers %s bookmarked=%v, want the original, true", st.ID, st.Bookmarked)
	}
	bob.post("/api/v1/statuses/"+private.ID+"/bookmark", nil).want(t, http.StatusOK, nil)
	bob.get("/api/v1/statuses/"+boost.ID).want(t, http.StatusOK, &st)
	if !st.Bookmarked {
		t.Error("a boost of a bookmarked post shows bookmarked=false")
	}
	eve.get("/api/v1/statuses/"+public.ID).want(t, http.StatusOK, &st)
	if st.Bookmarked {
		t.Error("bookmarks leak to other viewers")
	}

	list, r := bob.stList("/api/v1/bookmarks?limit=1")
	if !slices.Equal(stIDs(list), []string{private.ID}) {
		t.Fatalf("first page %v, want the newest bookmark", stIDs(list))
	}
	if list, _ = bob.stList(stLinkRel(t, r, "next")); !slices.Equal(stIDs(list), []string{public.ID}) {
		t.Errorf("next page %v", stIDs(list))
	}

	// Losing access to a bookmarked post hides it from the list.
	bob.post("/api/v1/accounts/"+alice.id()+"/unfollow", nil).want(t, http.StatusOK, nil)
	if list, _ := bob.stList("/api/v1/bookmarks"); !slices.Equal(stIDs(list), []string{public.ID}) {
		t.Errorf("after unfollow: %v", stIDs(list))
	}
	bob.post("/api/v1/statuses/"+public.ID+"/unbookmark", nil).want(t, http.StatusOK, &st)
	if st.Bookmarked {
		t.Error("unbookmark answers bookmarked=true")
	}
	bob.post("/api/v1/statuses/"+public.ID+"/unbookmark", nil).want(t, http.StatusOK, nil) // idempotent
	// The hidden private bookmark still drives the Link cursors.
	if list, r := bob.stList("/api/v1/bookmarks"); len(list) != 0 || r.header.Get("Link") == "" {
		t.Errorf("after unbookmark: %v, Link %q", stIDs(list), r.header.Get("Link"))
	}

	eve.post("/api/v1/statuses/"+private.ID+"/bookmark", nil).wantError(t, http.StatusNotFound, "Record not found")
	bob.post("/api/v1/statuses/404/bookmark", nil).wantError(t, http.StatusNotFound, "Record not found")
	in.call(nil, http.MethodPost, "/api/v1/statuses/"+public.ID+"/bookmark", nil).wantError(t, http.StatusUnauthorized, "The access token")
	reader, writer := in.newUser("reader", false, "read"), in.newUser("writer", false, "write:bookmarks")
	reader.post("/api/v1/statuses/"+public.ID+"/bookmark", nil).wantError(t, http.StatusForbidden, "This action is outside")
	writer.get("/api/v1/bookmarks").wantError(t, http.StatusForbidden, "This action is outside")
	in.call(nil, http.MethodGet, "/api/v1/bookmarks", nil).wantError(t, http.StatusUnauthorized, "The access token")
}

func TestFavouritesList(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	bob.stFollow(alice)
	first := alice.postStatus("Case one", "public")
	second := alice.postStatus("Followers only: case two", "private")
	// Liked newest post first: the list follows the likes, not the posts.
	for _, id := range []string{second.ID, first.ID} {
		bob.post("/api/v1/statuses/"+id+"/favourite", nil).want(t, http.StatusOK, nil)
	}
	list, r := bob.stList("/api/v1/favourites?limit=1")
	if !slices.Equal(stIDs(list), []string{first.ID}) || !list[0].Favourited {
		t.Fatalf("first page %+v", list)
	}
	if list, _ = bob.stList(stLinkRel(t, r, "next")); !slices.Equal(stIDs(list), []string{second.ID}) {
		t.Errorf("next page %v", stIDs(list))
	}
	bob.post("/api/v1/accounts/"+alice.id()+"/unfollow", nil).want(t, http.StatusOK, nil)
	if list, _ := bob.stList("/api/v1/favourites"); !slices.Equal(stIDs(list), []string{first.ID}) {
		t.Errorf("after unfollow: %v", stIDs(list))
	}
	in.newUser("w", false, "write").get("/api/v1/favourites").wantError(t, http.StatusForbidden, "This action is outside")
}

func TestEmptyStubs(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	for _, path := range []string{"/api/v1/conversations", "/api/v1/scheduled_statuses"} {
		if r := alice.get(path).want(t, http.StatusOK, nil); string(r.body) != "[]" {
			t.Errorf("%s = %s", path, r.body)
		}
		in.call(nil, http.MethodGet, path, nil).wantError(t, http.StatusUnauthorized, "The access token")
	}
}

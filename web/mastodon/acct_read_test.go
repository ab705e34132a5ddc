package mastodon

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// A followers-only post reaches the author, followers and mentioned
// accounts through the profile, and nobody else, with or without a token.
func TestAccountStatusesVisibility(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob, carol, dan := in.newUser("alice", false), in.newUser("bob", false), in.newUser("carol", false), in.newUser("dan", false)
	carol.post("/api/v1/accounts/"+alice.id()+"/follow", nil).want(t, http.StatusOK, nil)
	pub := alice.postStatus("Grand rounds at noon", "public")
	unl := alice.postStatus("Coffee in the lounge", "unlisted")
	priv := alice.postStatus("Handover notes are in the usual place", "private")
	ment := alice.postStatus("@dan can you cover?", "private")
	path := "/api/v1/accounts/" + alice.id() + "/statuses"
	for _, tc := range []struct {
		name string
		who  *user
		want []string
	}{
		{"anonymous", nil, []string{unl.ID, pub.ID}},
		{"stranger", bob, []string{unl.ID, pub.ID}},
		{"mentioned", dan, []string{ment.ID, unl.ID, pub.ID}},
		{"follower", carol, []string{ment.ID, priv.ID, unl.ID, pub.ID}},
		{"author", alice, []string{ment.ID, priv.ID, unl.ID, pub.ID}},
	} {
		var list []statusOut
		in.call(tc.who, http.MethodGet, path, nil).want(t, http.StatusOK, &list)
		if got := ids(list); !slices.Equal(got, tc.want) {
			t.Errorf("%s sees %v, want %v", tc.name, got, tc.want)
		}
	}
	var list []statusOut
	in.anon(path+"?pinned=true").want(t, http.StatusOK, &list)
	if len(list) != 0 {
		t.Errorf("pinned = %v, want []", ids(list))
	}
}

func TestAccountStatusesFilters(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	other := bob.postStatus("Morning all", "public")
	first := alice.postStatus("New #ECG guideline", "public")
	var reply, boost statusOut
	alice.post("/api/v1/statuses", map[string]any{"status": "@bob morning", "in_reply_to_id": other.ID}).want(t, http.StatusOK, &reply)
	alice.post("/api/v1/statuses/"+other.ID+"/reblog", nil).want(t, http.StatusOK, &boost)
	path := "/api/v1/accounts/" + alice.id() + "/statuses"
	for q, want := range map[string][]string{
		"":                            {boost.ID, reply.ID, first.ID},
		"?exclude_replies=true":       {boost.ID, first.ID},
		"?exclude_reblogs=1":          {reply.ID, first.ID},
		"?tagged=ecg":                 {first.ID},
		"?only_media=true":            {},
		"?limit=1&max_id=" + boost.ID: {reply.ID},
	} {
		var list []statusOut
		in.anon(path+q).want(t, http.StatusOK, &list)
		if got := ids(list); !slices.Equal(got, want) {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
	r := in.anon(path + "?limit=2")
	if link := r.header.Get("Link"); !strings.HasPrefix(link, "<"+in.srv.URL+path+"?") || !strings.Contains(link, "max_id="+reply.ID) {
		t.Errorf("Link %q", link)
	}
	in.anon("/api/v1/accounts/424242/statuses").wantError(t, http.StatusNotFound, "Record not found")
	writeOnly := in.newUser("writer", false, "write")
	in.call(writeOnly, http.MethodGet, path, nil).wantError(t, http.StatusForbidden, "This action is outside")
	in.call(writeOnly.withToken("bad"), http.MethodGet, path, nil).wantError(t, http.StatusUnauthorized, "The access token is invalid")
}

func TestLookupAccount(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	rita := in.remoteActor("rita", "remote.example")
	for _, acct := range []string{"alice", "@alice", "alice@" + in.host} {
		var out accountOut
		in.anon("/api/v1/accounts/lookup?acct="+acct).want(t, http.StatusOK, &out)
		if out.ID != alice.id() || out.Acct != "alice" {
			t.Errorf("lookup %s = %+v", acct, out)
		}
	}
	var out accountOut
	in.anon("/api/v1/accounts/lookup?acct=rita@remote.example").want(t, http.StatusOK, &out)
	if out.Acct != "rita@remote.example" || out.ID == "" || rita.ID == 0 {
		t.Errorf("remote lookup = %+v", out)
	}
	in.anon("/api/v1/accounts/lookup?acct=nobody").wantError(t, http.StatusNotFound, "Record not found")
	in.anon("/api/v1/accounts/lookup").wantError(t, http.StatusNotFound, "Record not found")
	in.anon("/api/v1/accounts/lookup?acct=instance.actor").wantError(t, http.StatusNotFound, "Record not found")
}

func TestFollowersAndFollowing(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob, carol := in.newUser("alice", false), in.newUser("bob", false), in.newUser("carol", false)
	dana := in.newUser("dana", true)
	bob.post("/api/v1/accounts/"+alice.id()+"/follow", nil).want(t, http.StatusOK, nil)
	carol.post("/api/v1/accounts/"+alice.id()+"/follow", nil).want(t, http.StatusOK, nil)
	dana.post("/api/v1/accounts/"+alice.id()+"/follow", nil).want(t, http.StatusOK, nil)
	alice.post("/api/v1/accounts/"+dana.id()+"/follow", nil).want(t, http.StatusOK, nil) // a request: dana is locked

	var list []accountOut
	r := in.anon("/api/v1/accounts/"+alice.id()+"/followers?limit=2").want(t, http.StatusOK, &list)
	if len(list) != 2 || list[0].ID != dana.id() || list[1].ID != carol.id() {
		t.Fatalf("followers page 1 = %+v", list)
	}
	next := r.header.Get("Link")
	if !strings.Contains(next, `rel="next"`) || !strings.Contains(next, "/api/v1/accounts/"+alice.id()+"/followers?") {
		t.Fatalf("Link %q", next)
	}
	url := strings.TrimPrefix(strings.Split(next, ">")[0], "<"+in.srv.URL)
	in.anon(url).want(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != bob.id() {
		t.Errorf("followers page 2 = %+v", list)
	}
	in.anon("/api/v1/accounts/"+bob.id()+"/following").want(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != alice.id() {
		t.Errorf("bob's following = %+v", list)
	}
	// A locked account's lists are its owner's business; the pending
	// request from alice never shows as a follower either.
	bob.get("/api/v1/accounts/"+dana.id()+"/following").want(t, http.StatusOK, &list)
	if len(list) != 0 {
		t.Errorf("locked following shown to bob: %+v", list)
	}
	dana.get("/api/v1/accounts/"+dana.id()+"/following").want(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != alice.id() {
		t.Errorf("dana's own following = %+v", list)
	}
	dana.get("/api/v1/accounts/"+dana.id()+"/followers").want(t, http.StatusOK, &list)
	if len(list) != 0 {
		t.Errorf("dana's followers include a pending request: %+v", list)
	}
	in.anon("/api/v1/accounts/999/followers").wantError(t, http.StatusNotFound, "Record not found")
}

func TestSearchAccounts(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, alina, bob := in.newUser("alice", false), in.newUser("alina", false), in.newUser("bob", false)
	bob.post("/api/v1/accounts/"+alina.id()+"/follow", nil).want(t, http.StatusOK, nil)
	var list []accountOut
	bob.get("/api/v1/accounts/search?q=ali").want(t, http.StatusOK, &list)
	if len(list) != 2 || list[0].ID != alice.id() || list[1].ID != alina.id() {
		t.Errorf("search ali = %+v", list)
	}
	bob.get("/api/v1/accounts/search?q=ali&following=true").want(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != alina.id() {
		t.Errorf("search following = %+v", list)
	}
	bob.get("/api/v1/accounts/search?q=ali&limit=1").want(t, http.StatusOK, &list)
	if len(list) != 1 {
		t.Errorf("limit 1 gave %d", len(list))
	}
	bob.get("/api/v1/accounts/search?q=alice@"+in.host).want(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != alice.id() {
		t.Errorf("search by address = %+v", list)
	}
	bob.get("/api/v1/accounts/search?q=").want(t, http.StatusOK, &list)
	if list == nil || len(list) != 0 {
		t.Errorf("empty query = %+v", list)
	}
	checkAuthErrors(t, in, http.MethodGet, "/api/v1/accounts/search?q=ali", nil, in.newUser("writer", false, "write"))
}

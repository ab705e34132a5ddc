package mastodon

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// The Relationship keys of research §7.14, sorted.
var relationshipKeys = []string{"blocked_by", "blocking", "domain_blocking", "endorsed", "followed_by", "following",
	"id", "languages", "muting", "muting_expires_at", "muting_notifications", "note", "notifying", "requested",
	"requested_by", "showing_reblogs"}

func TestFollowUnlockedAccount(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	var rel relOut
	r := bob.post("/api/v1/accounts/"+alice.id()+"/follow", nil).want(t, http.StatusOK, &rel)
	if rel.ID != alice.id() || !rel.Following || rel.Requested {
		t.Fatalf("follow: %+v", rel)
	}
	var raw map[string]any
	r.want(t, http.StatusOK, &raw)
	if got := slices.Sorted(maps.Keys(raw)); !slices.Equal(got, relationshipKeys) {
		t.Errorf("relationship keys\n got %v\nwant %v", got, relationshipKeys)
	}
	st := alice.postStatus("Journal club moved to Thursday", "public")
	if home, _ := bob.home(""); !slices.Contains(ids(home), st.ID) {
		t.Errorf("bob's home %v lacks alice's post %s", ids(home), st.ID)
	}
	var rels []relOut
	alice.get("/api/v1/accounts/relationships?id[]="+bob.id()+"&id[]=999&id[]=x").want(t, http.StatusOK, &rels)
	if len(rels) != 1 || rels[0].ID != bob.id() || !rels[0].FollowedBy || rels[0].Following {
		t.Errorf("alice's relationships: %+v", rels)
	}
	bob.post("/api/v1/accounts/"+alice.id()+"/unfollow", nil).want(t, http.StatusOK, &rel)
	if rel.Following || rel.Requested {
		t.Errorf("unfollow: %+v", rel)
	}
	if home, _ := bob.home(""); slices.Contains(ids(home), st.ID) {
		t.Errorf("bob's home still has alice's post after unfollow")
	}
	bob.post("/api/v1/accounts/"+bob.id()+"/follow", nil).wantError(t, http.StatusUnprocessableEntity, "You cannot follow yourself")
	bob.post("/api/v1/accounts/999/follow", nil).wantError(t, http.StatusNotFound, "Record not found")
}

func TestFollowLockedAccount(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	carol := in.newUser("carol", true)
	bob, dave := in.newUser("bob", false), in.newUser("dave", false)
	var rel relOut
	bob.post("/api/v1/accounts/"+carol.id()+"/follow", nil).want(t, http.StatusOK, &rel)
	if rel.Following || !rel.Requested {
		t.Fatalf("follow of a locked account: %+v", rel)
	}
	dave.post("/api/v1/accounts/"+carol.id()+"/follow", nil).want(t, http.StatusOK, &rel)

	var reqs []accountOut
	r := carol.get("/api/v1/follow_requests").want(t, http.StatusOK, &reqs)
	if len(reqs) != 2 || reqs[0].ID != dave.id() || reqs[1].ID != bob.id() {
		t.Fatalf("follow requests (newest first) = %+v", reqs)
	}
	if link := r.header.Get("Link"); !strings.Contains(link, `rel="next"`) || !strings.HasPrefix(link, "<"+in.srv.URL+"/api/v1/follow_requests?") {
		t.Errorf("follow_requests Link %q", link)
	}
	carol.post("/api/v1/follow_requests/"+bob.id()+"/authorize", nil).want(t, http.StatusOK, &rel)
	if rel.ID != bob.id() || !rel.FollowedBy || rel.RequestedBy {
		t.Errorf("authorize: %+v", rel)
	}
	carol.post("/api/v1/follow_requests/"+dave.id()+"/reject", nil).want(t, http.StatusOK, &rel)
	if rel.FollowedBy || rel.RequestedBy {
		t.Errorf("reject: %+v", rel)
	}
	var rels []relOut
	bob.get("/api/v1/accounts/relationships?id="+carol.id()).want(t, http.StatusOK, &rels)
	if len(rels) != 1 || !rels[0].Following {
		t.Errorf("bob after authorize: %+v", rels)
	}
	carol.get("/api/v1/follow_requests").want(t, http.StatusOK, &reqs)
	if len(reqs) != 0 {
		t.Errorf("requests left: %+v", reqs)
	}
	carol.post("/api/v1/follow_requests/"+dave.id()+"/authorize", nil).wantError(t, http.StatusNotFound, "Record not found")
}

func TestGetAccountIsPublic(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	var acct struct {
		accountOut
		Username string `json:"username"`
		Emojis   []any  `json:"emojis"`
	}
	in.call(nil, http.MethodGet, "/api/v1/accounts/"+alice.id(), nil).want(t, http.StatusOK, &acct)
	if acct.ID != alice.id() || acct.Username != "alice" || acct.Emojis == nil {
		t.Errorf("account = %+v", acct)
	}
	in.call(nil, http.MethodGet, "/api/v1/accounts/12345", nil).wantError(t, http.StatusNotFound, "Record not found")
}

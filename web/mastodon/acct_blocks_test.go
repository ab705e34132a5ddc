package mastodon

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
)

type fullRelOut struct {
	relOut
	Blocking            bool `json:"blocking"`
	BlockedBy           bool `json:"blocked_by"`
	Muting              bool `json:"muting"`
	MutingNotifications bool `json:"muting_notifications"`
	MutingExpiresAt     any  `json:"muting_expires_at"`
}

// A block ends follows both ways, clears each side's home timeline of the
// other, hides the blocker's profile posts, and can be undone.
func TestBlockLocal(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	alice.post("/api/v1/accounts/"+bob.id()+"/follow", nil).want(t, http.StatusOK, nil)
	bob.post("/api/v1/accounts/"+alice.id()+"/follow", nil).want(t, http.StatusOK, nil)
	bobs := bob.postStatus("Shift swap anyone?", "public")
	alice.postStatus("Private thought", "private")
	var rel fullRelOut
	alice.post("/api/v1/accounts/"+bob.id()+"/block", nil).want(t, http.StatusOK, &rel)
	if !rel.Blocking || rel.Following || rel.FollowedBy {
		t.Fatalf("after block: %+v", rel)
	}
	if home, _ := alice.home(""); slices.Contains(ids(home), bobs.ID) {
		t.Errorf("blocked account's post still in home")
	}
	var list []statusOut
	bob.get("/api/v1/accounts/"+alice.id()+"/statuses").want(t, http.StatusOK, &list)
	if len(list) != 0 {
		t.Errorf("blocked bob sees alice's posts %v", ids(list))
	}
	var back fullRelOut
	bob.post("/api/v1/accounts/"+alice.id()+"/follow", nil).wantError(t, http.StatusUnprocessableEntity, "")
	var rels []fullRelOut
	bob.get("/api/v1/accounts/relationships?id="+alice.id()).want(t, http.StatusOK, &rels)
	if len(rels) != 1 || !rels[0].BlockedBy {
		t.Errorf("bob's view: %+v", rels)
	}
	var blocked []accountOut
	r := alice.get("/api/v1/blocks").want(t, http.StatusOK, &blocked)
	if len(blocked) != 1 || blocked[0].ID != bob.id() || r.header.Get("Link") == "" {
		t.Errorf("blocks = %+v, Link %q", blocked, r.header.Get("Link"))
	}
	alice.post("/api/v1/accounts/"+bob.id()+"/block", nil).want(t, http.StatusOK, &rel) // twice is fine
	alice.post("/api/v1/accounts/"+bob.id()+"/unblock", nil).want(t, http.StatusOK, &back)
	if back.Blocking {
		t.Errorf("after unblock: %+v", back)
	}
	alice.get("/api/v1/blocks").want(t, http.StatusOK, &blocked)
	if len(blocked) != 0 {
		t.Errorf("blocks after unblock = %+v", blocked)
	}
}

func TestBlockErrors(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	alice.post("/api/v1/accounts/"+alice.id()+"/block", nil).wantError(t, http.StatusUnprocessableEntity, "You cannot block yourself")
	alice.post("/api/v1/accounts/999/block", nil).wantError(t, http.StatusNotFound, "Record not found")
	alice.post("/api/v1/accounts/999/mute", nil).wantError(t, http.StatusNotFound, "Record not found")
	readOnly := in.newUser("reader", false, "read")
	checkAuthErrors(t, in, http.MethodPost, "/api/v1/accounts/"+bob.id()+"/block", nil, readOnly)
	checkAuthErrors(t, in, http.MethodPost, "/api/v1/accounts/"+bob.id()+"/mute", nil, readOnly)
	writeOnly := in.newUser("writer", false, "write")
	checkAuthErrors(t, in, http.MethodGet, "/api/v1/blocks", nil, writeOnly)
	checkAuthErrors(t, in, http.MethodGet, "/api/v1/mutes", nil, writeOnly)
	// The legacy follow scope covers blocks and mutes.
	follow := in.newUser("follower", false, "follow")
	follow.post("/api/v1/accounts/"+bob.id()+"/mute", nil).want(t, http.StatusOK, nil)
}

// Blocking a remote account tells its server; unblocking sends Undo{Block}
// embedding the same Block id.
func TestBlockRemoteFederates(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	rita := in.remoteActor("rita", "remote.example")
	in.follows(rita, alice.acct)
	id := "/api/v1/accounts/" + itoa(rita.ID)
	alice.post(id+"/block", nil).want(t, http.StatusOK, nil)
	alice.post(id+"/unblock", nil).want(t, http.StatusOK, nil)
	jobs := in.pendingJobs()
	if len(jobs) != 2 {
		t.Fatalf("jobs = %+v", jobs)
	}
	block, undo := jobs[0].activity, jobs[1].activity
	if block.Type == "Undo" {
		block, undo = undo, block
	}
	var obj struct{ ID, Type, Object string }
	if err := json.Unmarshal(undo.Object, &obj); err != nil {
		t.Fatal(err)
	}
	if block.Type != "Block" || undo.Type != "Undo" || obj.Type != "Block" || obj.ID != block.ID || obj.Object != rita.URI ||
		jobs[0].inbox != rita.InboxURI {
		t.Errorf("block %+v undo %+v (object %+v) to %s", block, undo, obj, jobs[0].inbox)
	}
	var followers []accountOut
	in.anon("/api/v1/accounts/"+alice.id()+"/followers").want(t, http.StatusOK, &followers)
	if len(followers) != 0 {
		t.Errorf("blocked follower still listed: %+v", followers)
	}
}

func TestMute(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob, carol := in.newUser("alice", false), in.newUser("bob", false), in.newUser("carol", false)
	alice.post("/api/v1/accounts/"+bob.id()+"/follow", nil).want(t, http.StatusOK, nil)
	noisy := bob.postStatus("Another meme", "public")
	var rel fullRelOut
	alice.post("/api/v1/accounts/"+bob.id()+"/mute", form{"notifications": {"false"}}).want(t, http.StatusOK, &rel)
	if !rel.Muting || rel.MutingNotifications || rel.MutingExpiresAt != nil || !rel.Following {
		t.Errorf("mute without notifications: %+v", rel)
	}
	if home, _ := alice.home(""); slices.Contains(ids(home), noisy.ID) {
		t.Errorf("muted account's post still in home")
	}
	alice.post("/api/v1/accounts/"+carol.id()+"/mute", map[string]any{"duration": 3600}).want(t, http.StatusOK, &rel)
	if !rel.Muting || !rel.MutingNotifications || rel.MutingExpiresAt == nil {
		t.Errorf("timed mute: %+v", rel)
	}
	var muted []struct {
		accountOut
		MuteExpiresAt *string `json:"mute_expires_at"`
	}
	alice.get("/api/v1/mutes").want(t, http.StatusOK, &muted)
	if len(muted) != 2 || muted[0].ID != carol.id() || muted[0].MuteExpiresAt == nil || muted[1].MuteExpiresAt != nil {
		t.Errorf("mutes = %+v", muted)
	}
	alice.post("/api/v1/accounts/"+bob.id()+"/unmute", nil).want(t, http.StatusOK, &rel)
	if rel.Muting {
		t.Errorf("after unmute: %+v", rel)
	}
	alice.post("/api/v1/accounts/"+carol.id()+"/mute", form{"duration": {"soon"}}).wantError(t, http.StatusUnprocessableEntity, "Validation failed")
	alice.post("/api/v1/accounts/"+alice.id()+"/mute", nil).wantError(t, http.StatusUnprocessableEntity, "You cannot mute yourself")
}

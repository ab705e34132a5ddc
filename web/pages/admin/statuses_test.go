package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
)

// TestModeratorReviewsHeldPost: a held remote post is hidden from its
// follower, a moderator reads it (audited as staff access to a non-public
// post) and releases it (audited), and then the follower sees it.
func TestModeratorReviewsHeldPost(t *testing.T) {
	e := newEnv(t, 0)
	ctx := context.Background()
	remote := &storage.Account{Username: "dr", Domain: "other.example", URI: "https://other.example/users/dr",
		InboxURI: "https://other.example/users/dr/inbox"}
	if err := e.store.CreateAccount(ctx, remote); err != nil {
		t.Fatal(err)
	}
	alice := e.account("alice")
	if err := e.store.CreateFollow(ctx, &storage.Follow{AccountID: alice.ID, TargetAccountID: remote.ID, URI: "https://x/f", State: storage.FollowAccepted}); err != nil {
		t.Fatal(err)
	}
	st := &storage.Status{AccountID: remote.ID, URI: "https://other.example/notes/1", Content: "<p>held case text</p>",
		Visibility: storage.VisibilityPublic, Held: true}
	if err := e.store.CreateStatus(ctx, st); err != nil {
		t.Fatal(err)
	}
	if ok, _ := e.svc.CanSee(ctx, alice, st); ok {
		t.Fatal("a held post is visible")
	}
	b := e.signedIn("mod")
	before := e.auditCount()
	page := b.get("/admin/statuses/" + storage.FormatID(st.ID))
	if page.status != http.StatusOK || !strings.Contains(page.body, "held case text") || !strings.Contains(page.body, "held by the patient-identifier guard") {
		t.Fatalf("moderator view: %d %s", page.status, page.body)
	}
	if e.auditCount() != before+1 || e.lastAudit().Action != audit.StaffViewPrivate {
		t.Fatalf("staff access not audited: %+v", e.lastAudit())
	}
	act(t, e, b, "mod", "/admin/statuses/"+storage.FormatID(st.ID)+"/release", nil, http.StatusSeeOther, audit.StatusRelease, storage.FormatID(st.ID))
	got, err := e.store.Status(ctx, st.ID)
	if err != nil || got.Held {
		t.Fatalf("after release: %+v %v", got, err)
	}
	home, err := e.store.Home(ctx, alice.ID, storage.Page{Limit: 10})
	if err != nil || len(home) != 1 || home[0].ID != st.ID {
		t.Fatalf("released post not in the follower's home: %+v %v", home, err)
	}
	// A member cannot read it through the console.
	if r := e.signedIn("alice").get("/admin/statuses/" + storage.FormatID(st.ID)); r.status != http.StatusForbidden {
		t.Fatalf("member on the moderator view: %d", r.status)
	}
}

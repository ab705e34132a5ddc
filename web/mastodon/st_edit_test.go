package mastodon

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

type editOut struct {
	Content          string     `json:"content"`
	SpoilerText      string     `json:"spoiler_text"`
	Sensitive        bool       `json:"sensitive"`
	CreatedAt        string     `json:"created_at"`
	Account          accountOut `json:"account"`
	MediaAttachments []any      `json:"media_attachments"`
	Emojis           []any      `json:"emojis"`
}

func (in *instance) history(u *user, id string) []editOut {
	in.t.Helper()
	var list []editOut
	in.call(u, http.MethodGet, "/api/v1/statuses/"+id+"/history", nil).want(in.t, http.StatusOK, &list)
	return list
}

func TestEditHistoryAndSource(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	post := alice.postStatus("Grand rounds at noon", "public")
	if h := in.history(nil, post.ID); len(h) != 1 || !strings.Contains(h[0].Content, "noon") || h[0].Account.ID != alice.id() {
		t.Fatalf("history of an unedited post: %+v", h)
	}

	var st stStatus
	in.call(alice, http.MethodPut, "/api/v1/statuses/"+post.ID, map[string]any{"status": "Grand rounds at one #cardiology",
		"spoiler_text": "schedule", "visibility": "direct"}).want(t, http.StatusOK, &st)
	if st.ID != post.ID || !strings.Contains(st.Content, "at one") || st.EditedAt == nil || st.Visibility != "public" ||
		!st.Sensitive || st.SpoilerText != "schedule" || len(st.Tags) != 1 || st.Tags[0].Name != "cardiology" {
		t.Errorf("edited status %+v", st)
	}
	h := in.history(bob, post.ID)
	if len(h) != 2 || !strings.Contains(h[0].Content, "noon") || !strings.Contains(h[1].Content, "at one") ||
		h[1].SpoilerText != "schedule" || h[1].CreatedAt != *st.EditedAt || h[0].MediaAttachments == nil || h[0].Emojis == nil {
		t.Errorf("history %+v", h)
	}
	var src struct{ ID, Text, SpoilerText string }
	var raw map[string]any
	alice.get("/api/v1/statuses/"+post.ID+"/source").want(t, http.StatusOK, &raw).want(t, http.StatusOK, &src)
	if src.ID != post.ID || src.Text != "Grand rounds at one #cardiology" || raw["spoiler_text"] != "schedule" {
		t.Errorf("source %s", raw)
	}

	put := func(u *user, body any) *reply {
		return in.call(u, http.MethodPut, "/api/v1/statuses/"+post.ID, body)
	}
	put(bob, map[string]any{"status": "hijack"}).wantError(t, http.StatusNotFound, "Record not found")
	put(alice, map[string]any{"status": "  "}).wantError(t, http.StatusUnprocessableEntity, "Validation failed")
	put(nil, map[string]any{"status": "x"}).wantError(t, http.StatusUnauthorized, "The access token")
	put(in.newUser("reader", false, "read"), map[string]any{"status": "x"}).wantError(t, http.StatusForbidden, "This action is outside")
	in.call(alice, http.MethodPut, "/api/v1/statuses/999", map[string]any{"status": "x"}).wantError(t, http.StatusNotFound, "Record not found")
	in.call(nil, http.MethodGet, "/api/v1/statuses/"+post.ID+"/source", nil).wantError(t, http.StatusUnauthorized, "The access token")
}

// A followers-only post's history and source are as private as the post.
func TestEditHistoryVisibility(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob, eve := in.newUser("alice", false), in.newUser("bob", false), in.newUser("eve", false)
	bob.stFollow(alice)
	post := alice.postStatus("Followers only: draft rota", "private")
	in.call(alice, http.MethodPut, "/api/v1/statuses/"+post.ID, map[string]any{"status": "Followers only: final rota"}).
		want(t, http.StatusOK, nil)
	if h := in.history(bob, post.ID); len(h) != 2 {
		t.Errorf("follower sees %d versions", len(h))
	}
	for _, path := range []string{"/history", "/source"} {
		eve.get("/api/v1/statuses/"+post.ID+path).wantError(t, http.StatusNotFound, "Record not found")
	}
	in.call(nil, http.MethodGet, "/api/v1/statuses/"+post.ID+"/history", nil).wantError(t, http.StatusNotFound, "Record not found")
}

// Remote edits (an Update{Note} applied through UpdateStatus) keep history too.
func TestRemoteEditHistory(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	ctx := context.Background()
	remote := &storage.Account{ID: storage.NewID(), Username: "dana", Domain: "hospital-b.example",
		URI: "https://hospital-b.example/users/dana", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := in.store.CreateAccount(ctx, remote); err != nil {
		t.Fatal(err)
	}
	st := &storage.Status{ID: storage.NewID(), URI: "https://hospital-b.example/notes/1", AccountID: remote.ID,
		Content: "<p>first</p>", Visibility: "public", CreatedAt: time.Now().Add(-time.Hour)}
	if err := in.store.CreateStatus(ctx, st); err != nil {
		t.Fatal(err)
	}
	st.Content, st.EditedAt = "<p>second</p>", time.Now()
	if err := in.store.UpdateStatus(ctx, st); err != nil {
		t.Fatal(err)
	}
	h := in.history(alice, storage.FormatID(st.ID))
	if len(h) != 2 || h[0].Content != "<p>first</p>" || h[1].Content != "<p>second</p>" || h[0].Account.ID != storage.FormatID(remote.ID) {
		t.Errorf("remote history %+v", h)
	}
}

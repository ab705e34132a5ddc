package mastodon

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// A Create from a followed remote account, with a Mastodon-shaped Document
// attachment: stored as a remote media row, rendered from the remote URL.
const remoteCreate = `{
  "@context": "https://www.w3.org/ns/activitystreams",
  "id": "https://other.example/users/amy/statuses/7/activity", "type": "Create",
  "actor": "https://other.example/users/amy",
  "to": ["https://www.w3.org/ns/activitystreams#Public"],
  "object": {
    "id": "https://other.example/users/amy/statuses/7", "type": "Note",
    "attributedTo": "https://other.example/users/amy", "content": "<p>Teaching case</p>",
    "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": ["https://other.example/users/amy/followers"],
    "published": "2025-03-01T10:00:00Z",
    "attachment": [{"type": "Document", "mediaType": "image/png", "url": "https://files.other.example/ecg.png",
      "name": "ECG, sinus rhythm", "width": 800, "height": 600, "blurhash": "UBL_:rOpGG-o"}]
  }
}`

func TestRemoteNoteAttachments(t *testing.T) {
	in, _ := startMediaInstance(t)
	alice := in.newUser("alice", false)
	ctx := context.Background()
	amy := &storage.Account{Username: "amy", Domain: "other.example", URI: "https://other.example/users/amy",
		InboxURI: "https://other.example/users/amy/inbox", FollowersURI: "https://other.example/users/amy/followers",
		FetchedAt: time.Now()}
	if err := in.store.CreateAccount(ctx, amy); err != nil {
		t.Fatal(err)
	}
	if err := in.store.CreateFollow(ctx, &storage.Follow{AccountID: alice.acct.ID, TargetAccountID: amy.ID,
		URI: "http://" + in.host + "/follows/1", State: storage.FollowAccepted}); err != nil {
		t.Fatal(err)
	}
	if err := in.svc.ApplyInbox(ctx, &storage.InboxItem{ActivityID: "https://other.example/users/amy/statuses/7/activity",
		ActorURI: amy.URI, Body: []byte(remoteCreate)}); err != nil {
		t.Fatal(err)
	}
	st, err := in.store.StatusByURI(ctx, "https://other.example/users/amy/statuses/7")
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		MediaAttachments []mediaOut `json:"media_attachments"`
	}
	alice.get("/api/v1/statuses/"+storage.FormatID(st.ID)).want(t, http.StatusOK, &out)
	if len(out.MediaAttachments) != 1 {
		t.Fatalf("media_attachments %+v", out.MediaAttachments)
	}
	m := out.MediaAttachments[0]
	const u = "https://files.other.example/ecg.png"
	if m.Type != "image" || *m.URL != u || *m.PreviewURL != u || m.RemoteURL == nil || *m.RemoteURL != u ||
		*m.Description != "ECG, sinus rhythm" || *m.Blurhash != "UBL_:rOpGG-o" || m.Meta.Original.Width != 800 {
		t.Fatalf("remote attachment %+v", m)
	}
	// A remote row is nobody's upload here.
	alice.get("/api/v1/media/"+m.ID).wantError(t, http.StatusNotFound, "Record not found")
}

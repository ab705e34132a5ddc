package activitypub

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rounds-social/rounds/storage"
)

func TestNoteWithAttachments(t *testing.T) {
	s := status(storage.VisibilityPublic)
	atts := []Attachment{
		{URL: "https://rounds.example/media/0123456789abcdef0123456789abcdef/original.jpg", MediaType: "image/jpeg",
			Name: "Chest X-ray, PA view", Width: 1200, Height: 900, FocusX: 0.25, FocusY: -0.5},
		{URL: "https://rounds.example/media/fedcba9876543210fedcba9876543210/original.png", MediaType: "image/png"},
	}
	note, err := Note(s, bob(), base, NoteRefs{Attachments: atts})
	if err != nil {
		t.Fatal(err)
	}
	m := asMap(t, note)
	list, ok := m["attachment"].([]any)
	if !ok || len(list) != 2 {
		t.Fatalf("attachment = %#v", m["attachment"])
	}
	check(t, "first document", list[0], any(map[string]any{
		"type": "Document", "url": atts[0].URL, "mediaType": "image/jpeg", "name": "Chest X-ray, PA view",
		"width": 1200.0, "height": 900.0, "focalPoint": []any{0.25, -0.5}}))
	check(t, "second document", list[1], any(map[string]any{"type": "Document", "url": atts[1].URL, "mediaType": "image/png"}))

	create, err := Create(base.StatusActivity("bob", s.ID), base.Actor("bob"), note)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseActivity(create)
	if err != nil {
		t.Fatal(err)
	}
	atts[0].Type, atts[1].Type = "Document", "Document"
	check(t, "parsed attachments", a.Object.Attachments, atts)

	one, err := Note(s, bob(), base, NoteRefs{Attachments: atts[1:]})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := asMap(t, one)["attachment"].([]any); !ok {
		t.Errorf("one attachment is not written as an array: %s", one)
	}
}

// A Mastodon-shaped remote note, plus the shapes other servers send.
const remoteNote = `{
  "@context": ["https://www.w3.org/ns/activitystreams", {"blurhash": "toot:blurhash", "toot": "http://joinmastodon.org/ns#"}],
  "id": "https://other.example/users/amy/statuses/1/activity", "type": "Create",
  "actor": "https://other.example/users/amy",
  "object": {
    "id": "https://other.example/users/amy/statuses/1", "type": "Note",
    "attributedTo": "https://other.example/users/amy", "content": "<p>Interesting ECG</p>",
    "to": ["https://www.w3.org/ns/activitystreams#Public"],
    "attachment": [
      {"type": "Document", "mediaType": "image/jpeg", "url": "https://files.other.example/ecg.jpg",
       "name": "12-lead ECG", "blurhash": "UBL_:rOpGG-o", "focalPoint": [0.0, 2.5], "width": 1600, "height": 1200},
      {"type": "Image", "url": [{"type": "Link", "href": "https://files.other.example/b.png", "mediaType": "image/png"}]},
      {"type": "Document", "url": "javascript:alert(1)", "mediaType": "image/png"},
      {"type": "PropertyValue", "name": "x", "value": "y"},
      {"type": "Video", "url": "https://files.other.example/c.mp4", "mediaType": "video/mp4", "name": null},
      {"type": "Document", "url": "https://files.other.example/d.jpg"},
      {"type": "Document", "url": "https://files.other.example/e.jpg"}
    ]
  }
}`

func TestParseRemoteAttachments(t *testing.T) {
	a, err := ParseActivity([]byte(remoteNote))
	if err != nil {
		t.Fatal(err)
	}
	want := []Attachment{
		{Type: "Document", URL: "https://files.other.example/ecg.jpg", MediaType: "image/jpeg", Name: "12-lead ECG",
			Blurhash: "UBL_:rOpGG-o", Width: 1600, Height: 1200, FocusX: 0, FocusY: 1},
		{Type: "Image", URL: "https://files.other.example/b.png", MediaType: "image/png"},
		{Type: "Video", URL: "https://files.other.example/c.mp4", MediaType: "video/mp4"},
		{Type: "Document", URL: "https://files.other.example/d.jpg"},
	}
	check(t, "attachments", a.Object.Attachments, want)
}

func TestParseAttachmentLimits(t *testing.T) {
	long := strings.Repeat("é", maxAltText+10)
	doc := fmt.Sprintf(`{"@context": "https://www.w3.org/ns/activitystreams", "id": "https://o.example/a", "type": "Create",
		"actor": "https://o.example/u", "object": {"id": "https://o.example/n", "type": "Note",
		"attachment": {"type": "Document", "url": "https://o.example/f.jpg", "name": %q, "width": 1e12, "height": -3}}}`, long)
	a, err := ParseActivity([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	got := a.Object.Attachments
	if len(got) != 1 || len([]rune(got[0].Name)) != maxAltText || got[0].Width != 0 || got[0].Height != 0 {
		t.Fatalf("attachments = %+v", got)
	}
}

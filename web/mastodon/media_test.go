package mastodon

import (
	"bytes"
	"context"
	"encoding/json"
	"image/jpeg"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rounds-social/rounds/storage"
)

// metadataMarks are bytes no stored or served file may contain.
var metadataMarks = []string{"Exif", "GPS", "xap/1.0", "xmpmeta", "Doe^John", "DOB", "tEXt", "iTXt"}

func assertNoMetadata(t *testing.T, name string, b []byte) {
	t.Helper()
	for _, s := range metadataMarks {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%s contains %q", name, s)
		}
	}
	if bytes.Contains(b, []byte{0xFF, 0xE1}) {
		t.Errorf("%s contains an APP1 marker", name)
	}
}

// assertStoredFilesClean reads every file under the media directory.
func assertStoredFilesClean(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return filepath.SkipAll // nothing stored yet
		}
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		assertNoMetadata(t, p, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestUploadJPEGStripsEXIF(t *testing.T) {
	in, dir := startMediaInstance(t)
	alice := in.newUser("alice", false)
	src := withEXIF(testPhoto(t, 600, 300))
	var m mediaOut
	alice.upload("/api/v2/media", "IMG_0042.jpg", "image/jpeg", src,
		map[string]string{"description": "Lateral knee film", "focus": "0.5,-0.25"}).want(t, http.StatusOK, &m)
	if m.Type != "image" || m.URL == nil || m.PreviewURL == nil || m.RemoteURL != nil || m.TextURL != nil || m.Blurhash != nil {
		t.Fatalf("entity %+v", m)
	}
	if m.Description == nil || *m.Description != "Lateral knee film" || m.Meta.Focus.X != 0.5 || m.Meta.Focus.Y != -0.25 {
		t.Errorf("description/focus %+v", m)
	}
	o := m.Meta.Original
	if o.Width != 600 || o.Height != 300 || o.Size != "600x300" || o.Aspect != 2 || m.Meta.Small.Width != 400 || m.Meta.Small.Height != 200 {
		t.Errorf("meta %+v", m.Meta)
	}
	for _, u := range []string{*m.URL, *m.PreviewURL} {
		resp, body := fetchFile(t, u)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("GET %s: %d %s", u, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		assertNoMetadata(t, u, body)
		if _, err := jpeg.Decode(bytes.NewReader(body)); err != nil {
			t.Errorf("%s does not decode: %v", u, err)
		}
		if cc := resp.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
			t.Errorf("unattached upload Cache-Control %q", cc)
		}
	}
	if n := assertStoredFilesClean(t, dir); n != 2 {
		t.Errorf("%d files stored, want 2", n)
	}
	var again mediaOut
	alice.get("/api/v1/media/"+m.ID).want(t, http.StatusOK, &again)
	if again.ID != m.ID || *again.URL != *m.URL {
		t.Errorf("GET media %+v", again)
	}
}

func TestUploadPNGStripsTextChunks(t *testing.T) {
	in, dir := startMediaInstance(t)
	alice := in.newUser("alice", false)
	var m mediaOut
	alice.upload("/api/v1/media", "scan.png", "image/png", withTextChunks(testGraphic(t)), nil).want(t, http.StatusOK, &m)
	resp, body := fetchFile(t, *m.URL)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || !strings.HasSuffix(*m.URL, ".png") {
		t.Fatalf("GET %s: %d %s", *m.URL, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if _, err := png.Decode(bytes.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	assertStoredFilesClean(t, dir)
}

func TestUploadRefusals(t *testing.T) {
	in, dir := startMediaInstance(t)
	alice := in.newUser("alice", false)
	dicom := append(make([]byte, 128), "DICM\x02\x00\x00\x00UL\x04\x00\xc4\x00\x00\x00"...)
	photo := testPhoto(t, 16, 16)
	oversized := append(append([]byte{}, photo...), make([]byte, 16<<20)...)
	cases := []struct {
		name, file, typ string
		data            []byte
		status          int
		msg             string
	}{
		{"dicom", "CT0001.bin", "application/octet-stream", dicom, 422, "DICOM files cannot be uploaded: export a de-identified image instead"},
		{"dicom type", "x.jpg", "application/dicom", photo, 422, "DICOM files cannot be uploaded"},
		{"garbage", "x.jpg", "image/jpeg", []byte("not an image, just text"), 422, "Unsupported file type"},
		{"truncated", "x.jpg", "image/jpeg", photo[:len(photo)/2], 422, "The file could not be read"},
		{"oversized", "x.jpg", "image/jpeg", oversized, 413, "File is too large"},
		{"body over limit", "x.jpg", "image/jpeg", make([]byte, MaxUploadBodyBytes), 413, ""},
		{"no file", "", "", nil, 422, "Validation failed: File can't be blank"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			alice.upload("/api/v2/media", c.file, c.typ, c.data, nil).wantError(t, c.status, c.msg)
		})
	}
	alice.upload("/api/v2/media", "x.jpg", "image/jpeg", photo, map[string]string{"focus": "2,0"}).wantError(t, 422, "Validation failed: Focus")
	alice.upload("/api/v2/media", "x.jpg", "image/jpeg", photo,
		map[string]string{"description": strings.Repeat("a", 1501)}).wantError(t, 422, "Validation failed: Description")
	if n := assertStoredFilesClean(t, dir); n != 0 {
		t.Errorf("%d files stored by refused uploads", n)
	}
	reader := in.newUser("reader", false, "read")
	reader.upload("/api/v2/media", "x.jpg", "image/jpeg", photo, nil).wantError(t, 403, "This action is outside")
	in.call(nil, http.MethodGet, "/api/v1/media/1", nil).wantError(t, 401, "")
}

func TestPostWithMedia(t *testing.T) {
	in, _ := startMediaInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	var m mediaOut
	alice.upload("/api/v2/media", "a.jpg", "image/jpeg", testPhoto(t, 50, 40), nil).want(t, http.StatusOK, &m)

	// Someone else's upload: not attachable, not visible, not editable.
	bob.post("/api/v1/statuses", map[string]any{"status": "x", "media_ids": []string{m.ID}}).wantError(t, 422, "Validation failed: Media attachment")
	bob.get("/api/v1/media/"+m.ID).wantError(t, 404, "Record not found")
	in.call(bob, http.MethodPut, "/api/v1/media/"+m.ID, map[string]any{"description": "mine"}).wantError(t, 404, "Record not found")
	alice.post("/api/v1/statuses", map[string]any{"status": "x", "media_ids": []string{"1", "2", "3", "4", "5"}}).wantError(t, 422, "Validation failed")
	alice.post("/api/v1/statuses", map[string]any{"media_ids": []string{"abc"}}).wantError(t, 422, "Validation failed")

	var edited mediaOut
	in.call(alice, http.MethodPut, "/api/v1/media/"+m.ID, form{"description": {"AP chest film"}, "focus": {"0.1,0.2"}}).want(t, 200, &edited)
	if *edited.Description != "AP chest film" || edited.Meta.Focus.X != 0.1 {
		t.Fatalf("edited %+v", edited)
	}

	// Empty text is fine when media is attached.
	var st struct {
		ID               string     `json:"id"`
		MediaAttachments []mediaOut `json:"media_attachments"`
	}
	alice.post("/api/v1/statuses", map[string]any{"status": "", "media_ids": []string{m.ID}}).want(t, 200, &st)
	if len(st.MediaAttachments) != 1 || st.MediaAttachments[0].ID != m.ID || *st.MediaAttachments[0].URL != *m.URL ||
		*st.MediaAttachments[0].Description != "AP chest film" {
		t.Fatalf("media_attachments %+v", st.MediaAttachments)
	}
	resp, _ := fetchFile(t, *st.MediaAttachments[0].PreviewURL)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(resp.Header.Get("Cache-Control"), "public") {
		t.Fatalf("preview: %d %v", resp.StatusCode, resp.Header)
	}
	// Attached: no second status, no more edits here.
	alice.post("/api/v1/statuses", map[string]any{"status": "again", "media_ids": []string{m.ID}}).wantError(t, 422, "Validation failed: Media attachment")
	in.call(alice, http.MethodPut, "/api/v1/media/"+m.ID, map[string]any{"description": "x"}).wantError(t, 404, "Record not found")

	var seen statusOut
	bob.get("/api/v1/statuses/"+st.ID).want(t, 200, &seen)
	if len(seen.MediaAttachments) != 1 {
		t.Errorf("bob sees %d attachments", len(seen.MediaAttachments))
	}
	checkNoteAttachment(t, in, alice, st.ID, *m.URL)

	// Deleting the status stops the files being served.
	in.call(alice, http.MethodDelete, "/api/v1/statuses/"+st.ID, nil).want(t, 200, nil)
	if resp, _ := fetchFile(t, *m.URL); resp.StatusCode != 404 {
		t.Errorf("after delete: %d", resp.StatusCode)
	}
}

// checkNoteAttachment renders the Note peers receive for a status.
func checkNoteAttachment(t *testing.T, in *instance, u *user, statusID, url string) {
	t.Helper()
	id, _ := storage.ParseID(statusID)
	st, err := in.store.Status(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := in.svc.NoteDocument(context.Background(), u.acct, st)
	if err != nil {
		t.Fatal(err)
	}
	var note struct {
		Attachment []map[string]any `json:"attachment"`
	}
	if err := json.Unmarshal(doc, &note); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"type": "Document", "mediaType": "image/jpeg", "url": url, "name": "AP chest film",
		"width": 50.0, "height": 40.0, "focalPoint": []any{0.1, 0.2}}
	if len(note.Attachment) != 1 || !equalJSON(note.Attachment[0], want) {
		t.Fatalf("note attachment %v, want %v", note.Attachment, want)
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestMediaFileRoute(t *testing.T) {
	in, _ := startMediaInstance(t)
	alice := in.newUser("alice", false)
	var m mediaOut
	alice.upload("/api/v2/media", "a.jpg", "image/jpeg", testPhoto(t, 20, 20), nil).want(t, 200, &m)
	good := *m.URL
	for _, u := range []string{
		strings.Replace(good, ".jpg", ".png", 1),
		strings.Replace(good, "original", "large", 1),
		in.srv.URL + "/media/0123456789abcdef0123456789abcdef/original.jpg",
		in.srv.URL + "/media/..%2F..%2Frounds.db/original.jpg",
		in.srv.URL + "/media/abc/original.jpg",
	} {
		if resp, _ := fetchFile(t, u); resp.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", u, resp.StatusCode)
		}
	}
	resp, _ := fetchFile(t, good)
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", resp.Header)
	}
}

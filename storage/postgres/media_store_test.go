package postgres

import (
	"errors"
	"testing"

	"github.com/rounds-social/rounds/storage"
)

func TestMediaAttachAllOrNone(t *testing.T) {
	ctx := t.Context()
	db := open(t, freshSchema(t))
	var accts [2]*storage.Account
	for i, name := range []string{"alice", "bob"} {
		accts[i] = &storage.Account{Username: name, URI: "https://h.example/users/" + name}
		if err := db.CreateAccount(ctx, accts[i]); err != nil {
			t.Fatal(err)
		}
	}
	mine := &storage.Media{AccountID: accts[0].ID, Type: storage.MediaImage, ContentType: "image/jpeg", FileKey: "0123456789abcdef0123456789abcdef"}
	theirs := &storage.Media{AccountID: accts[1].ID, Type: storage.MediaImage, ContentType: "image/png", FileKey: "fedcba9876543210fedcba9876543210"}
	for _, m := range []*storage.Media{mine, theirs} {
		if err := db.CreateMedia(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	st := &storage.Status{AccountID: accts[0].ID, URI: "https://h.example/s/1", Visibility: storage.VisibilityPublic}
	if err := db.CreateStatus(ctx, st); err != nil {
		t.Fatal(err)
	}
	err := db.AttachMedia(ctx, accts[0].ID, st.ID, []int64{mine.ID, theirs.ID})
	if !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("attach someone else's: %v", err)
	}
	if got, _ := db.MediaByID(ctx, mine.ID); got.StatusID != 0 {
		t.Fatal("a failed attach attached part of the list")
	}
	if err := db.AttachMedia(ctx, accts[0].ID, st.ID, []int64{mine.ID}); err != nil {
		t.Fatal(err)
	}
	if err := db.AttachMedia(ctx, accts[0].ID, st.ID, []int64{mine.ID}); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("attach twice: %v", err)
	}
	list, err := db.StatusMedia(ctx, st.ID)
	if err != nil || len(list) != 1 || list[0].ID != mine.ID || list[0].FileKey != mine.FileKey {
		t.Fatalf("status media %+v, %v", list, err)
	}
	if got, err := db.MediaByFileKey(ctx, theirs.FileKey); err != nil || got.ID != theirs.ID {
		t.Fatalf("by key: %+v, %v", got, err)
	}
	if err := db.DeleteStatus(ctx, st.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MediaByID(ctx, mine.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("media of a deleted status: %v", err)
	}
}

package main

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rounds-social/rounds/storage"
)

// remoteHas reports whether in's database holds a status with uri.
func remoteHas(t *testing.T, in *fedInstance, uri string) bool {
	t.Helper()
	store, err := openStore(context.Background(), fedConfig(in.host, in.db))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	_, err = store.StatusByURI(context.Background(), uri)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

func remoteAccountDeleted(t *testing.T, in *fedInstance, uri string) bool {
	t.Helper()
	store, err := openStore(context.Background(), fedConfig(in.host, in.db))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	a, err := store.AccountByURI(context.Background(), uri)
	return err == nil && !a.DeletedAt.IsZero()
}

// TestRetractAndEraseReachEveryRecipient: the ledger knows every server
// that got a post, retraction sends Delete to each (even one whose user has
// since unfollowed), and erasure deletes the account everywhere it reached.
func TestRetractAndEraseReachEveryRecipient(t *testing.T) {
	hostA, hostB, hostC := fedFreeHost(t), fedFreeHost(t), fedFreeHost(t)
	a := fedStart(t, hostA, fedDB(t, "a"))
	b, c := fedStart(t, hostB, fedDB(t, "b")), fedStart(t, hostC, fedDB(t, "c"))
	alice := a.user("alice", false)
	bob, carol := b.user("bob", false), c.user("carol", false)
	ids := map[*fedClient]string{}
	for _, f := range []*fedClient{bob, carol} {
		ids[f] = f.resolve("alice@" + hostA)
		f.do("POST", "/api/v1/accounts/"+ids[f]+"/follow", nil, nil)
		eventually(t, f.name+" follows alice", func() bool { return f.relationship(ids[f])["following"] == true })
	}
	post := alice.post("Case discussion: unusual ECG", "public")
	uri := "http://" + hostA + "/users/alice/statuses/" + post.ID
	eventually(t, "both servers hold the post", func() bool { return remoteHas(t, b, uri) && remoteHas(t, c, uri) })
	ledger := a.admin("status", "recipients", post.ID)
	for _, h := range []string{hostB, hostC} {
		if !strings.Contains(ledger, h) {
			t.Fatalf("ledger lacks %s:\n%s", h, ledger)
		}
	}
	bob.do("POST", "/api/v1/accounts/"+ids[bob]+"/unfollow", nil, nil)
	eventually(t, "bob unfollowed", func() bool { return bob.relationship(ids[bob])["following"] == false })

	out := a.admin("status", "retract", post.ID, "--reason", "contains an identifier")
	if !strings.Contains(out, "Delete queued to 2") {
		t.Fatalf("retract: %s", out)
	}
	eventually(t, "the Delete reaches both servers", func() bool { return !remoteHas(t, b, uri) && !remoteHas(t, c, uri) })
	eventually(t, "the ledger records both acknowledgements", func() bool {
		done := 0
		for _, line := range strings.Split(a.admin("status", "recipients", post.ID), "\n") {
			if f := strings.Fields(line); len(f) > 2 && f[1] == "Delete" && f[2] == "done" {
				done++
			}
		}
		return done == 2
	})
	if audit := a.admin("audit", "list", "--action", "status.retract"); !strings.Contains(audit, post.ID) {
		t.Fatalf("retraction not audited:\n%s", audit)
	}

	// Export before erasure holds the account's data, private posts included.
	alice.post("followers-only note", "private")
	archive := filepath.Join(t.TempDir(), "alice.tar.gz")
	a.admin("account", "export", "alice", "--out", archive)
	files := readArchive(t, archive)
	for _, name := range []string{"actor.json", "outbox.json", "likes.json", "bookmarks.json", "followers.json", "following.json"} {
		if _, ok := files[name]; !ok {
			t.Fatalf("archive lacks %s (has %v)", name, files)
		}
	}
	if !strings.Contains(files["outbox.json"], "followers-only note") || !strings.Contains(files["followers.json"], hostC) {
		t.Fatalf("archive content: outbox %q followers %q", files["outbox.json"], files["followers.json"])
	}

	out = a.admin("account", "erase", "alice", "--confirm", "alice")
	if !strings.Contains(out, "2 remote servers") {
		t.Fatalf("erase: %s", out)
	}
	actor := "http://" + hostA + "/users/alice"
	eventually(t, "both servers delete the account", func() bool {
		return remoteAccountDeleted(t, b, actor) && remoteAccountDeleted(t, c, actor)
	})
	if audit := a.admin("audit", "verify"); !strings.Contains(audit, "intact") {
		t.Fatalf("audit after erasure: %s", audit)
	}
}

func readArchive(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	out := map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out[h.Name] = string(b)
	}
}

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFaultDiskFullKeepsServingReads runs an instance whose database lives
// on a 4 MB tmpfs, fills the file system, and checks that posting fails with
// a clear JSON 5xx error while reads (home timeline, actor document,
// /healthz) keep working, and that posting works again once space is freed.
// It needs to mount a tmpfs (root in the CI container); elsewhere it skips.
func TestFaultDiskFullKeepsServingReads(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	began := time.Now()
	mnt := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4M", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (needs root): %v %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", "-l", mnt).CombinedOutput(); err != nil {
			t.Logf("umount %s: %v %s", mnt, err, out)
		}
	})
	in := &instance{dir: mnt, db: filepath.Join(mnt, "rounds.db"), host: freeAddr(t),
		extra: []string{"ROUNDS_LOG_LEVEL=warn"}}
	in.createAccount(t, "author")
	author := &fedClient{t: t, base: in.baseURL(), token: in.token(t, "author"), name: "author"}
	p := startProcess(t, in)

	for i := range 3 {
		author.post(fmt.Sprintf("Before the disk filled up, note %d", i), "public")
	}

	// Fill every free byte.
	filler, err := os.Create(filepath.Join(mnt, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	for {
		if _, err := filler.Write(buf); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("fill: %v", err)
			}
			break
		}
	}
	for small := buf[:512]; ; {
		if _, err := filler.Write(small); err != nil {
			break
		}
	}
	filler.Close()

	// Posting fails (the WAL may take a few more writes in space it already
	// holds), and the failure is a JSON error with a 5xx status.
	var status int
	var body string
	for i := 0; i < 200 && status < 500; i++ {
		status, body = diskPost(t, author, fmt.Sprintf("After the disk filled up, note %d: %s", i, strings.Repeat("lorem ipsum ", 200)))
		if status != 200 && status < 500 {
			t.Fatalf("post on a full disk: HTTP %d %s", status, body)
		}
	}
	if status < 500 {
		t.Fatalf("200 posts succeeded on a full disk")
	}
	var e struct{ Error string }
	if json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
		t.Errorf("post on a full disk: HTTP %d, body %q is not a JSON error", status, body)
	}
	t.Logf("post on a full disk: HTTP %d %s", status, strings.TrimSpace(body))

	// Reads keep working.
	if n := hasContent(author.home(), "Before the disk filled up"); n < 3 {
		t.Errorf("home timeline on a full disk shows %d of the 3 earlier posts", n)
	}
	req, _ := http.NewRequest("GET", in.baseURL()+"/users/author", nil)
	req.Header.Set("Accept", "application/activity+json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Errorf("actor document on a full disk: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if resp, err := http.Get(in.baseURL() + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("/healthz on a full disk: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	select {
	case err := <-p.done:
		p.done <- err
		t.Fatalf("the server exited on a full disk: %v\n%s", err, p.stderr)
	default:
	}

	// Space comes back: so does posting.
	if err := os.Remove(filepath.Join(mnt, "filler")); err != nil {
		t.Fatal(err)
	}
	if status, body := diskPost(t, author, "The disk has room again"); status != 200 {
		t.Errorf("post after space was freed: HTTP %d %s", status, body)
	}
	t.Logf("total %s", time.Since(began).Round(time.Millisecond))
}

// diskPost posts a status and returns the status code and body, whatever they are.
func diskPost(t *testing.T, c *fedClient, text string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", c.base+"/api/v1/statuses", strings.NewReader(url.Values{"status": {text}}.Encode()))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

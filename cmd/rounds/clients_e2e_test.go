package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMastodonClients runs testdata/clients/day.mjs: the Mastodon client
// libraries masto (7.x) and megalodon, on Node, against two Rounds instances
// on 127.0.0.1. The script signs in through the OAuth HTML pages like a
// browser, then spends a day in the life of a clinician (profile, media,
// threads, favourites, boosts, bookmarks, following someone on the other
// instance, paginated home and notifications, streaming, delete), asserting
// on every returned entity. Needs Node 20 and `npm ci` in
// cmd/rounds/testdata/clients.
func TestMastodonClients(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two instances and Node; not in -short")
	}
	dir := filepath.Join("testdata", "clients")
	for _, pkg := range []string{"masto", "megalodon"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
			t.Fatalf("run npm ci in cmd/rounds/testdata/clients (%s is not installed: %v)", pkg, err)
		}
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("the client e2e test needs Node 20 as `node`: %v", err)
	}

	hostA, hostB := fedFreeHost(t), fedFreeHost(t)
	a := fedStart(t, hostA, fedDB(t, "a"))
	b := fedStart(t, hostB, fedDB(t, "b"))
	const password = "correct-horse-battery-staple"
	emailA, emailB := "alice@a.example", "bob@b.example"
	a.admin("account", "create", "--username", "alice", "--email", emailA, "--password", password)
	a.admin("account", "create", "--username", "carol", "--email", "carol@a.example", "--password", password)
	b.admin("account", "create", "--username", "bob", "--email", emailB, "--password", password)
	carolToken := a.admin("token", "create", "--username", "carol", "--scopes", "read write follow push")

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "day.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"ROUNDS_A=http://"+hostA, "ROUNDS_B=http://"+hostB,
		"A_USER=alice", "A_EMAIL="+emailA, "A_PASSWORD="+password,
		"B_USER=bob", "B_EMAIL="+emailB, "B_PASSWORD="+password,
		"C_USER=carol", "C_TOKEN="+carolToken,
		"NODE_NO_WARNINGS=1",
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	summary := ""
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "SUMMARY:") {
			summary = line
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			t.Fatalf("node day.mjs did not finish in time:\n%s", out.String())
		}
		t.Fatalf("node day.mjs: %v\n%s", err, out.String())
	}
	if summary == "" {
		t.Fatalf("node day.mjs printed no summary:\n%s", out.String())
	}
	t.Log(summary)
	if testing.Verbose() {
		t.Log(out.String())
	}
}

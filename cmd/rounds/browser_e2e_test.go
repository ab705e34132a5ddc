package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/config"
)

// TestBrowserAdminConsole drives Debian's headless Chromium (playwright-core,
// testdata/browser) through a real instance: the admin signs in and invites
// a clinician, who registers from the link and posts (through the API, with
// a CLI token); the profile and post pages show the post; the admin verifies
// the clinician and the badge appears; the admin blocks a domain and the
// federation page shows it; the audit log lists all of it and its chain
// verifies. Screenshots go to the test's temporary folder (printed), or to
// $ROUNDS_SCREENSHOTS when set.
func TestBrowserAdminConsole(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium; not in -short")
	}
	dir := filepath.Join("testdata", "browser")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err != nil {
		t.Fatalf("run npm ci in cmd/rounds/testdata/browser (playwright-core is not installed: %v)", err)
	}
	chromium := "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("the browser test needs Debian's chromium (apt-get install chromium): %v", err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("the browser test needs Node 20 as `node`: %v", err)
	}
	out := os.Getenv("ROUNDS_SCREENSHOTS")
	if out == "" {
		out = t.TempDir()
	} else if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", out)

	host := fedFreeHost(t)
	in := fedStartWith(t, host, fedDB(t, "browser"), func(c *config.Config) { c.Registrations = "invite" })
	const adminPassword, clinician = "an-admin-password-for-tests", "dana"
	in.admin("account", "create", "--username", "root", "--email", "root@hospital.example", "--role", "admin",
		"--password", adminPassword)
	base := "http://" + host

	runNode := func(phase string, extra ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, node, "admin.mjs", phase)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append([]string{"BASE=" + base, "OUT=" + out, "CLINICIAN=" + clinician,
			"ADMIN_EMAIL=root@hospital.example", "ADMIN_PASSWORD=" + adminPassword, "CHROMIUM=" + chromium,
			"NODE_NO_WARNINGS=1"}, extra...)...)
		var buf bytes.Buffer
		cmd.Stdout, cmd.Stderr = &buf, &buf
		cmd.WaitDelay = 5 * time.Second
		err := cmd.Run()
		t.Logf("node admin.mjs %s:\n%s", phase, buf.String())
		if err != nil || !strings.Contains(buf.String(), "RESULT:") {
			t.Fatalf("node admin.mjs %s: %v", phase, err)
		}
	}

	runNode("register")

	// The clinician posts through the Mastodon API.
	token := in.admin("token", "create", "--username", clinician, "--scopes", "read write")
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/statuses", strings.NewReader(url.Values{
		"status": {"Morning handover went smoothly #icu"}, "visibility": {"public"}}.Encode()))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		URL string `json:"url"`
	}
	err = json.NewDecoder(res.Body).Decode(&st)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || err != nil || st.URL == "" {
		t.Fatalf("post: %d %v %+v", res.StatusCode, err, st)
	}

	runNode("verify", "POST_URL="+st.URL)

	shots, _ := filepath.Glob(filepath.Join(out, "*.png"))
	if len(shots) < 12 {
		t.Fatalf("only %d screenshots in %s", len(shots), out)
	}
}

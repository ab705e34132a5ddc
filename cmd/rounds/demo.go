package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rounds-social/rounds/config"
)

// cmdDemo starts two federated instances on loopback — hospital-a and
// hospital-b — with seeded clinicians, a cross-institution follow and a few
// posts, and prints what to try. It runs until interrupted.
func cmdDemo(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("demo", "rounds demo [--dir DIR] [--port-a 8081] [--port-b 8082]", e)
	dir := fs.String("dir", "", "where to keep the two databases (default: a new temporary folder)")
	portA := fs.Int("port-a", 8081, "port of hospital-a")
	portB := fs.Int("port-b", 8082, "port of hospital-b")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "rounds-demo-")
		if err != nil {
			return err
		}
		*dir = d
	}
	a := demoConfig("Hospital A", fmt.Sprintf("127.0.0.1:%d", *portA), filepath.Join(*dir, "hospital-a.db"))
	b := demoConfig("Hospital B", fmt.Sprintf("127.0.0.1:%d", *portB), filepath.Join(*dir, "hospital-b.db"))
	quiet := env{stdout: io.Discard, stderr: io.Discard, environ: e.environ}
	errc := make(chan error, 2)
	for _, cfg := range []config.Config{a, b} {
		ready := make(chan struct{})
		go func() { errc <- serve(ctx, cfg, quiet, func(string) { close(ready) }) }()
		select {
		case <-ready:
		case err := <-errc:
			return fmt.Errorf("demo: start %s: %w", cfg.Instance.Name, err)
		}
	}
	tokens, err := seedDemo(ctx, a, b)
	if err != nil {
		return fmt.Errorf("demo: seed: %w", err)
	}
	printDemo(e, a, b, *dir, tokens)
	<-ctx.Done()
	<-errc
	<-errc
	return nil
}

func demoConfig(name, host, db string) config.Config {
	cfg := config.Default()
	cfg.Instance.Name = name
	cfg.Host, cfg.Listen, cfg.Protocol, cfg.Database = host, host, "http", db
	cfg.AllowPrivateAddresses = true
	cfg.Delivery.RetryBase = time.Second
	cfg.Log.Level = "warn"
	return cfg
}

type demoUser struct {
	cfg         config.Config
	name, token string
}

// seedDemo creates clinicians (idempotent across runs on the same --dir),
// has alice@A follow bob@B, and posts a few statuses.
func seedDemo(ctx context.Context, a, b config.Config) ([]demoUser, error) {
	users := []demoUser{{cfg: a, name: "alice"}, {cfg: a, name: "amir"}, {cfg: b, name: "bob"}, {cfg: b, name: "beatriz"}}
	for i := range users {
		u := &users[i]
		flags := []string{"--database", u.cfg.Database, "--host", u.cfg.Host, "--protocol", "http"}
		var out strings.Builder
		quiet := env{stdout: &out, stderr: io.Discard}
		run(ctx, append([]string{"admin", "account", "create", "--username", u.name, "--email", u.name + "@" + strings.ToLower(strings.ReplaceAll(u.cfg.Instance.Name, " ", "-")) + ".example"}, flags...), quiet)
		out.Reset()
		if code := run(ctx, append([]string{"admin", "token", "create", "--username", u.name}, flags...), quiet); code != 0 {
			return nil, fmt.Errorf("token for %s failed", u.name)
		}
		u.token = strings.TrimSpace(out.String())
	}
	alice, bob := users[0], users[2]
	var found struct{ Accounts []struct{ ID string } }
	if err := demoAPI(ctx, alice, "GET", "/api/v2/search?resolve=true&type=accounts&q="+url.QueryEscape("bob@"+b.Host), nil, &found); err != nil || len(found.Accounts) == 0 {
		return nil, fmt.Errorf("alice could not find bob@%s: %v", b.Host, err)
	}
	if err := demoAPI(ctx, alice, "POST", "/api/v1/accounts/"+found.Accounts[0].ID+"/follow", nil, nil); err != nil {
		return nil, err
	}
	time.Sleep(500 * time.Millisecond) // let the Accept come back before bob posts
	posts := []struct {
		u         demoUser
		text, vis string
	}{
		{bob, "Grand rounds Thursday: managing new-onset AF in the ED. All welcome. #cardiology", "public"},
		{bob, "Followers only: our echo lab is trialling a new strain protocol, notes to follow.", "private"},
		{alice, "Hello from Hospital A! Looking forward to cross-site case discussions. #meded", "public"},
	}
	for _, p := range posts {
		if err := demoAPI(ctx, p.u, "POST", "/api/v1/statuses", url.Values{"status": {p.text}, "visibility": {p.vis}}, nil); err != nil {
			return nil, err
		}
	}
	return users, nil
}

func demoAPI(ctx context.Context, u demoUser, method, path string, form url.Values, out any) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u.cfg.BaseURL()+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+u.token)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

func printDemo(e env, a, b config.Config, dir string, users []demoUser) {
	fmt.Fprintf(e.stdout, "Rounds demo: two federated instances on loopback (data in %s)\n\n", dir)
	fmt.Fprintf(e.stdout, "  hospital-a  %s\n  hospital-b  %s\n\n", a.BaseURL(), b.BaseURL())
	fmt.Fprintln(e.stdout, "Clinicians and API tokens (alice@A follows bob@B):")
	for _, u := range users {
		fmt.Fprintf(e.stdout, "  %-8s @%s@%s  %s\n", u.name, u.name, u.cfg.Host, u.token)
	}
	alice := users[0]
	fmt.Fprintf(e.stdout, `
Try:
  curl -s -H 'Authorization: Bearer %s' %s/api/v1/timelines/home
  curl -s -H 'Accept: application/activity+json' %s/users/bob

Press Ctrl-C to stop.
`, alice.token, a.BaseURL(), b.BaseURL())
}

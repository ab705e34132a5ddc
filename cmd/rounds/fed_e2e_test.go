package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/config"
)

// fedInstance is one Rounds instance running in-process on 127.0.0.1.
type fedInstance struct {
	t      *testing.T
	host   string
	db     string
	cancel context.CancelFunc
	done   chan error
}

func fedFreeHost(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func fedConfig(host, db string) config.Config {
	cfg := config.Default()
	cfg.Host, cfg.Listen, cfg.Protocol, cfg.Database = host, host, "http", db
	if strings.Contains(db, "://") {
		cfg.MediaDir = filepath.Join(os.TempDir(), "rounds-test-media-"+strings.ReplaceAll(host, ":", "-"))
	}
	cfg.AllowPrivateAddresses = true
	cfg.Delivery.RetryBase = 100 * time.Millisecond
	cfg.Log.Level = "warn"
	return cfg
}

// fedStart starts an instance on host with database db (new or existing).
func fedStart(t *testing.T, host, db string) *fedInstance {
	t.Helper()
	return fedStartWith(t, host, db, nil)
}

// fedStartWith is fedStart with a config tweak.
func fedStartWith(t *testing.T, host, db string, tweak func(*config.Config)) *fedInstance {
	t.Helper()
	in := &fedInstance{t: t, host: host, db: db, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	in.cancel = cancel
	ready := make(chan struct{})
	go func() {
		cfg := fedConfig(host, db)
		if tweak != nil {
			tweak(&cfg)
		}
		in.done <- serve(ctx, cfg, env{stdout: io.Discard, stderr: io.Discard}, func(string) { close(ready) })
	}()
	select {
	case <-ready:
	case err := <-in.done:
		t.Fatalf("instance %s did not start: %v", host, err)
	case <-time.After(20 * time.Second):
		t.Fatalf("instance %s did not start in time", host)
	}
	t.Cleanup(in.stop)
	return in
}

func (in *fedInstance) stop() {
	if in.cancel == nil {
		return
	}
	in.cancel()
	<-in.done
	in.cancel = nil
}

// admin runs a `rounds admin` command against the instance's database.
func (in *fedInstance) admin(args ...string) string {
	in.t.Helper()
	var out, errb bytes.Buffer
	args = append(append([]string{"admin"}, args...), "--database", in.db, "--host", in.host, "--protocol", "http")
	if code := run(context.Background(), args, env{stdout: &out, stderr: &errb}); code != 0 {
		in.t.Fatalf("rounds %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
	}
	return strings.TrimSpace(out.String())
}

// user creates an account and returns an API client for it.
func (in *fedInstance) user(name string, locked bool) *fedClient {
	in.admin("account", "create", "--username", name, "--email", name+"@"+strings.Split(in.host, ":")[0]+".example", "--password", "correct-horse-battery")
	tok := in.admin("token", "create", "--username", name)
	c := &fedClient{t: in.t, base: "http://" + in.host, token: tok, name: name}
	if locked {
		c.lock(in)
	}
	return c
}

type fedClient struct {
	t     *testing.T
	base  string
	token string
	name  string
}

// do calls the API and decodes JSON into out; it returns the status.
func (c *fedClient) do(method, path string, form url.Values, out any) int {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, c.base+path, body)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, b, err)
		}
	}
	return resp.StatusCode
}

type fedStatus struct {
	ID, Content, Visibility string
	Account                 struct{ Acct string }
	Reblog                  *fedStatus
}

type fedNotification struct {
	Type    string
	Account struct{ Acct string }
	Status  *fedStatus
}

func (c *fedClient) post(text, visibility string, extra ...string) fedStatus {
	c.t.Helper()
	form := url.Values{"status": {text}, "visibility": {visibility}}
	for i := 0; i+1 < len(extra); i += 2 {
		form.Set(extra[i], extra[i+1])
	}
	var st fedStatus
	if code := c.do("POST", "/api/v1/statuses", form, &st); code != 200 {
		c.t.Fatalf("%s: post: HTTP %d", c.name, code)
	}
	return st
}

func (c *fedClient) home() []fedStatus {
	var list []fedStatus
	c.do("GET", "/api/v1/timelines/home?limit=40", nil, &list)
	return list
}

func (c *fedClient) notifications() []fedNotification {
	var list []fedNotification
	c.do("GET", "/api/v1/notifications?limit=40", nil, &list)
	return list
}

// resolve finds acct (user@host) through search with resolve=true.
func (c *fedClient) resolve(acct string) string {
	c.t.Helper()
	var res struct{ Accounts []struct{ ID, Acct string } }
	c.do("GET", "/api/v2/search?resolve=true&type=accounts&q="+url.QueryEscape(acct), nil, &res)
	for _, a := range res.Accounts {
		if a.Acct == acct {
			return a.ID
		}
	}
	c.t.Fatalf("%s: search did not resolve %s: %+v", c.name, acct, res)
	return ""
}

func (c *fedClient) relationship(id string) map[string]any {
	var rel []map[string]any
	c.do("GET", "/api/v1/accounts/relationships?id[]="+id, nil, &rel)
	if len(rel) != 1 {
		c.t.Fatalf("relationships: %v", rel)
	}
	return rel[0]
}

func (c *fedClient) lock(in *fedInstance) {
	// No update_credentials yet in this API slice: lock through the store.
	store, err := openStore(context.Background(), fedConfig(in.host, in.db))
	if err != nil {
		c.t.Fatal(err)
	}
	defer store.Close()
	a, err := store.AccountByUsername(context.Background(), c.name, "")
	if err != nil {
		c.t.Fatal(err)
	}
	a.Locked = true
	if err := store.UpdateAccount(context.Background(), a); err != nil {
		c.t.Fatal(err)
	}
}

// eventually polls cond until it holds or 20 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting until %s", what)
}

func hasContent(list []fedStatus, text string) int {
	n := 0
	for _, s := range list {
		if strings.Contains(s.Content, text) || (s.Reblog != nil && strings.Contains(s.Reblog.Content, text)) {
			n++
		}
	}
	return n
}

func hasNotification(list []fedNotification, typ, from string) bool {
	for _, n := range list {
		if n.Type == typ && n.Account.Acct == from {
			return true
		}
	}
	return false
}

// fedDB is a fresh database for one instance: a SQLite file, or with
// ROUNDS_TEST_BACKEND=postgres a fresh PostgreSQL schema, so the end-to-end
// federation tests run on both backends.
func fedDB(t *testing.T, name string) string {
	if os.Getenv("ROUNDS_TEST_BACKEND") == "postgres" {
		return pgFreshSchema(t)
	}
	return filepath.Join(t.TempDir(), name+".db")
}

var _ = fmt.Sprintf

// sqliteDB is a fresh SQLite file whatever ROUNDS_TEST_BACKEND says, for
// tests about SQLite itself (migrating from it, reading its file directly).
func sqliteDB(t *testing.T, name string) string { return filepath.Join(t.TempDir(), name+".db") }

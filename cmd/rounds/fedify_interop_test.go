package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
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

// TestFedifyInterop federates one Rounds instance with a peer nobody here
// wrote: testdata/fedify/peer.mjs, a Node program on @fedify/fedify 1.5 that
// verifies every signature it receives. Needs Node 20 and `npm ci` in
// cmd/rounds/testdata/fedify.
func TestFedifyInterop(t *testing.T) {
	dir := filepath.Join("testdata", "fedify")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@fedify", "fedify")); err != nil {
		t.Fatalf("Fedify is not installed: run `npm ci` in cmd/rounds/%s (%v)", filepath.ToSlash(dir), err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("the Fedify interop test needs Node 20 as `node`: %v", err)
	}
	peer := startFedifyPeer(t, dir) // Node starts slowly: overlap it with Rounds
	rounds := startRoundsForFedify(t)
	peer.waitReady(t)
	alice := "alice@" + rounds.host
	aliceID := rounds.url + "/users/alice"
	fedi := "fedi@" + peer.host
	fediID := peer.url + "/users/fedi"

	t.Run("peer follows alice and gets a signed Accept", func(t *testing.T) {
		peer.control(t, "follow", map[string]string{"account": alice})
		ev := peer.await(t, "accepted", func(ev peerEvent) bool { return ev.Actor == aliceID })
		if !strings.HasPrefix(ev.Follow, peer.url+"/follows/") {
			t.Errorf("Accept embeds follow %q, want one of the peer's", ev.Follow)
		}
	})

	t.Run("peer receives alice's signed public post", func(t *testing.T) {
		rounds.api(t, "POST", "/api/v1/statuses", url.Values{"status": {"Grand rounds moved to 8am"}, "visibility": {"public"}}, nil)
		ev := peer.await(t, "note", func(ev peerEvent) bool { return ev.Actor == aliceID })
		if !strings.Contains(ev.Content, "Grand rounds moved to 8am") {
			t.Errorf("note content = %q", ev.Content)
		}
	})

	t.Run("peer mentions alice and she is notified", func(t *testing.T) {
		peer.control(t, "mention", map[string]string{"account": alice, "text": "see you there"})
		fedifyPoll(t, "a mention notification from "+fedi, func() bool {
			var notes []struct {
				Type    string                   `json:"type"`
				Account struct{ Acct string }    `json:"account"`
				Status  struct{ Content string } `json:"status"`
			}
			rounds.api(t, "GET", "/api/v1/notifications", nil, &notes)
			for _, n := range notes {
				if n.Type == "mention" && n.Account.Acct == fedi && strings.Contains(n.Status.Content, "see you there") {
					return true
				}
			}
			return false
		})
	})

	t.Run("alice follows the peer and it accepts", func(t *testing.T) {
		var accountID string
		fedifyPoll(t, "search to resolve "+fedi, func() bool {
			var found struct{ Accounts []struct{ ID, Acct string } }
			rounds.api(t, "GET", "/api/v2/search?resolve=true&q="+url.QueryEscape(fedi), nil, &found)
			for _, a := range found.Accounts {
				if a.Acct == fedi {
					accountID = a.ID
				}
			}
			return accountID != ""
		})
		rounds.api(t, "POST", "/api/v1/accounts/"+accountID+"/follow", url.Values{}, nil)
		peer.await(t, "followed", func(ev peerEvent) bool { return ev.Actor == aliceID })
		fedifyPoll(t, "alice's follow of "+fediID+" to be accepted", func() bool {
			var rels []struct{ Following bool }
			rounds.api(t, "GET", "/api/v1/accounts/relationships?id[]="+accountID, nil, &rels)
			return len(rels) == 1 && rels[0].Following
		})
	})
}

// fedifyRounds is the Rounds side: one instance served in-process over http.
type fedifyRounds struct {
	host, url, token string
	log              *syncBuffer
}

func startRoundsForFedify(t *testing.T) *fedifyRounds {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := ln.Addr().String()
	ln.Close()
	db := filepath.Join(t.TempDir(), "a.db")
	cfg := config.Default()
	cfg.Host, cfg.Listen, cfg.Protocol, cfg.Database = host, host, "http", db
	cfg.AllowPrivateAddresses = true
	cfg.Delivery.RetryBase = 100 * time.Millisecond

	r := &fedifyRounds{host: host, url: "http://" + host, log: &syncBuffer{}}
	ctx := context.Background()
	flags := []string{"--username", "alice", "--database", db, "--protocol", "http", "--host", host}
	var out strings.Builder
	for _, args := range [][]string{
		append([]string{"admin", "account", "create", "--email", "alice@a.example"}, flags...),
		append([]string{"admin", "token", "create"}, flags...),
	} {
		out.Reset()
		if code := run(ctx, args, env{stdout: &out, stderr: r.log}); code != 0 {
			t.Fatalf("rounds %s: exit %d\n%s", strings.Join(args, " "), code, r.log)
		}
	}
	r.token = strings.TrimSpace(out.String())

	ctx, cancel := context.WithCancel(ctx)
	ready, done := make(chan struct{}), make(chan error, 1)
	go func() { done <- serve(ctx, cfg, env{stdout: r.log, stderr: r.log}, func(string) { close(ready) }) }()
	select {
	case <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve: %v\n%s", err, r.log)
	}
	t.Cleanup(func() {
		cancel()
		<-done
		if t.Failed() {
			t.Logf("Rounds log:\n%s", r.log)
		}
	})
	return r
}

// api calls the Mastodon API as alice, retrying a 404 for a while (routes may
// still be landing), and decodes a 2xx answer into out when it is not nil.
func (r *fedifyRounds) api(t *testing.T, method, path string, form url.Values, out any) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequest(method, r.url+path, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+r.token)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusNotFound && time.Now().Before(deadline):
			time.Sleep(500 * time.Millisecond)
			continue
		case resp.StatusCode/100 != 2:
			t.Fatalf("%s %s: %s\n%s", method, path, resp.Status, data)
		}
		if out != nil {
			if err := json.Unmarshal(data, out); err != nil {
				t.Fatalf("%s %s: %v\n%s", method, path, err, data)
			}
		}
		return
	}
}

// fedifyPeer is the running peer.mjs and the events it has reported.
type fedifyPeer struct {
	host, url string
	events    chan peerEvent
	errs      *syncBuffer
}

// peerEvent is one JSON line of peer.mjs's stdout.
type peerEvent struct {
	Event, Actor, Follow, Content, Message string
	Port                                   int
}

func startFedifyPeer(t *testing.T, dir string) *fedifyPeer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "node", "peer.mjs")
	cmd.Dir = dir
	p := &fedifyPeer{events: make(chan peerEvent, 64), errs: &syncBuffer{}}
	cmd.Stderr = p.errs
	stdin, err := cmd.StdinPipe() // the peer exits when this closes
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cancel()
		cmd.Wait()
		if t.Failed() {
			t.Logf("Fedify peer stderr:\n%s", p.errs)
		}
	})
	go func() {
		defer close(p.events)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ev peerEvent
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				ev = peerEvent{Event: "error", Message: "unparsable line: " + sc.Text()}
			}
			p.events <- ev
		}
	}()
	return p
}

// waitReady waits for the peer to listen and learns its address.
func (p *fedifyPeer) waitReady(t *testing.T) {
	t.Helper()
	ev := p.await(t, "ready", nil)
	p.host = fmt.Sprintf("127.0.0.1:%d", ev.Port)
	p.url = "http://" + p.host
}

// await returns the next event of the given kind that match accepts (nil
// accepts any), failing on an error event or after a minute: Node loading
// Fedify on a busy 2-core CI machine (other test packages run alongside)
// has taken over 20 s.
func (p *fedifyPeer) await(t *testing.T, kind string, match func(peerEvent) bool) peerEvent {
	t.Helper()
	timeout := time.After(60 * time.Second)
	for {
		select {
		case ev, ok := <-p.events:
			switch {
			case !ok:
				t.Fatalf("Fedify peer exited while waiting for %q\n%s", kind, p.errs)
			case ev.Event == "error":
				t.Fatalf("Fedify peer reported an error while waiting for %q: %s", kind, ev.Message)
			case ev.Event == kind && (match == nil || match(ev)):
				return ev
			}
		case <-timeout:
			t.Fatalf("no %q event from the Fedify peer within 60s", kind)
		}
	}
}

// control runs one step of the peer's control API.
func (p *fedifyPeer) control(t *testing.T, step string, args map[string]string) {
	t.Helper()
	body, _ := json.Marshal(args)
	resp, err := http.Post(p.url+"/_test/"+step, "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("peer %s: %s %s", step, resp.Status, data)
	}
}

// fedifyPoll calls ok until it is true, failing after 20 s.
func fedifyPoll(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !ok(); time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

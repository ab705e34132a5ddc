package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/postgres"
)

// Two `rounds serve` replicas on one PostgreSQL schema behind Debian's
// haproxy (round-robin on loopback), as a health system runs them.

// haproxyBinary finds haproxy; without it the test skips (CI installs it).
func haproxyBinary(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("haproxy")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("haproxy is not installed (.ci/run installs Debian's haproxy)")
		}
		t.Skip("haproxy is not installed: apt-get install haproxy")
	}
	return p
}

// startHAProxy balances front over backends round-robin until the test ends.
func startHAProxy(t *testing.T, front string, backends ...string) {
	t.Helper()
	bin := haproxyBinary(t)
	var servers strings.Builder
	for i, b := range backends {
		fmt.Fprintf(&servers, "  server r%d %s check inter 300ms fall 2 rise 1\n", i+1, b)
	}
	cfg := fmt.Sprintf(`global
  maxconn 4000
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  retries 2
  option redispatch
frontend fe
  bind %s
  default_backend be
backend be
  balance roundrobin
  option httpchk GET /healthz
%s`, front, servers.String())
	path := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-db", "-f", path)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("haproxy log:\n%s", out)
		}
	})
}

// replicaEnv is the environment every replica and CLI call shares: one
// database, one public host (the load balancer).
func replicaEnv(t *testing.T, db, host string) []string {
	return append(environWithoutRounds(), "ROUNDS_DATABASE="+db, "ROUNDS_PROTOCOL=http", "ROUNDS_HOST="+host,
		"ROUNDS_MEDIA_DIR="+t.TempDir(), "ROUNDS_INSTANCE_NAME=Test Health System",
		"ROUNDS_INSTANCE_CONTACT_EMAIL=it@test.example", "ROUNDS_REGISTRATIONS=closed",
		"ROUNDS_ALLOW_PRIVATE_ADDRESSES=true", "ROUNDS_DELIVERY_RETRY_BASE=200ms", "ROUNDS_LOG_LEVEL=warn",
		"ROUNDS_LIMITS_MAX_BODY_BYTES=65536")
}

// startReplica runs `rounds serve` listening on listen and waits until it
// answers /healthz there.
func startReplica(t *testing.T, environ []string, listen string) *process {
	t.Helper()
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(append([]string(nil), environ...), "ROUNDS_LISTEN="+listen)
	p := &process{cmd: cmd, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.stderr, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("replica %s log:\n%s", listen, p.stderr)
		}
	})
	p.waitHealthy(t, &instance{host: listen})
	return p
}

func TestReplicasBehindLoadBalancer(t *testing.T) {
	if testing.Short() {
		t.Skip("replica test")
	}
	haproxyBinary(t)
	began := time.Now()
	db := pgFreshSchema(t)
	requireIDNodes(t, db)
	lb, addr1, addr2 := freeAddr(t), freeAddr(t), freeAddr(t)
	environ := replicaEnv(t, db, lb)
	cli := func(args ...string) string {
		t.Helper()
		r := runWith(t, environ, args...)
		if r.code != 0 {
			t.Fatalf("rounds %s: %s", strings.Join(args, " "), r)
		}
		return strings.TrimSpace(r.stdout)
	}
	cli("admin", "account", "create", "--username", "author", "--email", "author@test.example")
	tok := cli("admin", "token", "create", "--username", "author")

	p1 := startReplica(t, environ, addr1)
	p2 := startReplica(t, environ, addr2)
	startHAProxy(t, lb, addr1, addr2)
	waitUntil(t, 20*time.Second, "haproxy to answer", func() bool {
		resp, err := http.Get("http://" + lb + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	_ = p1

	// 1,000 followers on 100 simulated instances (no shared inboxes, so
	// 1,000 deliveries per post), following the way peers do: signed
	// Follows to the shared inbox through the load balancer, applied and
	// accepted by whichever replica's inbox workers claim them.
	sims := newSimNet(t, 8)
	for range 100 {
		sims.addHost(10, "http://"+lb+"/inbox")
	}
	actors := sims.actors()
	sims.followLocal(actors, "http://"+lb+"/inbox", "http://"+lb+"/users/author")
	t.Logf("setup: %d followers in %s", len(actors), time.Since(began).Round(time.Millisecond))

	delivered := func(uri string) (inboxes, copies, wire int) {
		for _, h := range sims.hosts {
			stored, w := h.storedOf("Create", uri)
			inboxes += len(stored)
			for _, n := range stored {
				copies += n
			}
			wire += w
		}
		return
	}
	checkEveryoneOnce := func(uri string) {
		t.Helper()
		for _, h := range sims.hosts {
			stored, _ := h.storedOf("Create", uri)
			for _, a := range h.actors {
				if n := stored["/users/"+a.name+"/inbox"]; n != 1 {
					t.Errorf("%s stored the Create %d times, want 1", a.uri, n)
				}
			}
		}
	}

	// A client streaming from replica 1 sees a post made through replica 2.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws://"+addr1+"/api/v1/streaming?stream=user",
		&websocket.DialOptions{Subprotocols: []string{tok}})
	if err != nil {
		t.Fatalf("streaming from replica 1: %v", err)
	}
	defer conn.CloseNow()
	author2 := &fedClient{t: t, base: "http://" + addr2, token: tok, name: "author"}
	var first struct{ ID, URI string }
	if code := author2.do("POST", "/api/v1/statuses", url.Values{"status": {"Morning huddle at 08:15"},
		"visibility": {"public"}}, &first); code != 200 || first.URI == "" {
		t.Fatalf("post through replica 2: HTTP %d %+v", code, first)
	}
	for {
		_, msg, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("replica 1's stream did not bring the post made through replica 2: %v", err)
		}
		var m struct{ Event, Payload string }
		if json.Unmarshal(msg, &m) == nil && m.Event == "update" && strings.Contains(m.Payload, "Morning huddle at 08:15") {
			break
		}
	}
	conn.Close(websocket.StatusNormalClosure, "")

	// That post's fan-out, by both replicas' delivery workers: exactly once
	// in total, on the wire as well as stored.
	fanStart := time.Now()
	waitUntil(t, 120*time.Second, "every follower to get the first post", func() bool {
		n, _, _ := delivered(first.URI)
		return n >= len(actors)
	})
	t.Logf("fan-out of %d deliveries with two replicas in %s", len(actors), time.Since(fanStart).Round(time.Millisecond))
	time.Sleep(time.Second) // let a stray duplicate land before counting
	if inboxes, copies, wire := delivered(first.URI); inboxes != len(actors) || copies != len(actors) || wire != len(actors) {
		t.Errorf("first post: %d inboxes, %d stored copies, %d POSTs on the wire; want %d of each", inboxes, copies, wire, len(actors))
	}
	checkEveryoneOnce(first.URI)

	// kill -9 one replica mid-fan-out: nothing is lost. Jobs it had claimed
	// wait out their lease (30 s) and the other replica sends them.
	for _, h := range sims.hosts {
		h.delay.Store(int64(40 * time.Millisecond))
	}
	author := &fedClient{t: t, base: "http://" + lb, token: tok, name: "author"}
	var second struct{ ID, URI string }
	if code := author.do("POST", "/api/v1/statuses", url.Values{"status": {"Grand rounds moved to 09:00"},
		"visibility": {"public"}}, &second); code != 200 || second.URI == "" {
		t.Fatalf("post through the load balancer: HTTP %d %+v", code, second)
	}
	waitUntil(t, 60*time.Second, "the second fan-out to start", func() bool { n, _, _ := delivered(second.URI); return n >= 150 })
	p2.kill9(t)
	atKill, _, _ := delivered(second.URI)
	t.Logf("killed -9 replica 2 after %d of %d deliveries", atKill, len(actors))
	if atKill >= len(actors) {
		t.Errorf("the fan-out finished before the kill (%d deliveries): the test proved nothing", atKill)
	}
	waitUntil(t, 120*time.Second, "every follower to get the second post", func() bool {
		n, _, _ := delivered(second.URI)
		return n >= len(actors)
	})
	time.Sleep(time.Second)
	inboxes, copies, wire := delivered(second.URI)
	t.Logf("second post: %d POSTs on the wire for %d inboxes (%d duplicates on the wire, from sends in flight at the kill)",
		wire, inboxes, wire-inboxes)
	if copies != len(actors) {
		t.Errorf("second post: %d copies stored across %d inboxes, want %d", copies, inboxes, len(actors))
	}
	checkEveryoneOnce(second.URI)
	// Only sends in flight at the kill may repeat: at most one per delivery
	// worker of the killed replica (4 by default).
	if wire-inboxes > 4 {
		t.Errorf("%d duplicate POSTs on the wire after the kill, want at most 4 (one per worker in flight)", wire-inboxes)
	}
	t.Logf("total %s", time.Since(began).Round(time.Millisecond))
}

// requireIDNodes skips the test until replicas mint IDs that cannot collide
// (storage.SetIDNode, leased per process by storage/postgres): without it
// two replicas minting in the same millisecond hand out one ID twice, and
// an inbox item or delivery job is dropped as a duplicate.
func requireIDNodes(t *testing.T, db string) {
	t.Helper()
	store, err := postgres.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	a, b, c := storage.NewID(), storage.NewID(), storage.NewID()
	if node := a & 0xff; node == 0 || b&0xff != node || c&0xff != node {
		t.Fatal("IDs carry no per-process node (storage.SetIDNode not wired by the postgres backend): replicas would mint the same IDs")
	}
}

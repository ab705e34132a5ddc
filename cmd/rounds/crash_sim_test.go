package main

import (
	"bytes"
	"context"
	"crypto/rsa"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/rounds-social/rounds/federation/signature"
)

// The crash and fault tests drive real `rounds serve` processes against
// simulated remote instances that live in the test process: each a loopback
// server with WebFinger, actor documents and inboxes. A simulated inbox
// stores what it accepts deduplicated by activity id, as a real server does,
// and also counts every POST, so a test can tell duplicates on the wire
// (allowed) from duplicates stored (not allowed) and from losses.

const simAS = "https://www.w3.org/ns/activitystreams"

// simNet is a set of simulated instances sharing a few RSA keys (one per
// actor would make setup slow; each actor still has its own keyId).
type simNet struct {
	t      *testing.T
	keys   []*rsa.PrivateKey
	pems   []string
	hosts  []*simHost
	client *http.Client
}

// simHost is one simulated instance.
type simHost struct {
	net    *simNet
	host   string
	srv    *http.Server
	actors map[string]*simActor // fixed before any request arrives
	// delay is slept before answering an inbox POST (nanoseconds).
	delay atomic.Int64
	// fault, when set, answers inbox POSTs instead of storing them.
	fault atomic.Pointer[http.HandlerFunc]
	// docGets counts actor document (and so key) fetches by path.
	docGets sync.Map // string → *atomic.Int64
	// acceptTo, when set, is the Rounds inbox a Follow is accepted at.
	acceptTo string

	mu     sync.Mutex
	stored map[string]simStored // inbox path + " " + activity id
	wire   map[string]int       // the same key: POSTs that carried it
}

type simStored struct {
	typ, object string
}

type simActor struct {
	name, uri, inbox string
	key              *rsa.PrivateKey
	pem              string
	host             *simHost
}

func (a *simActor) keyID() string { return a.uri + "#main-key" }
func (a *simActor) acct() string  { return a.name + "@" + a.host.host }

func newSimNet(t *testing.T, keys int) *simNet {
	t.Helper()
	n := &simNet{t: t, client: &http.Client{Timeout: 20 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 32}}}
	for range keys {
		k, err := signature.GenerateKey()
		if err != nil {
			t.Fatal(err)
		}
		pem, err := signature.MarshalPublicKeyPEM(&k.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		n.keys, n.pems = append(n.keys, k), append(n.pems, pem)
	}
	t.Cleanup(func() {
		for _, h := range n.hosts {
			_ = h.srv.Close()
		}
		n.client.CloseIdleConnections()
	})
	return n
}

// addHost starts a simulated instance with actors named doc0…doc{actors-1}.
func (n *simNet) addHost(actors int, acceptTo string) *simHost {
	n.t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		n.t.Fatal(err)
	}
	h := &simHost{net: n, host: ln.Addr().String(), actors: map[string]*simActor{}, acceptTo: acceptTo,
		stored: map[string]simStored{}, wire: map[string]int{}}
	for i := range actors {
		k := (len(n.hosts)*actors + i) % len(n.keys)
		a := &simActor{name: "doc" + strconv.Itoa(i), key: n.keys[k], pem: n.pems[k], host: h}
		a.uri = "http://" + h.host + "/users/" + a.name
		a.inbox = a.uri + "/inbox"
		h.actors[a.name] = a
	}
	h.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go h.srv.Serve(ln)
	n.hosts = append(n.hosts, h)
	return h
}

func (n *simNet) actors() []*simActor {
	var out []*simActor
	for _, h := range n.hosts {
		for i := range len(h.actors) {
			out = append(out, h.actors["doc"+strconv.Itoa(i)])
		}
	}
	return out
}

func (h *simHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/.well-known/webfinger":
		res := strings.TrimPrefix(r.URL.Query().Get("resource"), "acct:")
		name, host, _ := strings.Cut(res, "@")
		a := h.actors[name]
		if a == nil || host != h.host {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/jrd+json")
		_ = json.NewEncoder(w).Encode(map[string]any{"subject": "acct:" + res, "links": []map[string]string{
			{"rel": "self", "type": "application/activity+json", "href": a.uri}}})
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/inbox"):
		if d := time.Duration(h.delay.Load()); d > 0 {
			time.Sleep(d)
		}
		if f := h.fault.Load(); f != nil {
			(*f)(w, r)
			return
		}
		h.inbox(w, r)
	case strings.HasPrefix(r.URL.Path, "/users/"):
		n, _ := h.docGets.LoadOrStore(r.URL.Path, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
		a := h.actors[strings.TrimPrefix(r.URL.Path, "/users/")]
		if a == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"@context": []any{simAS, "https://w3id.org/security/v1"},
			"id":       a.uri, "type": "Person", "preferredUsername": a.name, "name": "Dr " + a.name,
			"inbox": a.inbox, "outbox": a.uri + "/outbox", "followers": a.uri + "/followers",
			"following": a.uri + "/following", "url": a.uri, "manuallyApprovesFollowers": false,
			"publicKey": map[string]any{"id": a.keyID(), "owner": a.uri, "publicKeyPem": a.pem},
		})
	default:
		http.NotFound(w, r)
	}
}

// inbox stores an activity once per inbox and activity id, like a real
// server's dedupe, and answers a Follow with a signed Accept.
func (h *simHost) inbox(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Signature") == "" {
		http.Error(w, "unsigned", http.StatusUnauthorized)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "read", http.StatusBadRequest)
		return
	}
	var act struct {
		ID     string          `json:"id"`
		Type   string          `json:"type"`
		Object json.RawMessage `json:"object"`
	}
	if json.Unmarshal(body, &act) != nil || act.ID == "" {
		http.Error(w, "json", http.StatusBadRequest)
		return
	}
	object := objectID(act.Object)
	key := r.URL.Path + " " + act.ID
	h.mu.Lock()
	h.wire[key]++
	if _, dup := h.stored[key]; !dup {
		h.stored[key] = simStored{typ: act.Type, object: object}
	}
	h.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
	if act.Type == "Follow" && h.acceptTo != "" {
		go h.accept(body, object)
	}
}

func objectID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var o struct{ ID string }
	_ = json.Unmarshal(raw, &o)
	return o.ID
}

func (h *simHost) accept(follow []byte, target string) {
	a := h.actors[strings.TrimPrefix(target, "http://"+h.host+"/users/")]
	if a == nil {
		return
	}
	doc, _ := json.Marshal(map[string]any{"@context": simAS, "type": "Accept",
		"id": fmt.Sprintf("%s#accepts/%d", a.uri, time.Now().UnixNano()), "actor": a.uri, "object": json.RawMessage(follow)})
	for attempt := range 5 {
		if code, err := h.net.post(a, h.acceptTo, doc); err == nil && code/100 == 2 {
			return
		}
		time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
	}
}

// storedOf returns, per inbox path, the stored activities of typ whose
// object is object, and how many POSTs carried them.
func (h *simHost) storedOf(typ, object string) (stored map[string]int, wire int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	stored = map[string]int{}
	for k, s := range h.stored {
		if s.typ == typ && s.object == object {
			path, _, _ := strings.Cut(k, " ")
			stored[path]++
			wire += h.wire[k]
		}
	}
	return stored, wire
}

// gets is how many times path was fetched.
func (h *simHost) gets(path string) int64 {
	if n, ok := h.docGets.Load(path); ok {
		return n.(*atomic.Int64).Load()
	}
	return 0
}

// count is how many distinct activities of typ this host stored.
func (h *simHost) count(typ string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, s := range h.stored {
		if s.typ == typ {
			n++
		}
	}
	return n
}

// signedReq is a POST of body to url signed as a (Digest, Date, host).
func signedReq(a *simActor, url string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/activity+json")
	return req, signature.Sign(req, body, a.keyID(), a.key, time.Now())
}

// post sends body to url signed as a; it returns the status code.
func (n *simNet) post(a *simActor, url string, body []byte) (int, error) {
	req, err := signedReq(a, url, body)
	if err != nil {
		return 0, err
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// followLocal has every actor follow target (a local actor URI) through
// roundsInbox, then waits until every Follow was accepted: Rounds
// auto-accepts, and its Accept reaches the actor's inbox.
func (n *simNet) followLocal(actors []*simActor, roundsInbox, target string) {
	n.t.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	var failed atomic.Int64
	for _, a := range actors {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			doc, _ := json.Marshal(map[string]any{"@context": simAS, "type": "Follow",
				"id": a.uri + "#follows/" + strconv.FormatInt(time.Now().UnixNano(), 10), "actor": a.uri, "object": target})
			if code, err := n.post(a, roundsInbox, doc); err != nil || code != http.StatusAccepted {
				failed.Add(1)
				n.t.Logf("follow from %s: %d %v", a.uri, code, err)
			}
		}()
	}
	wg.Wait()
	if failed.Load() > 0 {
		n.t.Fatalf("%d follows refused", failed.Load())
	}
	waitUntil(n.t, 60*time.Second, "every follow accepted", func() bool {
		got := 0
		for _, h := range n.hosts {
			got += h.count("Accept")
		}
		return got >= len(actors)
	})
}

// waitUntil polls cond every 50 ms until it holds or d passes.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill9 kills the process without giving it any chance to clean up.
func (p *process) kill9(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(p.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		p.done <- err
	case <-time.After(10 * time.Second):
		t.Fatal("process still running 10s after SIGKILL")
	}
}

// rssMB reads the resident set size of pid from /proc, in MiB.
func rssMB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// statusURIs reads the status URIs stored in a Rounds database (read-only,
// beside a running server: SQLite's WAL lets a reader in).
func statusURIs(t *testing.T, db string) map[string]int {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rows, err := conn.QueryContext(ctx, `SELECT uri FROM statuses`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			t.Fatal(err)
		}
		out[u]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// crashInstance is a Rounds instance for these tests: http on loopback,
// private addresses allowed, quick retries.
func crashInstance(t *testing.T, extra ...string) *instance {
	return newInstance(t, append([]string{"ROUNDS_ALLOW_PRIVATE_ADDRESSES=true", "ROUNDS_DELIVERY_RETRY_BASE=200ms",
		"ROUNDS_LOG_LEVEL=warn", "ROUNDS_LIMITS_MAX_BODY_BYTES=65536"}, extra...)...)
}

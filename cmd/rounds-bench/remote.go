package main

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rounds-social/rounds/federation/signature"
)

const asContext = "https://www.w3.org/ns/activitystreams"

// keyPool is a few RSA-2048 keys shared by all simulated actors: generating
// one per actor would make setup take minutes. Each actor still serves its
// own document and keyId, so Rounds fetches and caches a key per actor.
type keyPool struct {
	keys []*rsa.PrivateKey
	pems []string
}

func newKeyPool(n int) (*keyPool, error) {
	p := &keyPool{}
	for range n {
		k, err := signature.GenerateKey()
		if err != nil {
			return nil, err
		}
		pem, err := signature.MarshalPublicKeyPEM(&k.PublicKey)
		if err != nil {
			return nil, err
		}
		p.keys, p.pems = append(p.keys, k), append(p.pems, pem)
	}
	return p, nil
}

// remoteActor is one simulated account on a simulated instance.
type remoteActor struct {
	name, uri, inbox string
	key              *rsa.PrivateKey
	pem              string
	inst             *instance
}

func (a *remoteActor) keyID() string { return a.uri + "#main-key" }
func (a *remoteActor) acct() string  { return a.name + "@" + a.inst.host }

// instance is one simulated remote server with its own loopback listener.
type instance struct {
	host   string
	shared bool // publishes endpoints.sharedInbox
	actors map[string]*remoteActor
	srv    *http.Server
	sim    *sim
}

// sim is the set of simulated instances and what their inboxes received.
type sim struct {
	instances   []*instance
	actors      []*remoteActor
	byURI       map[string]*remoteActor
	roundsInbox string
	client      *http.Client

	mu        sync.Mutex
	seen      map[string]int // host+path+activity id → times received
	byType    map[string]int
	firstSeen map[string]time.Time
	dups      atomic.Int64
	lastAt    atomic.Int64 // unix nanos of the last Create received
	acceptErr atomic.Int64
}

// newSim starts k instances with perInst actors each; roundsBase is the
// instance under test (its shared inbox receives our Accepts).
func newSim(pool *keyPool, k, perInst int, shared bool, roundsBase string) (*sim, error) {
	s := &sim{byURI: map[string]*remoteActor{}, roundsInbox: roundsBase + "/inbox",
		seen: map[string]int{}, byType: map[string]int{}, firstSeen: map[string]time.Time{},
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	for i := range k {
		inst, err := s.startInstance(shared)
		if err != nil {
			s.close()
			return nil, err
		}
		for j := range perInst {
			n := i*perInst + j
			a := &remoteActor{name: fmt.Sprintf("doc%d", j), inst: inst,
				key: pool.keys[n%len(pool.keys)], pem: pool.pems[n%len(pool.pems)]}
			a.uri = "http://" + inst.host + "/users/" + a.name
			a.inbox = a.uri + "/inbox"
			inst.actors[a.name] = a
			s.actors = append(s.actors, a)
			s.byURI[a.uri] = a
		}
	}
	return s, nil
}

func (s *sim) startInstance(shared bool) (*instance, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	inst := &instance{host: ln.Addr().String(), shared: shared, actors: map[string]*remoteActor{}, sim: s}
	inst.srv = &http.Server{Handler: inst, ReadHeaderTimeout: 10 * time.Second}
	go inst.srv.Serve(ln)
	s.instances = append(s.instances, inst)
	return inst, nil
}

func (s *sim) close() {
	for _, in := range s.instances {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = in.srv.Shutdown(ctx)
		cancel()
	}
	s.client.CloseIdleConnections()
}

// ServeHTTP is WebFinger, actor documents and inboxes.
func (in *instance) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/.well-known/webfinger":
		in.webfinger(w, r)
	case r.Method == http.MethodPost && (r.URL.Path == "/inbox" || strings.HasSuffix(r.URL.Path, "/inbox")):
		in.inbox(w, r)
	case strings.HasPrefix(r.URL.Path, "/users/"):
		in.actorDoc(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (in *instance) webfinger(w http.ResponseWriter, r *http.Request) {
	res := strings.TrimPrefix(r.URL.Query().Get("resource"), "acct:")
	name, host, _ := strings.Cut(res, "@")
	a := in.actors[name]
	if a == nil || host != in.host {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/jrd+json")
	json.NewEncoder(w).Encode(map[string]any{"subject": "acct:" + res, "links": []map[string]string{
		{"rel": "self", "type": "application/activity+json", "href": a.uri}}})
}

func (in *instance) actorDoc(w http.ResponseWriter, r *http.Request) {
	name, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/users/"), "/")
	a := in.actors[name]
	if a == nil || rest != "" {
		http.NotFound(w, r)
		return
	}
	doc := map[string]any{
		"@context": []any{asContext, "https://w3id.org/security/v1"},
		"id":       a.uri, "type": "Person", "preferredUsername": a.name, "name": "Dr " + a.name,
		"inbox": a.inbox, "outbox": a.uri + "/outbox", "followers": a.uri + "/followers",
		"following": a.uri + "/following", "url": a.uri, "manuallyApprovesFollowers": false,
		"publicKey": map[string]any{"id": a.keyID(), "owner": a.uri, "publicKeyPem": a.pem},
	}
	if in.shared {
		doc["endpoints"] = map[string]any{"sharedInbox": "http://" + in.host + "/inbox"}
	}
	w.Header().Set("Content-Type", "application/activity+json")
	json.NewEncoder(w).Encode(doc)
}

// inbox counts what arrives (duplicates by host, path and activity id) and
// answers a Follow with a signed Accept once it has replied 202.
func (in *instance) inbox(w http.ResponseWriter, r *http.Request) {
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
	if err := json.Unmarshal(body, &act); err != nil {
		http.Error(w, "json", http.StatusBadRequest)
		return
	}
	in.sim.record(in.host+r.URL.Path+" "+act.ID, act.Type)
	w.WriteHeader(http.StatusAccepted)
	if act.Type == "Follow" {
		go in.sim.accept(body, act.Object)
	}
}

func (s *sim) record(key, typ string) {
	now := time.Now()
	s.mu.Lock()
	s.seen[key]++
	dup := s.seen[key] > 1
	if !dup {
		s.byType[typ]++
		s.firstSeen[key] = now
	}
	s.mu.Unlock()
	if dup {
		s.dups.Add(1)
	} else if typ == "Create" {
		s.lastAt.Store(now.UnixNano())
	}
}

// received is how many distinct activities of typ arrived.
func (s *sim) received(typ string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byType[typ]
}

// accept answers a Follow of one of our actors with Accept{Follow}.
func (s *sim) accept(follow []byte, object json.RawMessage) {
	var target string
	if json.Unmarshal(object, &target) != nil {
		var o struct{ ID string }
		_ = json.Unmarshal(object, &o)
		target = o.ID
	}
	a := s.byURI[target]
	if a == nil {
		s.acceptErr.Add(1)
		return
	}
	doc, _ := json.Marshal(map[string]any{"@context": asContext, "type": "Accept",
		"id": fmt.Sprintf("%s#accepts/%d", a.uri, time.Now().UnixNano()), "actor": a.uri, "object": json.RawMessage(follow)})
	for attempt := range 5 {
		if code, err := s.post(a, s.roundsInbox, doc); err == nil && code/100 == 2 {
			return
		}
		time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
	}
	s.acceptErr.Add(1)
}

// signedPost builds a POST of body to url signed as a (Digest, Date, host).
func signedPost(a *remoteActor, url string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/activity+json")
	return req, signature.Sign(req, body, a.keyID(), a.key, time.Now())
}

func (s *sim) post(a *remoteActor, url string, body []byte) (int, error) {
	req, err := signedPost(a, url, body)
	if err != nil {
		return 0, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

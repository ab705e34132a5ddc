package ap

import (
	"bytes"
	"context"
	"crypto/rsa"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/federation/fetch"
	"github.com/rounds-social/rounds/federation/policy"
	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/testdb"
)

// testBodyLimit is the cap the test wraps around the router, as web's
// withBodyLimit does (web/ap alone has no body-limit middleware).
const testBodyLimit = 64 << 10

// peer is a remote instance on 127.0.0.1 serving real actor documents, so
// key fetches go over the network; hits counts every request it receives.
type peer struct {
	srv  *httptest.Server
	base uris.Base
	host string
	keys map[string]*rsa.PrivateKey // username -> private key of the published actor
	hits atomic.Int64
}

func newPeer(t *testing.T, names ...string) *peer {
	t.Helper()
	p := &peer{keys: map[string]*rsa.PrivateKey{}}
	docs := map[string][]byte{}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.hits.Add(1)
		doc, ok := docs[r.URL.Path]
		if r.Method != http.MethodGet || !ok {
			// Inbox deliveries and anything else: accept and ignore.
			w.WriteHeader(http.StatusAccepted)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		_, _ = w.Write(doc)
	}))
	p.host = p.srv.Listener.Addr().String()
	p.base = uris.New("http", p.host)
	for _, n := range names {
		key := cachedKey(t, n)
		pemStr, err := signature.MarshalPublicKeyPEM(&key.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		a := &storage.Account{Username: n, PublicKeyID: p.base.Key(n), PublicKeyPEM: pemStr, Discoverable: true,
			CreatedAt: time.Now().UTC()}
		doc, err := activitypub.ActorDocument(a, p.base)
		if err != nil {
			t.Fatal(err)
		}
		docs["/users/"+n] = doc
		p.keys[n] = key
	}
	p.srv.Start()
	t.Cleanup(p.srv.Close)
	return p
}

func (p *peer) actor(name string) string { return p.base.Actor(name) }
func (p *peer) keyID(name string) string { return p.base.Key(name) }

var (
	keyMu    sync.Mutex
	keyCache = map[string]*rsa.PrivateKey{}
)

// cachedKey returns one key per name for the whole test binary: RSA
// generation dominates the run time otherwise. Each peer still has its own
// origin, so the store never sees a cached key twice.
func cachedKey(t *testing.T, name string) *rsa.PrivateKey {
	t.Helper()
	keyMu.Lock()
	defer keyMu.Unlock()
	if k, ok := keyCache[name]; ok {
		return k
	}
	k := mustKey(t)
	keyCache[name] = k
	return k
}

func mustKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := signature.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// env is one local instance: real SQLite store, Service, ap.Handler on a
// mux.Router behind a body limit, served on 127.0.0.1.
type env struct {
	store storage.Store
	svc   *federation.Service
	srv   *httptest.Server
	base  uris.Base
	local *storage.Account
}

func newEnv(t *testing.T, pol policy.Options, opt Options) *env {
	t.Helper()
	ctx := context.Background()
	db := testdb.Open(t) // SQLite, or PostgreSQL with ROUNDS_TEST_BACKEND=postgres
	srv := httptest.NewUnstartedServer(nil)
	base := uris.New("http", srv.Listener.Addr().String())
	if pol.Mode == "" {
		pol.Mode = policy.ModeOpen
	}
	svc := federation.New(db, federation.Options{
		Base:   base,
		Policy: policy.New(pol, db),
		Client: fetch.NewClient(fetch.Options{AllowPrivate: true, AllowHTTP: true}),
	})
	local, _, err := svc.CreateLocalAccount(ctx, federation.NewAccount{Username: "carol", Email: "carol@hospital.example"})
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	New(svc, opt).Register(r)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		req.Body = http.MaxBytesReader(w, req.Body, testBodyLimit)
		r.ServeHTTP(w, req)
	})
	srv.Start()
	t.Cleanup(srv.Close)
	return &env{store: db, svc: svc, srv: srv, base: base, local: local}
}

// post builds a POST to path carrying sendBody, signed over signBody (nil: no
// signature) with keyID/key at time now.
func (e *env) post(t *testing.T, path string, signBody, sendBody []byte, keyID string, key *rsa.PrivateKey, now time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(sendBody))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/activity+json")
	if key != nil {
		if err := signature.Sign(req, signBody, keyID, key, now); err != nil {
			t.Fatal(err)
		}
	}
	return req
}

// get is a GET of path asking for ActivityPub JSON, optionally signed.
func (e *env) get(t *testing.T, path, keyID string, key *rsa.PrivateKey) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/activity+json")
	if key != nil {
		if err := signature.Sign(req, nil, keyID, key, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (e *env) pending(t *testing.T) int {
	t.Helper()
	n, err := e.store.CountInbox(context.Background(), storage.JobPending)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// drain claims every queued item and applies it, as the inbox worker would.
func (e *env) drain(t *testing.T) int {
	t.Helper()
	ctx := context.Background()
	items, err := e.store.ClaimInbox(ctx, time.Now(), time.Now().Add(time.Minute), 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if err := e.svc.ApplyInbox(ctx, it); err != nil {
			t.Fatalf("apply %s: %v", it.ActivityID, err)
		}
	}
	return len(items)
}

// followExists reports whether a follow with the activity id uri is stored.
func (e *env) followExists(t *testing.T, uri string) bool {
	t.Helper()
	_, err := e.store.FollowByURI(context.Background(), uri)
	if errors.Is(err, storage.ErrNotFound) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

func mustJSON(t *testing.T, b []byte, err error) []byte {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func short(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

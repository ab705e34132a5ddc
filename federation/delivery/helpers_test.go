package delivery

import (
	"context"
	"crypto/rsa"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation/fetch"
	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/testdb"
)

// One real RSA-2048 key for the whole test binary: generating one per test
// would cost more than the tests themselves.
var testKey = sync.OnceValues(signature.GenerateKey)

const (
	signerURI   = "https://rounds.example/users/alice"
	signerKeyID = signerURI + "#main-key"
)

// env is a real store (SQLite, or PostgreSQL in that test pass) holding one local signer account.
type env struct {
	t      *testing.T
	db     storage.Store
	signer *storage.Account
	key    *rsa.PrivateKey
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := testdb.Open(t) // SQLite, or PostgreSQL with ROUNDS_TEST_BACKEND=postgres
	key, err := testKey()
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	privPEM, err := signature.MarshalPrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM, err := signature.MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	a := &storage.Account{Username: "alice", URI: signerURI, InboxURI: signerURI + "/inbox",
		PublicKeyID: signerKeyID, PublicKeyPEM: pubPEM, PrivateKeyPEM: privPEM}
	if err := db.CreateAccount(context.Background(), a); err != nil {
		t.Fatalf("create signer: %v", err)
	}
	return &env{t: t, db: db, signer: a, key: key}
}

// activity is a small Create whose body names its id, so inboxes can tell
// deliveries apart.
func activity(id string) []byte {
	return fmt.Appendf(nil, `{"@context":"https://www.w3.org/ns/activitystreams","id":%q,"type":"Create","actor":%q}`,
		id, signerURI)
}

// enqueue queues activity id for inbox, signed by the env's signer.
func (e *env) enqueue(inbox, id string) *storage.DeliveryJob {
	return e.enqueueAs(e.signer.ID, inbox, id)
}

func (e *env) enqueueAs(signerID int64, inbox, id string) *storage.DeliveryJob {
	e.t.Helper()
	j := &storage.DeliveryJob{ActivityID: id, Inbox: inbox, Body: activity(id), SignerID: signerID}
	if err := e.db.EnqueueDeliveries(context.Background(), []*storage.DeliveryJob{j}); err != nil {
		e.t.Fatalf("enqueue: %v", err)
	}
	return j
}

// job reads a job back, whatever its state.
func (e *env) job(id int64) *storage.DeliveryJob {
	e.t.Helper()
	for _, st := range []string{storage.JobPending, storage.JobDone, storage.JobFailed, storage.JobDropped} {
		jobs, err := e.db.Deliveries(context.Background(), st, 1000)
		if err != nil {
			e.t.Fatalf("list %s deliveries: %v", st, err)
		}
		for _, j := range jobs {
			if j.ID == id {
				return j
			}
		}
	}
	e.t.Fatalf("job %d not found", id)
	return nil
}

func (e *env) count(state string) int {
	e.t.Helper()
	n, err := e.db.CountDeliveries(context.Background(), state)
	if err != nil {
		e.t.Fatalf("count %s: %v", state, err)
	}
	return n
}

// running is a Queue whose Run is in progress.
type running struct {
	*Queue
	cancel context.CancelFunc
	done   chan struct{} // closed when Run returns
}

// stop cancels Run and waits (boundedly) for it to return.
func (r *running) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
}

// start runs a Queue over the env's store with test-friendly defaults; it is
// stopped when the test ends (before the servers it talks to close).
func (e *env) start(opt Options) *running {
	return startQueue(e.t, e.db, opt)
}

func startQueue(t *testing.T, store Store, opt Options) *running {
	if opt.Client == nil {
		opt.Client = testClient(5 * time.Second)
	}
	if opt.Poll == 0 {
		opt.Poll = 10 * time.Millisecond
	}
	if opt.RetryBase == 0 {
		opt.RetryBase = 20 * time.Millisecond
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Queue: New(store, opt), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.Run(ctx)
	}()
	t.Cleanup(func() { r.stop(t) })
	return r
}

func testClient(timeout time.Duration) *fetch.Client {
	return fetch.NewClient(fetch.Options{AllowPrivate: true, AllowHTTP: true, Timeout: timeout})
}

// eventually polls cond until it holds; there is no timing assertion here,
// only a deadline so a broken queue fails instead of hanging.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// inbox is a loopback server that checks every delivery the way a strict
// peer would — signature, Digest, Date, Content-Type — and counts bodies.
type inbox struct {
	*httptest.Server
	t       *testing.T
	pub     *rsa.PublicKey
	respond func(n int, w http.ResponseWriter, r *http.Request) // n: 1-based request number; nil answers 202
	hits    atomic.Int32

	mu  sync.Mutex
	got map[string]int // body → times received
}

func (e *env) inbox(respond func(n int, w http.ResponseWriter, r *http.Request)) *inbox {
	ib := &inbox{t: e.t, pub: &e.key.PublicKey, respond: respond, got: map[string]int{}}
	ib.Server = httptest.NewServer(http.HandlerFunc(ib.serve))
	e.t.Cleanup(ib.Close)
	return ib
}

func (ib *inbox) serve(w http.ResponseWriter, r *http.Request) {
	n := int(ib.hits.Add(1))
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = ib.check(r, body)
	}
	if err != nil {
		ib.t.Errorf("inbox %s: %v", r.URL.Path, err)
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	ib.mu.Lock()
	ib.got[string(body)]++
	ib.mu.Unlock()
	if ib.respond == nil {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	ib.respond(n, w, r)
}

func (ib *inbox) check(r *http.Request, body []byte) error {
	if r.Method != http.MethodPost {
		return fmt.Errorf("method %s, want POST", r.Method)
	}
	for h, want := range map[string]string{"Content-Type": activityType, "Accept": activityType,
		"Digest": signature.Digest(body)} {
		if got := r.Header.Get(h); got != want {
			return fmt.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if sig := r.Header.Get("Signature"); !strings.Contains(sig, `algorithm="rsa-sha256"`) ||
		!strings.Contains(sig, `headers="(request-target) host date digest"`) {
		return fmt.Errorf("Signature header %q", sig)
	}
	v, err := signature.Verify(r.Context(), r, body, staticKey{ib.pub}, signature.Options{})
	if err != nil {
		return err
	}
	if v.KeyID != signerKeyID || v.Owner != signerURI {
		return fmt.Errorf("signed by %s of %s", v.KeyID, v.Owner)
	}
	return nil
}

// received reports how many times body arrived.
func (ib *inbox) received(body []byte) int {
	ib.mu.Lock()
	defer ib.mu.Unlock()
	return ib.got[string(body)]
}

// staticKey is a KeySource that knows only the signer's key.
type staticKey struct{ pub *rsa.PublicKey }

func (k staticKey) PublicKey(_ context.Context, keyID string, _ bool) (signature.PublicKey, error) {
	if keyID != signerKeyID {
		return signature.PublicKey{}, fmt.Errorf("unknown key %s", keyID)
	}
	return signature.PublicKey{ID: signerKeyID, Owner: signerURI, Key: k.pub}, nil
}

// status answers every request with code and body.
func status(code int, body string) func(int, http.ResponseWriter, *http.Request) {
	return func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(code)
		io.WriteString(w, body)
	}
}

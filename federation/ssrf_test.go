package federation_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
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
	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/testdb"
	"github.com/rounds-social/rounds/web/ap"
)

// ssrfTarget is a loopback server that would answer every request a victim
// instance could be tricked into making: a WebFinger document and an actor
// with a real key. hits counts every connection that reached it.
type ssrfTarget struct {
	srv  *httptest.Server
	host string
	port string
	key  *rsa.PrivateKey
	hits atomic.Int64
}

var (
	ssrfKeyOnce sync.Once
	ssrfKey     *rsa.PrivateKey
)

func newSSRFTarget(t *testing.T) *ssrfTarget {
	t.Helper()
	ssrfKeyOnce.Do(func() {
		k, err := signature.GenerateKey()
		if err != nil {
			panic(err)
		}
		ssrfKey = k
	})
	tg := &ssrfTarget{key: ssrfKey}
	tg.srv = httptest.NewUnstartedServer(nil)
	tg.host = tg.srv.Listener.Addr().String()
	_, tg.port, _ = strings.Cut(tg.host, ":")
	tg.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tg.hits.Add(1)
		// Answer with documents for whichever host name the request used, so
		// the AllowPrivate control can resolve them.
		base := uris.New("http", r.Host)
		switch {
		case r.URL.Path == "/.well-known/webfinger":
			w.Header().Set("Content-Type", "application/jrd+json")
			fmt.Fprintf(w, `{"subject":%q,"links":[{"rel":"self","type":"application/activity+json","href":%q}]}`,
				r.URL.Query().Get("resource"), base.Actor("alice"))
		case strings.HasPrefix(r.URL.Path, "/users/alice"):
			pemStr, err := signature.MarshalPublicKeyPEM(&tg.key.PublicKey)
			if err != nil {
				panic(err)
			}
			doc, err := activitypub.ActorDocument(&storage.Account{Username: "alice", PublicKeyID: base.Key("alice"),
				PublicKeyPEM: pemStr, CreatedAt: time.Now().UTC()}, base)
			if err != nil {
				panic(err)
			}
			w.Header().Set("Content-Type", "application/activity+json")
			_, _ = w.Write(doc)
		default:
			w.WriteHeader(http.StatusAccepted)
		}
	})
	tg.srv.Start()
	t.Cleanup(tg.srv.Close)
	return tg
}

// ssrfService is an instance whose fetch client has AllowPrivate as given
// (http allowed, as on loopback tests; the address rules are what is tested).
func ssrfService(t *testing.T, allowPrivate bool) (*federation.Service, storage.Store) {
	t.Helper()
	db := testdb.Open(t) // SQLite, or PostgreSQL with ROUNDS_TEST_BACKEND=postgres
	svc := federation.New(db, federation.Options{
		Base:   uris.New("http", "hospital-a.example"),
		Client: fetch.NewClient(fetch.Options{AllowHTTP: true, AllowPrivate: allowPrivate, Timeout: 3 * time.Second}),
	})
	if _, _, err := svc.CreateLocalAccount(context.Background(), federation.NewAccount{Username: "carol", Email: "carol@hospital-a.example"}); err != nil {
		t.Fatal(err)
	}
	return svc, db
}

// forbiddenHosts are the remote-supplied hosts a fetch must refuse. dial is
// true where the name needs resolving, so the dial guard (not the URL check)
// is what refuses it. The ones with the target's port would reach it.
func forbiddenHosts(tg *ssrfTarget) []struct {
	name, host string
} {
	return []struct{ name, host string }{
		{"loopback literal", "127.0.0.1:" + tg.port},
		{"loopback 127.0.0.2", "127.0.0.2:" + tg.port},
		{"localhost name", "localhost:" + tg.port},
		{"localhost name, upper case", "LOCALHOST:" + tg.port},
		{"IPv4-mapped IPv6 loopback", "[::ffff:127.0.0.1]:" + tg.port},
		{"IPv6 loopback", "[::1]:" + tg.port},
		{"unspecified 0.0.0.0", "0.0.0.0:" + tg.port},
		{"10/8", "10.1.2.3"},
		{"172.16/12", "172.20.0.5"},
		{"192.168/16", "192.168.1.1"},
		{"link-local", "169.254.10.10"},
		{"cloud metadata", "169.254.169.254"},
		{"IPv6 link-local", "[fe80::1]"},
		{"IPv6 unique local", "[fd00::1]"},
		{"NAT64 of loopback", "[64:ff9b::7f00:1]:" + tg.port},
	}
}

func TestSSRFResolveActorRefused(t *testing.T) {
	tg := newSSRFTarget(t)
	svc, db := ssrfService(t, false)
	ctx := context.Background()
	for _, h := range forbiddenHosts(tg) {
		t.Run(h.name, func(t *testing.T) {
			before := tg.hits.Load()
			uri := "http://" + h.host + "/users/alice"
			_, err := svc.ResolveActor(ctx, uri, true)
			if err == nil {
				t.Fatalf("ResolveActor(%s) succeeded", uri)
			}
			if !errors.Is(err, fetch.ErrForbiddenAddress) {
				t.Errorf("ResolveActor(%s): %v, want ErrForbiddenAddress", uri, err)
			}
			if n := tg.hits.Load() - before; n != 0 {
				t.Errorf("target was reached %d times", n)
			}
			if _, err := db.AccountByURI(ctx, uri); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("an account for %s was stored (err %v)", uri, err)
			}
		})
	}
}

func TestSSRFWebFingerRefused(t *testing.T) {
	tg := newSSRFTarget(t)
	svc, _ := ssrfService(t, false)
	ctx := context.Background()
	for _, h := range forbiddenHosts(tg) {
		t.Run(h.name, func(t *testing.T) {
			before := tg.hits.Load()
			_, err := svc.ResolveAcct(ctx, "alice@"+h.host)
			if err == nil {
				t.Fatalf("ResolveAcct(alice@%s) succeeded", h.host)
			}
			if !errors.Is(err, fetch.ErrForbiddenAddress) {
				t.Errorf("ResolveAcct(alice@%s): %v, want ErrForbiddenAddress", h.host, err)
			}
			if n := tg.hits.Load() - before; n != 0 {
				t.Errorf("target was reached %d times", n)
			}
		})
	}
}

// TestSSRFAllowPrivateControl is the control: with allow_private_addresses
// the very same calls reach the target, so the refusals above are the guard.
func TestSSRFAllowPrivateControl(t *testing.T) {
	tg := newSSRFTarget(t)
	svc, _ := ssrfService(t, true)
	ctx := context.Background()
	a, err := svc.ResolveActor(ctx, "http://"+tg.host+"/users/alice", true)
	if err != nil {
		t.Fatalf("ResolveActor with AllowPrivate: %v", err)
	}
	if a.Username != "alice" {
		t.Errorf("resolved %q", a.Username)
	}
	if _, err := svc.ResolveAcct(ctx, "alice@localhost:"+tg.port); err != nil {
		t.Fatalf("ResolveAcct with AllowPrivate: %v", err)
	}
	if tg.hits.Load() == 0 {
		t.Fatal("target never reached")
	}
}

// TestSSRFInboxKeyFetchRefused posts signed activities to a real inbox whose
// keyId (and actor) point at private addresses: the key fetch must be refused
// before any connection, and nothing stored.
func TestSSRFInboxKeyFetchRefused(t *testing.T) {
	tg := newSSRFTarget(t)
	svc, db := ssrfService(t, false)
	r := mux.NewRouter()
	ap.New(svc, ap.Options{}).Register(r)
	inst := httptest.NewServer(r)
	t.Cleanup(inst.Close)
	for _, h := range forbiddenHosts(tg) {
		t.Run(h.name, func(t *testing.T) {
			base := uris.New("http", h.host)
			body, err := activitypub.Follow(base.Origin+"/activities/f1", base.Actor("alice"), "http://hospital-a.example/users/carol")
			if err != nil {
				t.Fatal(err)
			}
			req, err := http.NewRequest(http.MethodPost, inst.URL+"/users/carol/inbox", bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/activity+json")
			if err := signature.Sign(req, body, base.Key("alice"), tg.key, time.Now()); err != nil {
				t.Fatal(err)
			}
			before := tg.hits.Load()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("status %d, want 401 (%s)", resp.StatusCode, b)
			}
			if n := tg.hits.Load() - before; n != 0 {
				t.Errorf("target was reached %d times", n)
			}
			if n, err := db.CountInbox(context.Background(), storage.JobPending); err != nil || n != 0 {
				t.Errorf("inbox items %d (err %v), want 0", n, err)
			}
			if _, err := db.RemoteKey(context.Background(), base.Key("alice")); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("key cached (err %v)", err)
			}
		})
	}
}

// TestSSRFOddSpellings: URL spellings that smuggle a
// private address are refused by the URL check or at dial, never fetched.
func TestSSRFOddSpellings(t *testing.T) {
	tg := newSSRFTarget(t)
	svc, _ := ssrfService(t, false)
	ctx := context.Background()
	for _, raw := range []string{
		"http://2130706433:" + tg.port + "/users/alice",     // decimal 127.0.0.1
		"http://0x7f000001:" + tg.port + "/users/alice",     // hex
		"http://127.1:" + tg.port + "/users/alice",          // short form
		"http://0177.0.0.1:" + tg.port + "/users/alice",     // octal
		"http://user@127.0.0.1:" + tg.port + "/users/alice", // userinfo
		"http://localhost.:" + tg.port + "/users/alice",     // trailing dot
		"file:///etc/passwd",
		"gopher://127.0.0.1:" + tg.port + "/",
	} {
		before := tg.hits.Load()
		if _, err := svc.ResolveActor(ctx, raw, true); err == nil {
			t.Errorf("ResolveActor(%s) succeeded", raw)
		}
		if n := tg.hits.Load() - before; n != 0 {
			t.Errorf("%s: target reached %d times", raw, n)
		}
	}
}

package ap

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
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
	"github.com/rounds-social/rounds/storage/sqlite"
	"github.com/rounds-social/rounds/web/mastodon"
	"github.com/rounds-social/rounds/web/oauth"
)

// hostileBodyLimit is the production default (web.DefaultMaxBodyBytes), so the
// JSON bombs are tried at the size a real instance accepts.
const hostileBodyLimit = 1 << 20

// hpeer is a simulated remote instance on loopback whose documents can be
// changed by a test (extra key documents, forged actors).
type hpeer struct {
	srv  *httptest.Server
	base uris.Base
	host string
	keys map[string]*rsa.PrivateKey
	hits atomic.Int64
	mu   sync.Mutex
	docs map[string][]byte
}

func newHPeer(t *testing.T, names ...string) *hpeer {
	t.Helper()
	p := &hpeer{keys: map[string]*rsa.PrivateKey{}, docs: map[string][]byte{}}
	p.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.hits.Add(1)
		p.mu.Lock()
		doc, ok := p.docs[r.URL.Path]
		p.mu.Unlock()
		if r.Method != http.MethodGet || !ok {
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
		p.docs["/users/"+n] = doc
		p.keys[n] = key
	}
	p.srv.Start()
	t.Cleanup(p.srv.Close)
	return p
}

func (p *hpeer) actor(name string) string { return p.base.Actor(name) }
func (p *hpeer) keyID(name string) string { return p.base.Key(name) }

func (p *hpeer) setDoc(path string, doc []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.docs[path] = doc
}

func pemOf(t *testing.T, k *rsa.PrivateKey) string {
	t.Helper()
	s, err := signature.MarshalPublicKeyPEM(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// henv is a local instance with the ActivityPub routes and the Mastodon API,
// behind the production body limit, plus a raw read-only view of its database.
type henv struct {
	store *sqlite.DB
	raw   *sql.DB
	svc   *federation.Service
	srv   *httptest.Server
	base  uris.Base
	local *storage.Account
	token string
}

func newHEnv(t *testing.T) *henv {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "rounds.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	raw, err := sql.Open("sqlite3", "file:"+path+"?_query_only=true&_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = raw.Close() })
	srv := httptest.NewUnstartedServer(nil)
	base := uris.New("http", srv.Listener.Addr().String())
	svc := federation.New(db, federation.Options{
		Base:   base,
		Policy: policy.New(policy.Options{Mode: policy.ModeOpen}, db),
		Client: fetch.NewClient(fetch.Options{AllowPrivate: true, AllowHTTP: true}),
	})
	local, u, err := svc.CreateLocalAccount(ctx, federation.NewAccount{Username: "carol", Email: "carol@hospital.example"})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := oauth.Issue(ctx, db, u.ID, 0, []string{"read", "write", "follow"})
	if err != nil {
		t.Fatal(err)
	}
	r := mux.NewRouter()
	New(svc, Options{}).Register(r)
	mastodon.New(svc, mastodon.Instance{Name: "Test General", Version: "0.1.0"}, nil).Register(r)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		req.Body = http.MaxBytesReader(w, req.Body, hostileBodyLimit)
		r.ServeHTTP(w, req)
	})
	srv.Start()
	t.Cleanup(srv.Close)
	return &henv{store: db, raw: raw, svc: svc, srv: srv, base: base, local: local, token: tok}
}

// snapshot renders every table as sorted text, so any insert, update or
// delete shows as a difference. Left out: the inbox queue (the dedupe table,
// counted separately by inboxRows) and fetched_at columns (a refused request
// may legitimately refresh a cached actor or key from its origin).
func (e *henv) snapshot(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := e.raw.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	out := map[string]string{}
	for _, tb := range tables {
		if tb == "inbox_items" || strings.Contains(tb, "goose") || strings.Contains(tb, "migration") {
			continue
		}
		out[tb] = dumpRows(t, e.raw, "SELECT "+columnsOf(t, e.raw, tb)+" FROM "+tb)
	}
	return out
}

// columnsOf lists tb's columns except fetched_at: a refused request may
// refresh a cached actor or key from its origin, which is not storing anything.
func columnsOf(t *testing.T, db *sql.DB, tb string) string {
	t.Helper()
	rows, err := db.Query("SELECT name FROM pragma_table_info('" + tb + "')")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != "fetched_at" {
			cols = append(cols, `"`+n+`"`)
		}
	}
	return strings.Join(cols, ", ")
}

func dumpRows(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			if bs, ok := v.([]byte); ok {
				v = string(bs)
			}
			fmt.Fprintf(&b, "%s=%v|", cols[i], v)
		}
		lines = append(lines, b.String())
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func diffSnapshots(a, b map[string]string) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// inboxRows counts the inbox queue, which is also the replay (dedupe) table.
func (e *henv) inboxRows(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.raw.QueryRow(`SELECT count(*) FROM inbox_items`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// drainAll applies every queued item, as the inbox worker would.
func (e *henv) drainAll(t *testing.T) int {
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
		it.State = storage.JobDone
		it.Attempts++
		if err := e.store.FinishInbox(ctx, it); err != nil {
			t.Fatal(err)
		}
	}
	return len(items)
}

// sig describes a hand-built draft-cavage signature, so a test can produce
// requests that are cryptographically valid yet break the policy (a missing
// header, an odd algorithm) or are subtly wrong.
type sig struct {
	keyID   string
	key     *rsa.PrivateKey // RSA-SHA256 signer
	hmacKey []byte          // if set, HMAC-SHA256 with this secret instead
	alg     string          // algorithm parameter; "" omits it
	headers []string        // signed headers, in order
	date    time.Time       // zero: no Date header
	digest  string          // Digest header; "auto": SHA-256 of the body; "": none
	corrupt bool            // flip a bit of the signature
}

var stdHeaders = []string{"(request-target)", "host", "date", "digest"}

// rawPost builds a POST of body to path carrying s's signature.
func (e *henv) rawPost(t *testing.T, path string, body []byte, s sig) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/activity+json")
	if !s.date.IsZero() {
		req.Header.Set("Date", s.date.UTC().Format(http.TimeFormat))
	}
	switch s.digest {
	case "":
	case "auto":
		req.Header.Set("Digest", signature.Digest(body))
	default:
		req.Header.Set("Digest", s.digest)
	}
	var lines []string
	for _, h := range s.headers {
		switch h {
		case "(request-target)":
			lines = append(lines, "(request-target): post "+req.URL.RequestURI())
		case "host":
			lines = append(lines, "host: "+req.URL.Host)
		default:
			lines = append(lines, h+": "+req.Header.Get(h))
		}
	}
	signing := []byte(strings.Join(lines, "\n"))
	var raw []byte
	if s.hmacKey != nil {
		m := hmac.New(sha256.New, s.hmacKey)
		m.Write(signing)
		raw = m.Sum(nil)
	} else {
		sum := sha256.Sum256(signing)
		raw, err = rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, sum[:])
		if err != nil {
			t.Fatal(err)
		}
	}
	if s.corrupt {
		raw[len(raw)/2] ^= 0x01
	}
	v := fmt.Sprintf(`keyId="%s",`, s.keyID)
	if s.alg != "" {
		v += fmt.Sprintf(`algorithm="%s",`, s.alg)
	}
	v += fmt.Sprintf(`headers="%s",signature="%s"`, strings.Join(s.headers, " "), base64.StdEncoding.EncodeToString(raw))
	req.Header.Set("Signature", v)
	return req
}

func activitypubActor(a *storage.Account, p *hpeer) ([]byte, error) {
	return activitypub.ActorDocument(a, p.base)
}

package signature

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Real keys, generated once per test binary: A signs, B is "some other key", weak is
// RSA-1024 (which Verify must refuse).
var keyA, keyB, weakKey *rsa.PrivateKey

func TestMain(m *testing.M) {
	var err error
	if keyA, err = GenerateKey(); err == nil {
		if keyB, err = GenerateKey(); err == nil {
			weakKey, err = rsa.GenerateKey(rand.Reader, 1024)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "generate test keys:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// fakeKeys is a KeySource that counts lookups and refreshes.
type fakeKeys struct {
	mu                   sync.Mutex
	first, refreshed     PublicKey
	firstErr, refreshErr error
	lookups, refreshes   int
}

func (f *fakeKeys) PublicKey(_ context.Context, keyID string, refresh bool) (PublicKey, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lookups++
	if refresh {
		f.refreshes++
		return f.refreshed, f.refreshErr
	}
	return f.first, f.firstErr
}

// keysFor returns a source that always answers with pub, owned by owner.
func keysFor(keyID, owner string, pub crypto.PublicKey) *fakeKeys {
	pk := PublicKey{ID: keyID, Owner: owner, Key: pub}
	return &fakeKeys{first: pk, refreshed: pk}
}

// verifyServer is a loopback server whose handler calls Verify, so signatures cross a
// real connection and the server sees what net/http makes of them (Host in r.Host, the
// raw path in RawPath).
type verifyServer struct {
	*httptest.Server
	keys KeySource
	opt  Options

	mu   sync.Mutex
	got  Verified
	err  error
	body []byte
}

func startServer(t *testing.T, keys KeySource) *verifyServer {
	t.Helper()
	s := &verifyServer{keys: keys}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	t.Cleanup(s.Close)
	return s
}

func (s *verifyServer) handle(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	got, err := Verify(r.Context(), r, body, s.keys, s.opt)
	s.mu.Lock()
	s.got, s.err, s.body = got, err, body
	s.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// send delivers r with body and returns what Verify said on the server.
func (s *verifyServer) send(t *testing.T, r *http.Request, body []byte) (Verified, error) {
	t.Helper()
	if body != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
	}
	resp, err := s.Client().Do(r)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if (s.err == nil) != (resp.StatusCode == http.StatusAccepted) {
		t.Fatalf("status %d but Verify error %v", resp.StatusCode, s.err)
	}
	return s.got, s.err
}

// actor returns the test actor id and keyId on the server's host.
func (s *verifyServer) actor(name string) (actorID, keyID string) {
	actorID = s.URL + "/users/" + name
	return actorID, actorID + "#main-key"
}

func newRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		r.Header.Set("Content-Type", "application/activity+json")
	}
	return r
}

// handSig describes a signature computed without httpsig, from the signing string the
// draft defines, the way Mastodon's Ruby code builds it.
type handSig struct {
	keyID     string
	algorithm string // "" leaves the parameter out
	headers   []string
	created   int64
	key       *rsa.PrivateKey
	target    string // (request-target) path and query; "" means as sent on the wire
}

func handSign(t *testing.T, r *http.Request, hs handSig) {
	t.Helper()
	var lines []string
	for _, h := range hs.headers {
		lines = append(lines, h+": "+handValue(r, h, hs))
	}
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	sig, err := rsa.SignPKCS1v15(rand.Reader, hs.key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	v := `keyId="` + hs.keyID + `"`
	if hs.algorithm != "" {
		v += `,algorithm="` + hs.algorithm + `"`
	}
	if hs.created != 0 {
		v += ",created=" + strconv.FormatInt(hs.created, 10)
	}
	v += `,headers="` + strings.Join(hs.headers, " ") + `",signature="` + base64.StdEncoding.EncodeToString(sig) + `"`
	r.Header.Set("Signature", v)
}

func handValue(r *http.Request, h string, hs handSig) string {
	switch h {
	case "(request-target)":
		target := hs.target
		if target == "" {
			target = r.URL.RequestURI()
		}
		return strings.ToLower(r.Method) + " " + target
	case "(created)":
		return strconv.FormatInt(hs.created, 10)
	case "host":
		return r.URL.Host
	}
	return strings.Join(r.Header.Values(h), ", ")
}

// mastodonPost builds a POST the way Mastodon delivers: Date, Digest, and a signature
// over "(request-target) host date digest" with algorithm rsa-sha256.
func mastodonPost(t *testing.T, url string, body []byte, hs handSig) *http.Request {
	t.Helper()
	r := newRequest(t, http.MethodPost, url)
	r.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	r.Header.Set("Digest", Digest(body))
	if hs.headers == nil {
		hs.headers = []string{"(request-target)", "host", "date", "digest"}
	}
	if hs.algorithm == "" {
		hs.algorithm = "rsa-sha256"
	}
	handSign(t, r, hs)
	return r
}

package signature

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A delivery signed by hand, byte for byte the way Mastodon's Ruby code signs, must
// verify: this is the test that does not trust httpsig to agree with itself.
func TestVerifyMastodonHandSigned(t *testing.T) {
	srv := startServer(t, nil)
	actor, keyID := srv.actor("mastodon")
	srv.keys = keysFor(keyID, actor, &keyA.PublicKey)
	body := []byte(`{"@context":"https://www.w3.org/ns/activitystreams","type":"Create"}`)
	r := mastodonPost(t, srv.URL+"/inbox", body, handSig{keyID: keyID, key: keyA})
	got, err := srv.send(t, r, body)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got.Owner != actor {
		t.Errorf("Owner = %q, want %q", got.Owner, actor)
	}
}

// Mastodon's verifier accepts (created) in place of date; so do we.
func TestVerifyCreatedInsteadOfDate(t *testing.T) {
	srv := startServer(t, nil)
	actor, keyID := srv.actor("fedi")
	srv.keys = keysFor(keyID, actor, &keyA.PublicKey)
	body := []byte(`{}`)
	r := newRequest(t, http.MethodPost, srv.URL+"/inbox")
	r.Header.Set("Digest", Digest(body))
	handSign(t, r, handSig{keyID: keyID, key: keyA, algorithm: "hs2019", created: time.Now().Unix(),
		headers: []string{"(request-target)", "host", "(created)", "digest"}})
	if _, err := srv.send(t, r, body); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

// The path as sent on the wire (escaped) is what Mastodon signs; go-fed/httpsig peers
// sign the decoded path. Both must verify, and so must our own Sign.
func TestVerifyEscapedPath(t *testing.T) {
	srv := startServer(t, nil)
	actor, keyID := srv.actor("alice")
	srv.keys = keysFor(keyID, actor, &keyA.PublicKey)
	url := srv.URL + "/users/a%40b/inbox"
	for _, target := range []string{"/users/a%40b/inbox", "/users/a@b/inbox"} {
		r := mastodonPost(t, url, []byte("x"), handSig{keyID: keyID, key: keyA, target: target})
		if _, err := srv.send(t, r, []byte("x")); err != nil {
			t.Errorf("signed over %s: %v", target, err)
		}
	}
	r := newRequest(t, http.MethodPost, url)
	if err := Sign(r, []byte("x"), keyID, keyA, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.send(t, r, []byte("x")); err != nil {
		t.Errorf("Sign over an escaped path: %v", err)
	}
}

// httpsig's own parser splits on every comma; a keyId holding one must still verify,
// because httpsig is handed a re-rendered header.
func TestVerifyKeyIDWithComma(t *testing.T) {
	srv := startServer(t, nil)
	actor := srv.URL + "/users/a,b"
	keyID := actor + "#main-key"
	srv.keys = keysFor(keyID, actor, &keyA.PublicKey)
	r := mastodonPost(t, srv.URL+"/inbox", []byte("x"), handSig{keyID: keyID, key: keyA})
	if got, err := srv.send(t, r, []byte("x")); err != nil || got.KeyID != keyID {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
}

// Older Mastodon signed the path without the query (pitfall 8).
func TestVerifyRetriesWithoutQuery(t *testing.T) {
	srv := startServer(t, nil)
	actor, keyID := srv.actor("old")
	keys := keysFor(keyID, actor, &keyA.PublicKey)
	srv.keys = keys
	body := []byte("x")
	r := mastodonPost(t, srv.URL+"/inbox?page=2", body, handSig{keyID: keyID, key: keyA, target: "/inbox"})
	if _, err := srv.send(t, r, body); err != nil {
		t.Fatalf("path-only signature on a URL with a query: %v", err)
	}
	if keys.refreshes != 0 {
		t.Errorf("refreshed the key %d times; the cached key was right", keys.refreshes)
	}
	r = mastodonPost(t, srv.URL+"/inbox?page=2", body, handSig{keyID: keyID, key: keyA, target: "/outbox"})
	if _, err := srv.send(t, r, body); !errors.Is(err, ErrBadSignature) {
		t.Errorf("signature over another path: err = %v, want ErrBadSignature", err)
	}
}

func TestVerifyKeyRotation(t *testing.T) {
	srv := startServer(t, nil)
	actor, keyID := srv.actor("rotated")
	keys := &fakeKeys{
		first:     PublicKey{ID: keyID, Owner: actor, Key: &keyB.PublicKey}, // the stale cached key
		refreshed: PublicKey{ID: keyID, Owner: actor, Key: &keyA.PublicKey},
	}
	srv.keys = keys
	r := newRequest(t, http.MethodPost, srv.URL+"/inbox")
	if err := Sign(r, []byte("x"), keyID, keyA, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.send(t, r, []byte("x")); err != nil {
		t.Fatalf("Verify after rotation: %v", err)
	}
	if keys.refreshes != 1 || keys.lookups != 2 {
		t.Errorf("lookups=%d refreshes=%d, want 2 and 1", keys.lookups, keys.refreshes)
	}
}

// verifyCase is one request Verify must refuse, with the sentinel it must report.
type verifyCase struct {
	name    string
	keys    func(actor, keyID string) *fakeKeys // nil: key A, owned by actor
	request func(t *testing.T, url, keyID string) (*http.Request, []byte)
	want    error
}

func signedPost(t *testing.T, url, keyID string, now time.Time) (*http.Request, []byte) {
	body := []byte(`{"type":"Like"}`)
	r := newRequest(t, http.MethodPost, url)
	if err := Sign(r, body, keyID, keyA, now); err != nil {
		t.Fatal(err)
	}
	return r, body
}

func handPost(hs handSig) func(t *testing.T, url, keyID string) (*http.Request, []byte) {
	return func(t *testing.T, url, keyID string) (*http.Request, []byte) {
		body := []byte(`{"type":"Like"}`)
		if hs.keyID == "" {
			hs.keyID = keyID
		}
		if hs.key == nil {
			hs.key = keyA
		}
		return mastodonPost(t, url, body, hs), body
	}
}

func withHeader(name, value string) func(t *testing.T, url, keyID string) (*http.Request, []byte) {
	return func(t *testing.T, url, keyID string) (*http.Request, []byte) {
		r, body := signedPost(t, url, keyID, time.Now())
		r.Header.Set(name, value)
		return r, body
	}
}

var verifyCases = []verifyCase{
	{name: "no header", want: ErrNoSignature,
		request: func(t *testing.T, url, _ string) (*http.Request, []byte) {
			return newRequest(t, http.MethodPost, url), []byte("x")
		}},
	{name: "garbage header", want: ErrBadHeader, request: withHeader("Signature", "garbage")},
	{name: "missing keyId", want: ErrBadHeader,
		request: withHeader("Signature", `algorithm="rsa-sha256",headers="(request-target) host date digest",signature="AAAA"`)},
	{name: "two signature headers", want: ErrBadHeader,
		request: func(t *testing.T, url, keyID string) (*http.Request, []byte) {
			r, body := signedPost(t, url, keyID, time.Now())
			r.Header.Set("Authorization", "Signature "+r.Header.Get("Signature"))
			return r, body
		}},
	{name: "algorithm confusion hmac-sha256", want: ErrAlgorithm, request: handPost(handSig{algorithm: "hmac-sha256"})},
	{name: "algorithm ed25519 with an RSA key", want: ErrAlgorithm, request: handPost(handSig{algorithm: "ed25519"})},
	{name: "POST without digest signed", want: ErrMissingHeaders,
		request: handPost(handSig{headers: []string{"(request-target)", "host", "date"}})},
	{name: "host not signed", want: ErrMissingHeaders,
		request: handPost(handSig{headers: []string{"(request-target)", "date", "digest"}})},
	{name: "date not signed", want: ErrMissingHeaders,
		request: handPost(handSig{headers: []string{"(request-target)", "host", "digest"}})},
	{name: "request-target not signed", want: ErrMissingHeaders,
		request: handPost(handSig{headers: []string{"host", "date", "digest"}})},
	{name: "Date 13 h old", want: ErrDate,
		request: func(t *testing.T, url, keyID string) (*http.Request, []byte) {
			return signedPost(t, url, keyID, time.Now().Add(-13*time.Hour))
		}},
	{name: "Date 2 h ahead", want: ErrDate,
		request: func(t *testing.T, url, keyID string) (*http.Request, []byte) {
			return signedPost(t, url, keyID, time.Now().Add(2*time.Hour))
		}},
	{name: "tampered body", want: ErrDigest,
		request: func(t *testing.T, url, keyID string) (*http.Request, []byte) {
			r, _ := signedPost(t, url, keyID, time.Now())
			return r, []byte(`{"type":"Delete"}`)
		}},
	{name: "Digest MD5 only", want: ErrDigest,
		request: func(t *testing.T, url, keyID string) (*http.Request, []byte) {
			body := []byte("x")
			r := newRequest(t, http.MethodPost, url)
			r.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
			r.Header.Set("Digest", "MD5=nf+7fXcWnUqB7ZqE9ZJbJA==")
			handSign(t, r, handSig{keyID: keyID, key: keyA, algorithm: "rsa-sha256",
				headers: []string{"(request-target)", "host", "date", "digest"}})
			return r, body
		}},
	{name: "wrong key, also after refresh", want: ErrBadSignature, request: withHeader("X-Unused", "1"),
		keys: func(actor, keyID string) *fakeKeys { return keysFor(keyID, actor, &keyB.PublicKey) }},
	{name: "keyId host is not the owner's host", want: ErrKey, request: withHeader("X-Unused", "1"),
		keys: func(_, keyID string) *fakeKeys {
			return keysFor(keyID, "https://elsewhere.example/users/mallory", &keyA.PublicKey)
		}},
	{name: "owner missing", want: ErrKey, request: withHeader("X-Unused", "1"),
		keys: func(_, keyID string) *fakeKeys { return keysFor(keyID, "", &keyA.PublicKey) }},
	{name: "source returns another key id", want: ErrKey, request: withHeader("X-Unused", "1"),
		keys: func(actor, _ string) *fakeKeys { return keysFor(actor+"#other-key", actor, &keyA.PublicKey) }},
	{name: "1024-bit key", want: ErrKey, request: handPost(handSig{key: weakKey}),
		keys: func(actor, keyID string) *fakeKeys { return keysFor(keyID, actor, &weakKey.PublicKey) }},
	{name: "key gone", want: ErrKeyGone, request: withHeader("X-Unused", "1"),
		keys: func(_, keyID string) *fakeKeys {
			return &fakeKeys{firstErr: fmt.Errorf("fetch %s: %w", keyID, ErrKeyGone)}
		}},
}

func TestVerifyRefuses(t *testing.T) {
	for _, c := range verifyCases {
		t.Run(c.name, func(t *testing.T) {
			srv := startServer(t, nil)
			actor, keyID := srv.actor("alice")
			keys := keysFor(keyID, actor, &keyA.PublicKey)
			if c.keys != nil {
				keys = c.keys(actor, keyID)
			}
			srv.keys = keys
			r, body := c.request(t, srv.URL+"/users/bob/inbox", keyID)
			_, err := srv.send(t, r, body)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if errors.Is(c.want, ErrKeyGone) && !errors.Is(err, ErrKey) {
				t.Errorf("a gone key should also report ErrKey: %v", err)
			}
			checkRefreshes(t, c, keys)
		})
	}
}

// checkRefreshes asserts the key was fetched only when the request itself was sound,
// and refreshed at most once.
func checkRefreshes(t *testing.T, c verifyCase, keys *fakeKeys) {
	t.Helper()
	keyStage := c.want == ErrKey || c.want == ErrBadSignature || c.want == ErrKeyGone
	switch {
	case !keyStage && keys.lookups != 0:
		t.Errorf("looked up the key %d times for a request refused before that", keys.lookups)
	case c.want == ErrBadSignature && keys.refreshes != 1:
		t.Errorf("refreshed %d times, want exactly 1", keys.refreshes)
	case keys.refreshes > 1:
		t.Errorf("refreshed %d times", keys.refreshes)
	}
}

func TestVerifyOptionsWindow(t *testing.T) {
	srv := startServer(t, nil)
	actor, keyID := srv.actor("alice")
	srv.keys = keysFor(keyID, actor, &keyA.PublicKey)
	signedAt := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	r, body := signedPost(t, srv.URL+"/inbox", keyID, signedAt)
	srv.opt = Options{Now: signedAt.Add(11 * time.Hour)}
	if _, err := srv.send(t, r, body); err != nil {
		t.Fatalf("11 h old with the default window: %v", err)
	}
	r, body = signedPost(t, srv.URL+"/inbox", keyID, signedAt)
	srv.opt = Options{Now: signedAt.Add(11 * time.Hour), MaxAge: time.Hour}
	if _, err := srv.send(t, r, body); !errors.Is(err, ErrDate) {
		t.Fatalf("11 h old with MaxAge 1 h: err = %v, want ErrDate", err)
	}
}

func TestKeyIDOf(t *testing.T) {
	r := newRequest(t, http.MethodGet, "https://peer.example/users/bob")
	if _, err := KeyIDOf(r); !errors.Is(err, ErrNoSignature) {
		t.Errorf("unsigned: err = %v, want ErrNoSignature", err)
	}
	keyID := "https://Rounds.example:8443/users/alice#main-key"
	if err := Sign(r, nil, keyID, keyA, time.Now()); err != nil {
		t.Fatal(err)
	}
	u, err := KeyIDOf(r)
	if err != nil || u.String() != keyID || u.Hostname() != "Rounds.example" {
		t.Errorf("KeyIDOf = %v, %v; want %s", u, err, keyID)
	}
	r.Header.Set("Authorization", "Signature "+r.Header.Get("Signature"))
	r.Header.Del("Signature")
	if u, err := KeyIDOf(r); err != nil || u.String() != keyID {
		t.Errorf("KeyIDOf(Authorization) = %v, %v", u, err)
	}
	r.Header.Set("Authorization", `Signature keyId="/users/alice",signature="AAAA"`)
	if _, err := KeyIDOf(r); !errors.Is(err, ErrBadHeader) {
		t.Errorf("relative keyId: err = %v, want ErrBadHeader", err)
	}
	r.Header.Set("Authorization", `Signature keyId="acct:alice@peer.example",signature="AAAA"`)
	if _, err := KeyIDOf(r); !errors.Is(err, ErrBadHeader) || !strings.Contains(err.Error(), "acct:") {
		t.Errorf("non-http keyId: err = %v, want ErrBadHeader naming it", err)
	}
}

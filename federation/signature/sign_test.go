package signature

import (
	"crypto/rsa"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestSignVerifyRoundTrip(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			srv := startServer(t, nil)
			actor, keyID := srv.actor("alice")
			srv.keys = keysFor(keyID, actor, &keyA.PublicKey)
			var body []byte
			if method == http.MethodPost {
				body = []byte(`{"type":"Follow","actor":"` + actor + `"}`)
			}
			r := newRequest(t, method, srv.URL+"/users/bob/inbox")
			if err := Sign(r, body, keyID, keyA, time.Now()); err != nil {
				t.Fatal(err)
			}
			got, err := srv.send(t, r, body)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got.KeyID != keyID || got.Owner != actor {
				t.Errorf("Verified = %+v, want keyId %s owner %s", got, keyID, actor)
			}
		})
	}
}

var sigShape = regexp.MustCompile(`^keyId="([^"]+)",algorithm="rsa-sha256",headers="([^"]+)",signature="[A-Za-z0-9+/]+=*"$`)

func TestSignHeaderShape(t *testing.T) {
	now := time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("CET", 3600))
	keyID := "https://rounds.example/users/alice#main-key"
	cases := []struct {
		method  string
		body    []byte
		headers string
		digest  bool
	}{
		{http.MethodPost, []byte(`{"a":1}`), "(request-target) host date digest", true},
		{http.MethodPost, nil, "(request-target) host date digest", true}, // empty POST still signs a digest
		{http.MethodGet, nil, "(request-target) host date", false},
	}
	for _, c := range cases {
		r := newRequest(t, c.method, "https://peer.example:8443/inbox")
		if err := Sign(r, c.body, keyID, keyA, now); err != nil {
			t.Fatal(err)
		}
		m := sigShape.FindStringSubmatch(r.Header.Get("Signature"))
		if m == nil || m[1] != keyID || m[2] != c.headers {
			t.Errorf("%s: Signature = %q, want keyId %s and headers %q", c.method, r.Header.Get("Signature"), keyID, c.headers)
		}
		if got := r.Header.Get("Date"); got != "Tue, 04 Mar 2025 04:06:07 GMT" {
			t.Errorf("%s: Date = %q", c.method, got)
		}
		if got := r.Header.Get("Host"); got != "peer.example:8443" {
			t.Errorf("%s: Host header = %q", c.method, got)
		}
		wantDigest := ""
		if c.digest {
			wantDigest = Digest(c.body)
		}
		if got := r.Header.Get("Digest"); got != wantDigest {
			t.Errorf("%s: Digest = %q, want %q", c.method, got, wantDigest)
		}
	}
}

// Re-signing a request (a retry, another body) must leave exactly one fresh signature
// and no stale Digest.
func TestSignReplacesStaleHeaders(t *testing.T) {
	srv := startServer(t, nil)
	actor, keyID := srv.actor("alice")
	srv.keys = keysFor(keyID, actor, &keyA.PublicKey)
	r := newRequest(t, http.MethodPost, srv.URL+"/inbox")
	r.Header.Set("Digest", "SHA-256=stale")
	r.Header.Add("Authorization", "Signature keyId=\"old\",signature=\"AAAA\"")
	r.Header.Add("Authorization", "Bearer keep-me")
	if err := Sign(r, []byte("first"), keyID, keyA, time.Now()); err != nil {
		t.Fatal(err)
	}
	body := []byte("second")
	if err := Sign(r, body, keyID, keyA, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n := len(r.Header.Values("Signature")); n != 1 {
		t.Fatalf("%d Signature headers", n)
	}
	if got := r.Header.Values("Authorization"); len(got) != 1 || got[0] != "Bearer keep-me" {
		t.Errorf("Authorization = %q, want only the bearer token", got)
	}
	if _, err := srv.send(t, r, body); err != nil {
		t.Fatalf("Verify after re-sign: %v", err)
	}

	get := newRequest(t, http.MethodGet, srv.URL+"/users/bob")
	get.Header.Set("Digest", Digest([]byte("stale")))
	if err := Sign(get, nil, keyID, keyA, time.Now()); err != nil {
		t.Fatal(err)
	}
	if d := get.Header.Get("Digest"); d != "" {
		t.Errorf("GET kept a stale Digest %q", d)
	}
}

func TestSignRefuses(t *testing.T) {
	good := "https://rounds.example/users/alice#main-key"
	cases := []struct {
		name  string
		url   string
		keyID string
		key   any
	}{
		{"1024-bit key", "https://peer.example/inbox", good, weakKey},
		{"nil key", "https://peer.example/inbox", good, nil},
		{"relative keyId", "https://peer.example/inbox", "/users/alice#main-key", keyA},
		{"quote in keyId", "https://peer.example/inbox", `https://rounds.example/"x`, keyA},
		{"comma in keyId", "https://peer.example/inbox", "https://rounds.example/a,b", keyA},
		{"no host", "/inbox", good, keyA},
	}
	for _, c := range cases {
		r, err := http.NewRequest(http.MethodPost, c.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		key, _ := c.key.(*rsa.PrivateKey)
		if err := Sign(r, []byte("x"), c.keyID, key, time.Now()); err == nil {
			t.Errorf("%s: Sign succeeded", c.name)
		}
		if r.Header.Get("Signature") != "" {
			t.Errorf("%s: a failed Sign left a Signature header", c.name)
		}
	}
}

// httpsig signers are not goroutine-safe; Sign makes one per call. Run with -race.
func TestSignConcurrent(t *testing.T) {
	srv := startServer(t, nil)
	actor, keyID := srv.actor("alice")
	keys := keysFor(keyID, actor, &keyA.PublicKey)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := []byte(strings.Repeat("x", i))
			r := newRequest(t, http.MethodPost, srv.URL+"/inbox")
			if err := Sign(r, body, keyID, keyA, time.Now()); err != nil {
				errs <- err
				return
			}
			r.Host = r.URL.Host
			if _, err := Verify(t.Context(), r, body, keys, Options{}); err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestDigest(t *testing.T) {
	// SHA-256 of the empty string, a well-known vector.
	if got, want := Digest(nil), "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; got != want {
		t.Errorf("Digest(nil) = %q, want %q", got, want)
	}
}

package signature

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"
)

// FuzzParseHeader feeds remote-controlled header values to the parser. Its seeds (here
// and in testdata/fuzz/FuzzParseHeader) run in every plain `go test`.
func FuzzParseHeader(f *testing.F) {
	for _, seed := range []string{
		mastodonHeader,
		"Signature " + mastodonHeader,
		`keyId="https://a.example/actor#main-key",algorithm="hs2019",created=1700000000,expires=1700000300,headers="(request-target) (created) (expires) host digest",signature="AAAA"`,
		`keyId=token,signature="AAAA"`,
		`keyId="k", signature="AAAA" ,headers="date"`,
		`keyId="k",signature="AAAA",keyId="j"`,
		`keyId="k\"",signature="AAAA"`,
		`keyId="a,b",headers="date",signature="QUJD"`,
		`signature = "AAAA", keyId = "k"`,
		"",
		"Signature",
		`keyId="k",signature="AAAA",`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, h string) {
		p, err := ParseHeader(h)
		if err != nil {
			return
		}
		if p.KeyID == "" || len(p.Signature) == 0 || len(p.Headers) == 0 {
			t.Fatalf("ParseHeader(%q) accepted an incomplete header: %+v", h, p)
		}
		// What we accepted must survive re-rendering unchanged: Verify hands httpsig
		// a re-rendered header, so a difference here would be a parser differential.
		q, err := ParseHeader(formatHeader(p))
		if err != nil || !reflect.DeepEqual(p, q) {
			t.Fatalf("round trip of %q: %+v, %v; want %+v", h, q, err, p)
		}
	})
}

// FuzzVerify drives the whole verifier, httpsig included, with remote-controlled
// headers and body. Nothing it sends can be signed by key A, so it must never pass.
func FuzzVerify(f *testing.F) {
	f.Add("POST", "/inbox", mastodonHeader, "Tue, 04 Mar 2025 04:06:07 GMT", "SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "")
	f.Add("GET", "/users/a%40b?x=1", `keyId="https://mastodon.example/users/alice#main-key",created=1700000000,headers="(request-target) host (created)",signature="AAAA"`, "", "", "")
	f.Add("POST", "/", `keyId="https://mastodon.example/k",headers="(request-target) host date digest x",signature="AAAA"`, "", "MD5=x, SHA-256=y", "body")
	f.Fuzz(func(t *testing.T, method, path, sig, date, digest, body string) {
		r := &http.Request{Method: method, URL: &url.URL{Path: path}, Host: "mastodon.example", Header: http.Header{}}
		r.Header.Set("Signature", sig)
		r.Header.Set("Date", date)
		r.Header.Set("Digest", digest)
		r.Header.Set("X", "y")
		keys := keysFor("https://mastodon.example/users/alice#main-key", "https://mastodon.example/users/alice", &keyA.PublicKey)
		opt := Options{Now: time.Date(2025, 3, 4, 5, 0, 0, 0, time.UTC)}
		if v, err := Verify(context.Background(), r, []byte(body), keys, opt); err == nil {
			t.Fatalf("Verify accepted a forged request: %+v", v)
		}
	})
}

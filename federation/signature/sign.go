package signature

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-fed/httpsig"
)

// The header sets the design requires (DESIGN §4). GET must not list digest: httpsig
// adds no Digest without a body and then fails on it (pitfall 11).
var (
	getHeaders  = []string{httpsig.RequestTarget, "host", "date"}
	postHeaders = []string{httpsig.RequestTarget, "host", "date", "digest"}
)

// Sign signs an outgoing request as keyID (e.g. "https://host/users/alice#main-key").
//
// With a body (body != nil, or a POST/PUT/PATCH, whose nil body counts as empty) it sets
// Date, Host and Digest: SHA-256=… and signs "(request-target) host date digest";
// otherwise it signs "(request-target) host date". The wire format is
// algorithm="rsa-sha256". Sign replaces any Signature, Digest, Date or
// "Authorization: Signature" already on r, so re-signing a request (a retry) is safe and
// a stale Digest can never go out; it does not set r.Body, ContentLength or
// Content-Type. The (request-target) is the path as sent on the wire (escaped).
// Safe for concurrent use: each call builds its own httpsig signer.
func Sign(r *http.Request, body []byte, keyID string, key *rsa.PrivateKey, now time.Time) error {
	if err := checkSigningInput(r, keyID, key); err != nil {
		return fmt.Errorf("sign %s: %w", keyID, err)
	}
	headers := getHeaders
	if body == nil && carriesBody(r, nil) {
		body = []byte{} // a POST without a body still signs the digest of ""
	}
	if body != nil {
		headers = postHeaders
	}
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	signed, err := signCopy(r.Method, r.URL, host, body, headers, keyID, key, now)
	if err != nil {
		return fmt.Errorf("sign %s %s as %s: %w", r.Method, r.URL.Redacted(), keyID, err)
	}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	dropStaleSignature(r.Header)
	for _, k := range []string{"Host", "Date", "Digest", "Signature"} {
		if v := signed.Get(k); v != "" {
			r.Header.Set(k, v)
		}
	}
	return nil
}

// checkSigningInput refuses what would produce a signature no peer accepts.
func checkSigningInput(r *http.Request, keyID string, key *rsa.PrivateKey) error {
	if r == nil || r.URL == nil {
		return errors.New("no request URL")
	}
	if r.URL.Opaque != "" {
		return errors.New("opaque URLs cannot be signed")
	}
	if r.Host == "" && r.URL.Host == "" {
		return errors.New("request has no host")
	}
	if key == nil || key.N == nil || key.N.BitLen() < minKeyBits {
		return fmt.Errorf("need an RSA key of at least %d bits", minKeyBits)
	}
	// keyId goes into a quoted string unescaped; commas break go-fed/httpsig peers' parser.
	if strings.ContainsAny(keyID, "\",\\") || strings.IndexFunc(keyID, func(c rune) bool { return c < 0x21 || c > 0x7e }) >= 0 {
		return errors.New("keyId must be printable ASCII without quotes, commas or backslashes")
	}
	if _, err := parseKeyID(keyID); err != nil {
		return fmt.Errorf("keyId %q is not an absolute http(s) URL", keyID)
	}
	return nil
}

// signCopy signs a minimal copy of the request and returns its headers. Signing a copy
// lets the (request-target) carry the escaped path the client actually sends (httpsig
// writes URL.Path, the decoded one) without touching the caller's URL.
func signCopy(method string, u *url.URL, host string, body []byte, headers []string, keyID string, key *rsa.PrivateKey, now time.Time) (http.Header, error) {
	c := &http.Request{
		Method: method,
		URL:    &url.URL{Path: wirePath(u), RawQuery: u.RawQuery},
		Host:   host,
		Header: http.Header{},
	}
	c.Header.Set("Host", host) // httpsig reads Host from the header map only (pitfall 4)
	c.Header.Set("Date", now.UTC().Format(http.TimeFormat))
	// A signer per call: httpsig signers are not goroutine-safe. expiresIn=0 keeps
	// (created)/(expires) out, which httpsig would freeze at construction (pitfall 10).
	s, alg, err := httpsig.NewSigner([]httpsig.Algorithm{httpsig.RSA_SHA256}, httpsig.DigestSha256, headers, httpsig.Signature, 0)
	if err != nil {
		return nil, err
	}
	if alg != httpsig.RSA_SHA256 {
		return nil, fmt.Errorf("httpsig chose %s", alg) // NewSigner falls back silently
	}
	if err := s.SignRequest(key, keyID, c, body); err != nil {
		return nil, err
	}
	sig, err := rewriteAlgorithm(c.Header.Get("Signature"), keyID)
	if err != nil {
		return nil, err
	}
	c.Header.Set("Signature", sig)
	return c.Header, nil
}

// rewriteAlgorithm replaces httpsig's fixed algorithm="hs2019" with "rsa-sha256", which
// Fedify, Misskey and older peers expect (pitfall 6). The parameter is not part of the
// signing string, so the signature stays valid. httpsig always writes keyId then
// algorithm; anything else means the library changed, and we refuse to guess.
func rewriteAlgorithm(h, keyID string) (string, error) {
	prefix := `keyId="` + keyID + `",algorithm="hs2019",`
	if !strings.HasPrefix(h, prefix) {
		return "", fmt.Errorf("unexpected httpsig Signature header %q", h)
	}
	return `keyId="` + keyID + `",algorithm="rsa-sha256",` + h[len(prefix):], nil
}

// dropStaleSignature removes what an earlier signing left, so a receiver never sees two
// signatures or a Digest for another body.
func dropStaleSignature(h http.Header) {
	h.Del("Signature")
	h.Del("Digest")
	var keep []string
	for _, a := range h.Values("Authorization") {
		if len(a) < 10 || !strings.EqualFold(a[:10], "signature ") {
			keep = append(keep, a)
		}
	}
	h.Del("Authorization")
	for _, a := range keep {
		h.Add("Authorization", a)
	}
}

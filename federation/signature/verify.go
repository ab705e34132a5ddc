package signature

import (
	"context"
	"crypto"
	"crypto/rsa"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-fed/httpsig"
)

// Key sizes we accept. Below 2048 bits RSA is breakable in practice; above 8192 a key
// only makes every verification slower for whoever must check it.
const (
	minKeyBits = 2048
	maxKeyBits = 8192
)

// PublicKey is a resolved keyId: the key and the actor that owns it.
type PublicKey struct {
	ID    string // the key's id as published; must equal the keyId when non-empty
	Owner string // the owning actor's id; required
	Key   crypto.PublicKey
}

// KeySource resolves a keyId to a key, typically from a cache and else by fetching the
// actor document. refresh=true means "the key you gave failed: fetch it again" (the
// actor may have rotated its key). Errors wrap ErrKeyGone when the actor answered 410.
type KeySource interface {
	PublicKey(ctx context.Context, keyID string, refresh bool) (PublicKey, error)
}

// Verified identifies who signed a request.
type Verified struct {
	KeyID string
	Owner string // the actor that owns the key
}

// Options tune Verify. The zero value is Mastodon's policy at the current time.
type Options struct {
	Now     time.Time     // zero: time.Now()
	MaxAge  time.Duration // how old Date/(created) may be; zero: 12 h
	MaxSkew time.Duration // how far ahead Date/(created) may be; zero: 1 h
}

func (o Options) withDefaults() Options {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.MaxAge <= 0 {
		o.MaxAge = 12 * time.Hour
	}
	if o.MaxSkew <= 0 {
		o.MaxSkew = time.Hour
	}
	return o
}

// Verify checks the HTTP signature of r, whose body the caller has already read (with a
// size limit) and passes as body; r.Body is not touched and r is not modified.
//
// Checks, in order: a signature header exists and parses, with an http(s) keyId; the
// algorithm is rsa-sha256 or hs2019 (or absent); the signature covers (request-target),
// host, date or (created), and digest whenever the request carries a body; the Date is
// within MaxAge past and MaxSkew future; the Digest is SHA-256 of body. Only then is the
// key looked up, so a malformed request costs no fetch. The key must be RSA of 2048 to
// 8192 bits, its Owner set and on the keyId's host (port included). If the signature
// fails, the key is fetched again once (refresh=true) and retried. For each key the
// request target is tried as sent, then with the decoded path (go-fed/httpsig signers),
// then both without the query string (older Mastodon signed the path only).
//
// A signed (created) is also checked by httpsig against the wall clock with a fixed
// 10 s tolerance for the future, whatever Options say; Mastodon-style Date signatures
// are not affected.
//
// The caller must still check that Verified.Owner is the activity's actor: a valid
// signature only proves control of some key. Apply domain policy with KeyIDOf before
// calling Verify. Errors wrap one of the Err* sentinels; a KeySource error is wrapped
// too (errors.Is(err, ErrKeyGone) works).
func Verify(ctx context.Context, r *http.Request, body []byte, keys KeySource, opt Options) (Verified, error) {
	opt = opt.withDefaults()
	p, keyURL, err := parseRequest(r)
	if err != nil {
		return Verified{}, err
	}
	if err := checkRequest(r, p, body, opt); err != nil {
		return Verified{}, err
	}
	return verifyWithKeys(ctx, r, p, keyURL, keys)
}

func parseRequest(r *http.Request) (Params, *url.URL, error) {
	if r == nil || r.URL == nil || r.Header == nil {
		return Params{}, nil, fail(ErrNoSignature, "incomplete request")
	}
	h, err := headerOf(r)
	if err != nil {
		return Params{}, nil, err
	}
	p, err := ParseHeader(h)
	if err != nil {
		return Params{}, nil, err
	}
	u, err := parseKeyID(p.KeyID)
	return p, u, err
}

// checkRequest runs every check that needs no key.
func checkRequest(r *http.Request, p Params, body []byte, opt Options) error {
	if err := checkAlgorithm(p.Algorithm); err != nil {
		return err
	}
	if err := checkSignedHeaders(r, p, body); err != nil {
		return err
	}
	if err := checkTime(r, p, opt); err != nil {
		return err
	}
	return checkDigest(r, p, body)
}

// verifyWithKeys tries the cached key, then a refreshed one (key rotation, honk and
// Mastodon do the same). A failing lookup is not retried: the source already fetched.
func verifyWithKeys(ctx context.Context, r *http.Request, p Params, keyURL *url.URL, keys KeySource) (Verified, error) {
	if keys == nil {
		return Verified{}, fail(ErrKey, "no key source")
	}
	pk, err := keys.PublicKey(ctx, p.KeyID, false)
	if err != nil {
		return Verified{}, fail(ErrKey, "look up %s: %w", p.KeyID, err)
	}
	firstErr := tryKey(r, p, keyURL, pk)
	if firstErr == nil {
		return Verified{KeyID: p.KeyID, Owner: pk.Owner}, nil
	}
	pk, err = keys.PublicKey(ctx, p.KeyID, true)
	if err != nil {
		return Verified{}, fail(ErrKey, "refetch %s after %v: %w", p.KeyID, firstErr, err)
	}
	if err := tryKey(r, p, keyURL, pk); err != nil {
		return Verified{}, err
	}
	return Verified{KeyID: p.KeyID, Owner: pk.Owner}, nil
}

// tryKey checks the key itself, then the signature against every accepted request target.
func tryKey(r *http.Request, p Params, keyURL *url.URL, pk PublicKey) error {
	rsaKey, err := checkKey(p.KeyID, keyURL, pk)
	if err != nil {
		return err
	}
	var firstErr error
	for _, target := range requestTargets(r.URL) {
		v, err := httpsig.NewVerifier(verificationRequest(r, p, target))
		if err == nil {
			// httpsig ignores the algorithm parameter and fails on "hs2019" (pitfall 7).
			err = v.Verify(rsaKey, httpsig.RSA_SHA256)
		}
		if err == nil {
			return nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return fail(ErrBadSignature, "key %s: %v", p.KeyID, firstErr)
}

// checkKey refuses keys that are not RSA of a sane size, or whose owner is unknown or on
// another host than the keyId (a host may only speak for its own actors).
func checkKey(keyID string, keyURL *url.URL, pk PublicKey) (*rsa.PublicKey, error) {
	if pk.ID != "" && pk.ID != keyID {
		return nil, fail(ErrKey, "source returned key %q for %q", pk.ID, keyID)
	}
	rsaKey, ok := pk.Key.(*rsa.PublicKey)
	if !ok || rsaKey == nil || rsaKey.N == nil {
		return nil, fail(ErrKey, "key %s is %T, want RSA", keyID, pk.Key)
	}
	if bits := rsaKey.N.BitLen(); bits < minKeyBits || bits > maxKeyBits {
		return nil, fail(ErrKey, "key %s has %d bits, want %d to %d", keyID, bits, minKeyBits, maxKeyBits)
	}
	owner, err := url.Parse(pk.Owner)
	if pk.Owner == "" || err != nil || owner.Host == "" {
		return nil, fail(ErrKey, "key %s has no usable owner %q", keyID, pk.Owner)
	}
	if !strings.EqualFold(owner.Host, keyURL.Host) {
		return nil, fail(ErrKey, "key %s is owned by %s, another host", keyID, pk.Owner)
	}
	return rsaKey, nil
}

// target is one candidate (request-target): the path as written into the signing
// string, and the query.
type target struct{ path, query string }

// requestTargets lists the forms a peer may have signed, most likely first, without
// repeats: the escaped path as on the wire (draft-cavage, Mastodon), the decoded path
// (go-fed/httpsig writes URL.Path), then both without the query (pitfall 8).
func requestTargets(u *url.URL) []target {
	paths := []string{wirePath(u)}
	if u.Path != "" && u.Path != paths[0] {
		paths = append(paths, u.Path)
	}
	queries := []string{u.RawQuery}
	if u.RawQuery != "" {
		queries = append(queries, "")
	}
	var out []target
	for _, q := range queries {
		for _, p := range paths {
			out = append(out, target{path: p, query: q})
		}
	}
	return out
}

// wirePath is the path as an HTTP client sends it: escaped, and "/" when empty.
func wirePath(u *url.URL) string {
	if p := u.EscapedPath(); p != "" {
		return p
	}
	return "/"
}

// hostOf is the host httpsig signs: the Host header if set (client side), else r.Host
// (server side, where net/http moves Host out of the header map).
func hostOf(r *http.Request) string {
	if h := r.Header.Get("Host"); h != "" {
		return h
	}
	return r.Host
}

// verificationRequest builds the request httpsig sees: only the signed headers, the
// candidate target, and a Signature header re-rendered from our strict parse. httpsig's
// own parser splits on every comma and would read a different header than we checked
// (a keyId with a comma, a second headers= hidden in a quoted value); handing it a
// canonical header means it verifies exactly the parameters our policy approved.
func verificationRequest(r *http.Request, p Params, t target) *http.Request {
	h := make(http.Header, len(p.Headers)+1)
	for _, name := range p.Headers {
		switch {
		case strings.HasPrefix(name, "("):
		case name == "host":
			h.Set("Host", hostOf(r))
		default:
			key := http.CanonicalHeaderKey(name)
			h[key] = r.Header.Values(key)
		}
	}
	h.Set("Signature", canonicalHeader(p))
	// Path holds the candidate verbatim: httpsig writes URL.Path into the signing string.
	return &http.Request{Method: r.Method, URL: &url.URL{Path: t.path, RawQuery: t.query}, Host: hostOf(r), Header: h}
}

// canonicalHeader renders p for httpsig. The keyId is a placeholder: httpsig does not use
// it to verify, and a real one could hold the commas its parser trips on.
func canonicalHeader(p Params) string {
	p.KeyID, p.Algorithm = "k", ""
	return formatHeader(p)
}

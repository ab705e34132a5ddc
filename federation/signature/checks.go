package signature

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// checkAlgorithm refuses anything but RSA with SHA-256. Honouring hmac-sha256 or ed25519
// with a key published as RSA would be algorithm confusion; an absent parameter is fine
// because the key's type (RSA) decides.
func checkAlgorithm(alg string) error {
	switch alg {
	case "", "rsa-sha256", "hs2019":
		return nil
	}
	return fail(ErrAlgorithm, "%q", alg)
}

// carriesBody reports whether the request must sign a Digest: it has a body, or its
// method normally has one (Mastodon requires digest on every POST).
func carriesBody(r *http.Request, body []byte) bool {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return true
	}
	return len(body) > 0
}

// checkSignedHeaders enforces the minimum that Mastodon and Fedify enforce, because
// httpsig verifies whatever subset the sender chose (its default is just "date").
// It also refuses before any key fetch a signature over headers the request lacks.
func checkSignedHeaders(r *http.Request, p Params, body []byte) error {
	for _, need := range []string{requestTarget, "host"} {
		if !p.has(need) {
			return fail(ErrMissingHeaders, "%s not signed", need)
		}
	}
	if !p.has("date") && !p.has(createdHeader) {
		return fail(ErrMissingHeaders, "neither date nor (created) signed")
	}
	if carriesBody(r, body) && !p.has("digest") {
		return fail(ErrMissingHeaders, "digest not signed on a %s with a body", r.Method)
	}
	for _, h := range p.Headers {
		if strings.HasPrefix(h, "(") {
			continue // pseudo-headers: ParseHeader checked created/expires
		}
		if h == "host" && hostOf(r) != "" {
			continue // a server request keeps Host in r.Host, not r.Header
		}
		if len(r.Header.Values(h)) == 0 {
			return fail(ErrMissingHeaders, "signed header %q is absent", h)
		}
	}
	return nil
}

// checkTime applies Mastodon's window (12 h past, 1 h future) to whichever of Date and
// (created) is signed, and refuses an expired signature. httpsig checks neither Date
// nor the window.
func checkTime(r *http.Request, p Params, opt Options) error {
	if p.has("date") {
		dates := r.Header.Values("Date")
		if len(dates) != 1 {
			return fail(ErrDate, "%d Date headers", len(dates))
		}
		t, err := http.ParseTime(dates[0])
		if err != nil {
			return fail(ErrDate, "Date %q: %v", dates[0], err)
		}
		if err := inWindow("Date", t, opt); err != nil {
			return err
		}
	}
	if p.Created != 0 && p.has(createdHeader) {
		if err := inWindow("created", time.Unix(p.Created, 0), opt); err != nil {
			return err
		}
	}
	if p.Expires != 0 && opt.Now.Unix() > p.Expires {
		return fail(ErrDate, "signature expired at %d", p.Expires)
	}
	return nil
}

func inWindow(what string, t time.Time, opt Options) error {
	age := opt.Now.Sub(t)
	if age > opt.MaxAge {
		return fail(ErrDate, "%s %s is %s old, limit %s", what, t.UTC().Format(time.RFC3339), age.Round(time.Second), opt.MaxAge)
	}
	if -age > opt.MaxSkew {
		return fail(ErrDate, "%s %s is %s ahead, limit %s", what, t.UTC().Format(time.RFC3339), (-age).Round(time.Second), opt.MaxSkew)
	}
	return nil
}

// checkDigest compares a signed Digest with the body; httpsig never does (pitfall 5).
// The header may list several digests (RFC 3230): at least one must be SHA-256, and
// every SHA-256 one must match. Other algorithms are ignored, so MD5 alone fails.
func checkDigest(r *http.Request, p Params, body []byte) error {
	if !p.has("digest") {
		return nil // checkSignedHeaders already demanded it where a body is expected
	}
	sum := sha256.Sum256(body)
	found := false
	for _, v := range r.Header.Values("Digest") {
		for _, d := range strings.Split(v, ",") {
			alg, b64, ok := strings.Cut(strings.TrimSpace(d), "=")
			if !ok {
				return fail(ErrDigest, "malformed Digest %q", d)
			}
			if !strings.EqualFold(alg, "SHA-256") {
				continue
			}
			got, err := base64.StdEncoding.DecodeString(b64)
			if err != nil || subtle.ConstantTimeCompare(got, sum[:]) != 1 {
				return fail(ErrDigest, "SHA-256 digest does not match the body")
			}
			found = true
		}
	}
	if !found {
		return fail(ErrDigest, "no SHA-256 digest")
	}
	return nil
}

// Digest returns the Digest header value for body: "SHA-256=" and the base64 hash.
func Digest(body []byte) string {
	sum := sha256.Sum256(body)
	return "SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])
}

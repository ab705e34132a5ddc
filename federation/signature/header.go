package signature

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Limits that keep parsing bounded whatever a remote peer sends. They are far above
// what real peers send (Mastodon's header is ~500 bytes, its signature 256 bytes).
const (
	maxHeaderLen     = 8 << 10 // the whole header value
	maxParams        = 16      // keyId, algorithm, headers, signature, created, expires + extensions
	maxSignedHeaders = 32
	maxSignatureLen  = 1024 // decoded bytes: an RSA-8192 signature
)

// Pseudo-headers of draft-cavage. Header names in Params.Headers are lowercase.
const (
	requestTarget = "(request-target)"
	createdHeader = "(created)"
	expiresHeader = "(expires)"
)

// Params is a parsed Signature header.
type Params struct {
	KeyID     string
	Algorithm string   // lowercased; "" when the parameter is absent
	Headers   []string // lowercased, in signing order; ["date"] when absent (the draft's default)
	Signature []byte   // decoded from base64
	Created   int64    // 0 when absent
	Expires   int64    // 0 when absent
}

// has reports whether name is among the signed headers.
func (p Params) has(name string) bool {
	for _, h := range p.Headers {
		if h == name {
			return true
		}
	}
	return false
}

// ParseHeader parses a Signature header value, or an Authorization value of the form
// "Signature keyId=…". It is strict: parameters are name=value pairs separated by
// commas, values are tokens or quoted strings without escapes or control characters,
// names may not repeat, keyId and signature are required, and the header is capped at
// 8 KiB. Unknown parameters are ignored. It never panics and does linear work.
func ParseHeader(h string) (Params, error) {
	if len(h) > maxHeaderLen {
		return Params{}, fail(ErrBadHeader, "header is %d bytes, limit %d", len(h), maxHeaderLen)
	}
	raw, err := splitParams(stripScheme(strings.Trim(h, " ")))
	if err != nil {
		return Params{}, err
	}
	return buildParams(raw)
}

// stripScheme removes a leading "Signature " auth-scheme, as used in Authorization.
// A parameter named "signature" is told apart by the '=' that follows the name.
func stripScheme(s string) string {
	const scheme = "signature"
	if len(s) <= len(scheme) || !strings.EqualFold(s[:len(scheme)], scheme) || s[len(scheme)] != ' ' {
		return s
	}
	rest := strings.TrimLeft(s[len(scheme):], " ")
	if strings.HasPrefix(rest, "=") {
		return s
	}
	return rest
}

// splitParams tokenises `name=value, name="value"` into a map with lowercase-unique names.
func splitParams(s string) (map[string]string, error) {
	out := make(map[string]string)
	seen := make(map[string]bool)
	for i := 0; ; {
		name, value, next, err := scanParam(s, i)
		if err != nil {
			return nil, err
		}
		if seen[strings.ToLower(name)] {
			return nil, fail(ErrBadHeader, "duplicate parameter %q", name)
		}
		seen[strings.ToLower(name)] = true
		if len(seen) > maxParams {
			return nil, fail(ErrBadHeader, "more than %d parameters", maxParams)
		}
		out[name] = value
		i = skipSpaces(s, next)
		if i == len(s) {
			return out, nil
		}
		if s[i] != ',' {
			return nil, fail(ErrBadHeader, "expected ',' at offset %d", i)
		}
		i = skipSpaces(s, i+1)
	}
}

// scanParam reads one name=value pair starting at i and returns the index after it.
func scanParam(s string, i int) (name, value string, next int, err error) {
	start := i
	for i < len(s) && isTokenChar(s[i]) {
		i++
	}
	if i == start {
		return "", "", 0, fail(ErrBadHeader, "expected a parameter name at offset %d", start)
	}
	name = s[start:i]
	i = skipSpaces(s, i)
	if i == len(s) || s[i] != '=' {
		return "", "", 0, fail(ErrBadHeader, "parameter %q has no value", name)
	}
	i = skipSpaces(s, i+1)
	if i < len(s) && s[i] == '"' {
		value, next, err = scanQuoted(s, i+1)
		return name, value, next, err
	}
	start = i
	for i < len(s) && isTokenChar(s[i]) {
		i++
	}
	if i == start {
		return "", "", 0, fail(ErrBadHeader, "parameter %q has an empty value", name)
	}
	return name, s[start:i], i, nil
}

// scanQuoted reads a quoted string whose opening quote precedes i. Escapes are refused:
// no peer needs them, and refusing them keeps every parsed value re-quotable as is.
func scanQuoted(s string, i int) (value string, next int, err error) {
	start := i
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return s[start:i], i + 1, nil
		case c == '\\' || c < 0x20 || c >= 0x7f:
			return "", 0, fail(ErrBadHeader, "forbidden byte %#x in quoted value at offset %d", c, i)
		}
	}
	return "", 0, fail(ErrBadHeader, "unterminated quoted value")
}

func skipSpaces(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// isTokenChar reports whether c is a tchar of RFC 9110.
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// buildParams checks and converts the raw parameters. Names are case-sensitive, as in
// the draft and in Mastodon's parser.
func buildParams(raw map[string]string) (Params, error) {
	var p Params
	var err error
	if p.KeyID = raw["keyId"]; p.KeyID == "" {
		return Params{}, fail(ErrBadHeader, "missing keyId")
	}
	if p.Signature, err = parseSignature(raw["signature"]); err != nil {
		return Params{}, err
	}
	if p.Algorithm, err = parseAlgorithm(raw["algorithm"]); err != nil {
		return Params{}, err
	}
	if p.Headers, err = parseHeaderList(raw["headers"], hasKey(raw, "headers")); err != nil {
		return Params{}, err
	}
	if p.Created, err = parseTimestamp("created", raw); err != nil {
		return Params{}, err
	}
	if p.Expires, err = parseTimestamp("expires", raw); err != nil {
		return Params{}, err
	}
	if p.has(createdHeader) && p.Created == 0 || p.has(expiresHeader) && p.Expires == 0 {
		return Params{}, fail(ErrBadHeader, "(created)/(expires) signed without its parameter")
	}
	return p, nil
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

func parseSignature(v string) ([]byte, error) {
	if v == "" {
		return nil, fail(ErrBadHeader, "missing signature")
	}
	if len(v) > base64.StdEncoding.EncodedLen(maxSignatureLen) {
		return nil, fail(ErrBadHeader, "signature longer than %d bytes", maxSignatureLen)
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(v)
	if err != nil {
		return nil, fail(ErrBadHeader, "signature is not base64: %v", err)
	}
	if len(sig) == 0 || len(sig) > maxSignatureLen {
		return nil, fail(ErrBadHeader, "signature of %d bytes", len(sig))
	}
	return sig, nil
}

// parseAlgorithm only checks the shape; which algorithms are acceptable is Verify's call.
func parseAlgorithm(v string) (string, error) {
	for i := 0; i < len(v); i++ {
		if !isTokenChar(v[i]) {
			return "", fail(ErrBadHeader, "algorithm %q is not a token", v)
		}
	}
	return strings.ToLower(v), nil
}

func parseHeaderList(v string, present bool) ([]string, error) {
	if !present {
		return []string{"date"}, nil
	}
	names := strings.Fields(strings.ToLower(v))
	if len(names) == 0 || len(names) > maxSignedHeaders {
		return nil, fail(ErrBadHeader, "headers lists %d names, want 1 to %d", len(names), maxSignedHeaders)
	}
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		if !validHeaderName(n) {
			return nil, fail(ErrBadHeader, "bad header name %q", n)
		}
		if seen[n] {
			return nil, fail(ErrBadHeader, "header %q listed twice", n)
		}
		seen[n] = true
	}
	return names, nil
}

func validHeaderName(n string) bool {
	switch n {
	case requestTarget, createdHeader, expiresHeader:
		return true
	}
	for i := 0; i < len(n); i++ {
		if !isTokenChar(n[i]) {
			return false
		}
	}
	return true
}

// parseTimestamp reads created/expires: positive decimal Unix seconds, quoted or not.
func parseTimestamp(name string, raw map[string]string) (int64, error) {
	v, ok := raw[name]
	if !ok {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 || strings.TrimLeft(v, "0123456789") != "" {
		return 0, fail(ErrBadHeader, "%s=%q is not a positive integer", name, v)
	}
	return n, nil
}

// headerOf returns the signature header of r: the Signature header, or an Authorization
// header using the Signature scheme. Both at once, or repeats, are ambiguous: refused.
func headerOf(r *http.Request) (string, error) {
	sigs := r.Header.Values("Signature")
	var auths []string
	for _, a := range r.Header.Values("Authorization") {
		if len(a) > 10 && strings.EqualFold(a[:10], "signature ") {
			auths = append(auths, a)
		}
	}
	switch {
	case len(sigs) == 0 && len(auths) == 0:
		return "", ErrNoSignature
	case len(sigs)+len(auths) > 1:
		return "", fail(ErrBadHeader, "%d signature headers", len(sigs)+len(auths))
	case len(sigs) == 1:
		return sigs[0], nil
	}
	return auths[0], nil
}

// KeyIDOf returns the keyId of r's signature, parsed and checked to be an absolute http(s)
// URL with a host. Call it before Verify to apply domain policy without fetching a key.
func KeyIDOf(r *http.Request) (*url.URL, error) {
	h, err := headerOf(r)
	if err != nil {
		return nil, err
	}
	p, err := ParseHeader(h)
	if err != nil {
		return nil, err
	}
	return parseKeyID(p.KeyID)
}

// parseKeyID checks that a keyId can be dereferenced over http(s). A keyId is a URL the
// peer controls; the fragment (usually "#main-key") is kept.
func parseKeyID(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fail(ErrBadHeader, "keyId %q: %v", s, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" || u.User != nil || u.Opaque != "" {
		return nil, fail(ErrBadHeader, "keyId %q is not an absolute http(s) URL", s)
	}
	return u, nil
}

// formatHeader renders p as a Signature header value. ParseHeader(formatHeader(p))
// gives p back for any p that ParseHeader produced (its values never need escaping).
func formatHeader(p Params) string {
	var b strings.Builder
	b.WriteString(`keyId="` + p.KeyID + `"`)
	if p.Algorithm != "" {
		b.WriteString(`,algorithm="` + p.Algorithm + `"`)
	}
	if p.Created != 0 {
		b.WriteString(",created=" + strconv.FormatInt(p.Created, 10))
	}
	if p.Expires != 0 {
		b.WriteString(",expires=" + strconv.FormatInt(p.Expires, 10))
	}
	b.WriteString(`,headers="` + strings.Join(p.Headers, " ") + `"`)
	b.WriteString(`,signature="` + base64.StdEncoding.EncodeToString(p.Signature) + `"`)
	return b.String()
}

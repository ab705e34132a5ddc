package activitypub

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
)

// Public is the ActivityStreams public collection, the audience of public posts.
const Public = "https://www.w3.org/ns/activitystreams#Public"

// ErrMalformed wraps every parse error caused by the document itself, so an inbox can
// answer 400 (and the peer stops retrying) rather than 500.
var ErrMalformed = errors.New("malformed ActivityStreams document")

// ldContext returns the @context of every document we write. go-fed would emit
// "http://joinmastodon.org/ns" as a bare string, which is not a JSON-LD context
// document, and no terms at all for the extension properties (guide §2.5). Peers
// without internet access cannot fetch anything else, so only the two well-known
// remote contexts appear, and everything else is defined inline. A fresh value per
// call keeps callers from sharing (and mutating) one map.
func ldContext() []any {
	return []any{
		"https://www.w3.org/ns/activitystreams",
		"https://w3id.org/security/v1",
		map[string]any{
			"manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
			"sensitive":                 "as:sensitive",
			"Hashtag":                   "as:Hashtag",
			"toot":                      "http://joinmastodon.org/ns#",
			"discoverable":              "toot:discoverable",
			"featured":                  map[string]any{"@id": "toot:featured", "@type": "@id"},
			"schema":                    "http://schema.org#",
			"PropertyValue":             "schema:PropertyValue",
			"value":                     "schema:value",
			"rounds":                    "https://github.com/rounds-social/rounds/ns#",
			"clinicianCredential":       map[string]any{"@id": "rounds:clinicianCredential", "@type": "@json"},
		},
	}
}

// toMap serialises a streams value without its @context, ready to be embedded or
// patched before marshal writes it.
func toMap(t vocab.Type) (map[string]any, error) {
	m, err := streams.Serialize(t)
	if err != nil {
		return nil, fmt.Errorf("serialize %s: %w", t.GetTypeName(), err)
	}
	delete(m, "@context")
	audienceArrays(m)
	return m, nil
}

// audienceArrays writes to and cc as arrays even with one member. go-fed shortens a
// one-element property to a bare value; that is valid AS2, but Mastodon always sends
// arrays and some smaller implementations only read arrays.
func audienceArrays(m map[string]any) {
	for _, k := range []string{"to", "cc"} {
		if s, ok := m[k].(string); ok {
			m[k] = []any{s}
		}
	}
}

// marshal writes a top-level document with our @context. HTML in content is left
// unescaped, as other servers write it: \u003c is valid JSON but harder to read in
// logs and support tickets.
func marshal(m map[string]any) ([]byte, error) {
	m["@context"] = ldContext()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("marshal %v: %w", m["type"], err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// document serialises a streams value as a top-level document.
func document(t vocab.Type) ([]byte, error) {
	m, err := toMap(t)
	if err != nil {
		return nil, err
	}
	return marshal(m)
}

// embeddable decodes a document we built earlier so it can be nested in another one;
// its @context goes, because only the outermost document carries one.
func embeddable(doc json.RawMessage) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		return nil, fmt.Errorf("embed object: %w", err)
	}
	if m == nil {
		return nil, errors.New("embed object: not a JSON object")
	}
	delete(m, "@context")
	return m, nil
}

// IsPublic reports whether an audience includes the public collection, in any of the
// spellings peers use (DESIGN §4).
func IsPublic(addr []string) bool {
	for _, a := range addr {
		if normalizeAddress(a) == Public {
			return true
		}
	}
	return false
}

// normalizeAddress maps the compact forms of the public collection that Fedify
// ("as:Public") and some older software ("Public") send onto the full IRI.
func normalizeAddress(a string) string {
	switch a {
	case "as:Public", "Public":
		return Public
	}
	return a
}

package activitypub

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// maxDepth bounds the nesting of documents we accept. Real activities stay under ten
// levels (Create → Note → tag → Hashtag, @context → terms); deeper ones are attacks on
// recursive decoders, and go-fed's resolvers recurse.
const maxDepth = 32

// decode reads a peer's document: a JSON object, no deeper than maxDepth, with the
// @context and type that streams needs to resolve it.
func decode(body []byte) (map[string]any, error) {
	m, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	if m["@context"] == nil {
		return nil, fmt.Errorf("%w: no @context", ErrMalformed)
	}
	if rawType(m["type"]) == "" {
		return nil, fmt.Errorf("%w: no type", ErrMalformed)
	}
	return m, nil
}

// decodeObject reads any JSON object no deeper than maxDepth.
func decodeObject(body []byte) (map[string]any, error) {
	if err := checkDepth(body); err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	return m, nil
}

// checkDepth scans the bytes before any decoder sees them, so a 1000-deep document
// costs one pass and no recursion. Invalid JSON is left for the decoder to report.
func checkDepth(b []byte) error {
	depth, inString, escaped := 0, false, false
	for _, c := range b {
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString:
			inString = c != '"'
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			if depth++; depth > maxDepth {
				return fmt.Errorf("%w: nested deeper than %d", ErrMalformed, maxDepth)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

// first is the first value of a property that may be a single value or an array.
func first(v any) any {
	if a, ok := v.([]any); ok {
		if len(a) == 0 {
			return nil
		}
		return a[0]
	}
	return v
}

func rawString(v any) string {
	s, _ := v.(string)
	return s
}

// rawType is the type name, or the first string of a multi-typed value.
func rawType(v any) string {
	if a, ok := v.([]any); ok {
		for _, e := range a {
			if s, ok := e.(string); ok && s != "" {
				return s
			}
		}
		return ""
	}
	return rawString(v)
}

// rawID is the id a property value refers to: the value itself when it is an IRI, the
// id of an embedded object, or that of the first element of an array.
func rawID(v any) string {
	switch x := first(v).(type) {
	case string:
		return x
	case map[string]any:
		return rawString(x["id"])
	}
	return ""
}

// rawStrings lists the ids of a property that may be one value or an array, with the
// public collection normalised (as:Public and Public are IRIs to nobody but peers).
func rawStrings(v any) []string {
	a, ok := v.([]any)
	if !ok {
		a = []any{v}
	}
	var out []string
	for _, e := range a {
		if id := rawID(e); id != "" {
			out = append(out, normalizeAddress(id))
		}
	}
	return out
}

// rawTime reads an RFC 3339 time; anything else is the zero time, as a wrong date is
// no reason to lose a post.
func rawTime(v any) time.Time {
	t, err := time.Parse(time.RFC3339, rawString(v))
	if err != nil {
		return time.Time{}
	}
	return t
}

func rawBool(v any) bool {
	b, _ := v.(bool)
	return b
}

// rawMaps lists the objects in a property, skipping IRIs and other values.
func rawMaps(v any) []map[string]any {
	a, ok := v.([]any)
	if !ok {
		a = []any{v}
	}
	var out []map[string]any
	for _, e := range a {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// rawHashtags reads Hashtag entries of tag, which streams keeps only as opaque values
// (v1.0.0 has no Hashtag type). Names lose the '#' and are lowercased, as stored.
func rawHashtags(tag any) []string {
	var out []string
	for _, t := range rawMaps(tag) {
		if ty := rawType(t["type"]); ty != "Hashtag" && ty != "as:Hashtag" {
			continue
		}
		name := strings.ToLower(strings.TrimPrefix(rawString(t["name"]), "#"))
		if name != "" {
			out = append(out, name)
		}
	}
	return out
}

// actorTypes are the actor types we accept: Mastodon's (Person, Service, Application),
// groups (Lemmy, Friendica) and organisations.
var actorTypes = map[string]bool{
	"Person": true, "Service": true, "Application": true, "Group": true, "Organization": true,
}

func isActorType(t string) bool { return actorTypes[t] }

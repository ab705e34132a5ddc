package activitypub

import (
	"net/url"
	"slices"
	"time"

	"github.com/go-fed/activity/streams/vocab"
)

// Typed access to properties of values streams resolved. Each generated type has its
// own interface, so these helpers ask for just the method they need.

// list is any non-functional property: to, actor, object, tag, content, …
type list[I any] interface {
	Len() int
	At(int) I
}

// idIter is a property value that is an IRI, an embedded typed value, or neither
// (a value streams does not know, kept opaque, or JSON null).
type idIter interface {
	IsIRI() bool
	GetIRI() *url.URL
	GetType() vocab.Type
}

// langIter is a natural-language value: plain string, or a language map (contentMap).
type langIter interface {
	IsXMLSchemaString() bool
	GetXMLSchemaString() string
	IsRDFLangString() bool
	GetRDFLangString() map[string]string
}

func urlString(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.String()
}

func typeID(t vocab.Type) string {
	if t == nil || t.GetJSONLDId() == nil {
		return ""
	}
	return urlString(t.GetJSONLDId().Get())
}

func iterID(it idIter) string {
	switch {
	case it == nil:
		return ""
	case it.IsIRI():
		return urlString(it.GetIRI())
	case it.GetType() != nil:
		return typeID(it.GetType())
	}
	return ""
}

// propIDs lists the ids a property refers to. A value streams kept opaque (an embedded
// object of a type it does not know, like an actor typed "Foo") is looked up by
// position in the raw JSON, since streams keeps values in document order. JSON null
// (Mastodon's "inReplyTo": null) yields nothing (guide §2.1).
func propIDs[I idIter](p list[I], raw any) []string {
	if p == nil {
		return nil
	}
	var out []string
	for i := 0; i < p.Len(); i++ {
		id := iterID(p.At(i))
		if id == "" {
			id = rawID(at(raw, i))
		}
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}

// at is element i of a property that may be one value or an array.
func at(v any, i int) any {
	if a, ok := v.([]any); ok {
		if i < len(a) {
			return a[i]
		}
		return nil
	}
	if i == 0 {
		return v
	}
	return nil
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// langValue prefers the plain string; from a language map it takes the first language
// in sorted order, so the choice does not change between runs.
func langValue(it langIter) string {
	switch {
	case it == nil:
		return ""
	case it.IsXMLSchemaString():
		return it.GetXMLSchemaString()
	case it.IsRDFLangString():
		m := it.GetRDFLangString()
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if len(keys) > 0 {
			return m[keys[0]]
		}
	}
	return ""
}

// firstString is the text of a content, summary or name property; peers send both
// content and contentMap, and the plain one wins.
func firstString[I langIter](p list[I]) string {
	if p == nil {
		return ""
	}
	var fallback string
	for i := 0; i < p.Len(); i++ {
		it := p.At(i)
		if it.IsXMLSchemaString() {
			return it.GetXMLSchemaString()
		}
		if fallback == "" {
			fallback = langValue(it)
		}
	}
	return fallback
}

// firstURL reads url, an IRI or a Link (PeerTube sends an array of Links).
func firstURL(p vocab.ActivityStreamsUrlProperty) string {
	if p == nil {
		return ""
	}
	for i := 0; i < p.Len(); i++ {
		it := p.At(i)
		if it.IsIRI() {
			return urlString(it.GetIRI())
		}
		if it.IsActivityStreamsLink() {
			if h := it.GetActivityStreamsLink().GetActivityStreamsHref(); h != nil {
				return urlString(h.Get())
			}
		}
	}
	return ""
}

type timeProp interface {
	IsXMLSchemaDateTime() bool
	Get() time.Time
}

// timeOf is the zero time when the property is absent or not a valid date.
func timeOf(p timeProp) time.Time {
	if p == nil || !p.IsXMLSchemaDateTime() {
		return time.Time{}
	}
	return p.Get()
}

func actorProp(t vocab.Type) vocab.ActivityStreamsActorProperty {
	if x, ok := t.(interface {
		GetActivityStreamsActor() vocab.ActivityStreamsActorProperty
	}); ok {
		return x.GetActivityStreamsActor()
	}
	return nil
}

func objectProp(t vocab.Type) vocab.ActivityStreamsObjectProperty {
	if x, ok := t.(interface {
		GetActivityStreamsObject() vocab.ActivityStreamsObjectProperty
	}); ok {
		return x.GetActivityStreamsObject()
	}
	return nil
}

func targetProp(t vocab.Type) vocab.ActivityStreamsTargetProperty {
	if x, ok := t.(interface {
		GetActivityStreamsTarget() vocab.ActivityStreamsTargetProperty
	}); ok {
		return x.GetActivityStreamsTarget()
	}
	return nil
}

func publishedOf(t vocab.Type) time.Time {
	if x, ok := t.(interface {
		GetActivityStreamsPublished() vocab.ActivityStreamsPublishedProperty
	}); ok && x.GetActivityStreamsPublished() != nil {
		return timeOf(x.GetActivityStreamsPublished())
	}
	return time.Time{}
}

func updatedOf(t vocab.Type) time.Time {
	if x, ok := t.(interface {
		GetActivityStreamsUpdated() vocab.ActivityStreamsUpdatedProperty
	}); ok && x.GetActivityStreamsUpdated() != nil {
		return timeOf(x.GetActivityStreamsUpdated())
	}
	return time.Time{}
}

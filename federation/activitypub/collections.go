package activitypub

import (
	"encoding/json"
	"fmt"

	"github.com/go-fed/activity/streams"
)

// OrderedCollection is the top of a paged collection (outbox, followers, following,
// replies): its size and a link to the first page. first may be "" for collections
// whose members we do not list (Mastodon's hide-network setting).
func OrderedCollection(id string, total int, first string) ([]byte, error) {
	p := &iris{}
	c := streams.NewActivityStreamsOrderedCollection()
	c.SetJSONLDId(p.id(id))
	n := streams.NewActivityStreamsTotalItemsProperty()
	n.Set(total)
	c.SetActivityStreamsTotalItems(n)
	if first != "" {
		f := streams.NewActivityStreamsFirstProperty()
		f.SetIRI(p.parse(first))
		c.SetActivityStreamsFirst(f)
	}
	if p.err != nil {
		return nil, fmt.Errorf("OrderedCollection %s: %w", id, p.err)
	}
	return document(c)
}

// OrderedCollectionPage is one page of a collection. next and prev may be "". Each item
// is an IRI (string) or an embedded document we built (json.RawMessage, e.g. a Create
// in an outbox page); embedded ones lose their @context.
func OrderedCollectionPage(id, partOf, next, prev string, items []any) ([]byte, error) {
	p := &iris{}
	c := streams.NewActivityStreamsOrderedCollectionPage()
	c.SetJSONLDId(p.id(id))
	po := streams.NewActivityStreamsPartOfProperty()
	po.SetIRI(p.parse(partOf))
	c.SetActivityStreamsPartOf(po)
	if next != "" {
		n := streams.NewActivityStreamsNextProperty()
		n.SetIRI(p.parse(next))
		c.SetActivityStreamsNext(n)
	}
	if prev != "" {
		pr := streams.NewActivityStreamsPrevProperty()
		pr.SetIRI(p.parse(prev))
		c.SetActivityStreamsPrev(pr)
	}
	if p.err != nil {
		return nil, fmt.Errorf("OrderedCollectionPage %s: %w", id, p.err)
	}
	m, err := toMap(c)
	if err != nil {
		return nil, fmt.Errorf("OrderedCollectionPage %s: %w", id, err)
	}
	// Items are patched in: streams cannot append a raw document, and an empty page
	// must still say "orderedItems": [] rather than leave it out.
	if m["orderedItems"], err = pageItems(items); err != nil {
		return nil, fmt.Errorf("OrderedCollectionPage %s: %w", id, err)
	}
	return marshal(m)
}

func pageItems(items []any) ([]any, error) {
	out := make([]any, 0, len(items))
	p := &iris{}
	for i, it := range items {
		switch v := it.(type) {
		case string:
			out = append(out, p.parse(v).String())
		case json.RawMessage, []byte:
			m, err := embeddable(asBytes(v))
			if err != nil {
				return nil, fmt.Errorf("item %d: %w", i, err)
			}
			out = append(out, m)
		default:
			return nil, fmt.Errorf("item %d: %T, want string or json.RawMessage", i, it)
		}
	}
	return out, p.err
}

func asBytes(v any) []byte {
	if r, ok := v.(json.RawMessage); ok {
		return r
	}
	return v.([]byte)
}

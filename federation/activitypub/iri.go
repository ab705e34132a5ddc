package activitypub

import (
	"fmt"
	"net/url"
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
)

// iris parses the IRIs of one document and keeps the first failure, so a builder can
// set every property and check once at the end instead of after every line.
type iris struct{ err error }

// parse returns s as a URL. Everything we publish is an absolute http(s) URL; anything
// else means a caller passed an empty or wrong value, which must not reach a peer.
func (p *iris) parse(s string) *url.URL {
	u, err := url.Parse(s)
	if err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return u
	}
	if p.err == nil {
		p.err = fmt.Errorf("IRI %q: not an absolute http(s) URL", s)
	}
	return &url.URL{}
}

func (p *iris) id(s string) vocab.JSONLDIdProperty {
	id := streams.NewJSONLDIdProperty()
	id.Set(p.parse(s))
	return id
}

func (p *iris) actor(s string) vocab.ActivityStreamsActorProperty {
	a := streams.NewActivityStreamsActorProperty()
	a.AppendIRI(p.parse(s))
	return a
}

func (p *iris) object(s string) vocab.ActivityStreamsObjectProperty {
	o := streams.NewActivityStreamsObjectProperty()
	o.AppendIRI(p.parse(s))
	return o
}

// to and cc return nil for an empty audience so the property is left out rather than
// written as an empty array.
func (p *iris) to(addrs []string) vocab.ActivityStreamsToProperty {
	if len(addrs) == 0 {
		return nil
	}
	to := streams.NewActivityStreamsToProperty()
	for _, a := range addrs {
		to.AppendIRI(p.parse(a))
	}
	return to
}

func (p *iris) cc(addrs []string) vocab.ActivityStreamsCcProperty {
	if len(addrs) == 0 {
		return nil
	}
	cc := streams.NewActivityStreamsCcProperty()
	for _, a := range addrs {
		cc.AppendIRI(p.parse(a))
	}
	return cc
}

// published returns nil for the zero time; times are written in UTC because go-fed
// formats them with RFC 3339 and peers compare them as strings in places.
func published(t time.Time) vocab.ActivityStreamsPublishedProperty {
	if t.IsZero() {
		return nil
	}
	p := streams.NewActivityStreamsPublishedProperty()
	p.Set(t.UTC())
	return p
}

func updated(t time.Time) vocab.ActivityStreamsUpdatedProperty {
	if t.IsZero() {
		return nil
	}
	p := streams.NewActivityStreamsUpdatedProperty()
	p.Set(t.UTC())
	return p
}

func nameProp(s string) vocab.ActivityStreamsNameProperty {
	n := streams.NewActivityStreamsNameProperty()
	n.AppendXMLSchemaString(s)
	return n
}

func summaryProp(s string) vocab.ActivityStreamsSummaryProperty {
	p := streams.NewActivityStreamsSummaryProperty()
	p.AppendXMLSchemaString(s)
	return p
}

func (p *iris) url(s string) vocab.ActivityStreamsUrlProperty {
	u := streams.NewActivityStreamsUrlProperty()
	u.AppendIRI(p.parse(s))
	return u
}

func (p *iris) href(s string) vocab.ActivityStreamsHrefProperty {
	h := streams.NewActivityStreamsHrefProperty()
	h.Set(p.parse(s))
	return h
}

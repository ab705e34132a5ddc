package activitypub

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
)

// Activity is an incoming activity, reduced to what the federation rules need.
type Activity struct {
	ID, Type, Actor string
	// Known is false for types streams does not know (EmojiReact, Bite, …): the inbox
	// accepts them with 202 and ignores them. Only the raw fields are filled then.
	Known     bool
	ObjectIRI string  // the object's id, whether it was sent as an IRI or embedded
	Object    *Object // the embedded object, nil when sent as an IRI
	Target    string
	To, Cc    []string // Public in any spelling is normalised to Public
	Published time.Time
	Raw       map[string]any // the whole document, for storage and rare fields
}

// Object is an embedded object: a Note, a Tombstone, an actor, or an activity (the
// Follow in an Accept, the Like in an Undo).
type Object struct {
	ID, Type, AttributedTo, Content, Summary, URL, InReplyTo string
	Sensitive                                                bool
	To, Cc                                                   []string
	Published, Updated                                       time.Time
	Mentions                                                 []string     // hrefs of Mention tags
	Hashtags                                                 []string     // names without '#', lowercased
	Actor, Object                                            string       // of an embedded activity
	Person                                                   *Actor       // when the object is an actor
	Attachments                                              []Attachment // media, at most MaxAttachments
}

// ParseActivity reads an activity a peer delivered. Errors wrap ErrMalformed: the
// document is not something any inbox should accept (answer 400). A nil error
// guarantees ID and Actor are absolute http(s) URLs, Type is set, and a known
// activity that needs an object (Create, Like, Undo, …) has one, embedded or as an
// IRI. An embedded object may still lack an id: check ObjectIRI before use. The body
// must already be size-limited by the caller.
func ParseActivity(body []byte) (*Activity, error) {
	raw, err := decode(body)
	if err != nil {
		return nil, fmt.Errorf("parse activity: %w", err)
	}
	t, err := resolve(raw)
	if err != nil {
		return nil, fmt.Errorf("parse activity: %w", err)
	}
	a := &Activity{Raw: raw, Type: rawType(raw["type"]), To: rawStrings(raw["to"]), Cc: rawStrings(raw["cc"])}
	if t != nil {
		err = a.fromType(t, raw)
	} else {
		err = a.fromRaw(raw)
	}
	if err == nil {
		err = a.validate()
	}
	if err != nil {
		return nil, fmt.Errorf("parse activity %s %q: %w", a.Type, a.ID, err)
	}
	return a, nil
}

// resolve runs streams on a decoded document. A type streams does not know gives
// (nil, nil). go-fed's generated resolvers were not written for hostile input, so a
// panic in them is turned into an error instead of taking the inbox worker down.
func resolve(raw map[string]any) (t vocab.Type, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("%w: streams: %v", ErrMalformed, r)
		}
	}()
	t, err = streams.ToType(context.Background(), raw)
	if streams.IsUnmatchedErr(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return t, nil
}

func (a *Activity) fromType(t vocab.Type, raw map[string]any) error {
	if !streams.IsOrExtendsActivityStreamsActivity(t) {
		return fmt.Errorf("%w: a %s is not an activity", ErrMalformed, t.GetTypeName())
	}
	a.Known = true
	a.Type = t.GetTypeName()
	a.ID = typeID(t)
	actors := propIDs(actorProp(t), raw["actor"])
	if len(actors) > 1 {
		// The signer is checked against one actor; a second one would ride along unchecked.
		return fmt.Errorf("%w: %d actors", ErrMalformed, len(actors))
	}
	a.Actor = firstOf(actors)
	a.Target = firstOf(propIDs(targetProp(t), raw["target"]))
	a.Published = publishedOf(t)
	a.setObject(objectProp(t), raw["object"])
	return nil
}

// setObject reads the first object, which is all any activity we handle has.
func (a *Activity) setObject(p vocab.ActivityStreamsObjectProperty, raw any) {
	if p == nil || p.Len() == 0 {
		return
	}
	it := p.At(0)
	rawObj, _ := at(raw, 0).(map[string]any)
	switch {
	case it.IsIRI():
		a.ObjectIRI = urlString(it.GetIRI())
	case it.GetType() != nil && rawObj != nil:
		a.Object = objectFromType(it.GetType(), rawObj)
	case rawObj != nil:
		a.Object = objectFromRaw(rawObj)
	}
	if a.Object != nil {
		a.ObjectIRI = a.Object.ID
	}
}

// fromRaw fills an activity of a type streams does not know from the JSON alone.
func (a *Activity) fromRaw(raw map[string]any) error {
	if actors, ok := raw["actor"].([]any); ok && len(actors) > 1 {
		return fmt.Errorf("%w: %d actors", ErrMalformed, len(actors))
	}
	a.ID = rawString(raw["id"])
	a.Actor = rawID(raw["actor"])
	a.Target = rawID(raw["target"])
	a.Published = rawTime(raw["published"])
	switch o := at(raw["object"], 0).(type) {
	case map[string]any:
		a.Object = objectFromRaw(o)
		a.ObjectIRI = a.Object.ID
	case string:
		a.ObjectIRI = o
	}
	return nil
}

// needsObject lists the activities that mean nothing without an object (go-fed's pub
// answers these with ErrObjectRequired too).
var needsObject = map[string]bool{
	"Create": true, "Update": true, "Delete": true, "Follow": true, "Accept": true, "Reject": true,
	"Undo": true, "Like": true, "Announce": true, "Block": true, "Add": true, "Remove": true,
	"Move": true, "Flag": true,
}

// validate enforces what every peer worth talking to sends and what the inbox relies
// on: an id to deduplicate by, an actor to check the signature against, and an object
// where the type needs one.
func (a *Activity) validate() error {
	if !absoluteHTTP(a.ID) {
		return fmt.Errorf("%w: no valid id", ErrMalformed)
	}
	if !absoluteHTTP(a.Actor) {
		return fmt.Errorf("%w: no valid actor", ErrMalformed)
	}
	if a.Known && needsObject[a.Type] && a.ObjectIRI == "" && a.Object == nil {
		return fmt.Errorf("%w: no object", ErrMalformed)
	}
	return nil
}

func absoluteHTTP(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}

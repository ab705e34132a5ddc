package activitypub

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
)

// activityBuilder is the part of every activity type the builders below set.
type activityBuilder interface {
	vocab.Type
	SetActivityStreamsActor(vocab.ActivityStreamsActorProperty)
	SetActivityStreamsObject(vocab.ActivityStreamsObjectProperty)
	SetActivityStreamsTo(vocab.ActivityStreamsToProperty)
	SetActivityStreamsCc(vocab.ActivityStreamsCcProperty)
	SetActivityStreamsPublished(vocab.ActivityStreamsPublishedProperty)
}

// envelope is what an activity says about itself, apart from its object. Every
// activity carries an id and an actor: strict peers (Fedify) reject one without.
type envelope struct {
	ID, Actor string
	Object    string // object IRI; "" when the object is embedded afterwards
	To, Cc    []string
	Published time.Time
}

// build fills t from e and serialises it without @context, so an embedded object can
// still be patched in before marshal.
func build(t activityBuilder, e envelope) (map[string]any, error) {
	p := &iris{}
	t.SetJSONLDId(p.id(e.ID))
	t.SetActivityStreamsActor(p.actor(e.Actor))
	if e.Object != "" {
		t.SetActivityStreamsObject(p.object(e.Object))
	}
	t.SetActivityStreamsTo(p.to(e.To))
	t.SetActivityStreamsCc(p.cc(e.Cc))
	t.SetActivityStreamsPublished(published(e.Published))
	if p.err != nil {
		return nil, fmt.Errorf("%s %s: %w", t.GetTypeName(), e.ID, p.err)
	}
	return toMap(t)
}

// simple builds an activity whose object is an IRI.
func simple(t activityBuilder, e envelope) ([]byte, error) {
	if e.Object == "" {
		return nil, fmt.Errorf("%s %s: no object", t.GetTypeName(), e.ID)
	}
	m, err := build(t, e)
	if err != nil {
		return nil, err
	}
	return marshal(m)
}

// wrap builds an activity around an embedded document we made earlier (a Note, an
// actor, a Follow…). It is patched into the map rather than re-parsed into streams
// types, so the object goes out byte-for-byte as it was built, extensions included.
func wrap(t activityBuilder, e envelope, object map[string]any) ([]byte, error) {
	m, err := build(t, e)
	if err != nil {
		return nil, err
	}
	m["object"] = object
	return marshal(m)
}

// Follow asks object (an actor id) to let actor follow them.
func Follow(id, actor, object string) ([]byte, error) {
	return simple(streams.NewActivityStreamsFollow(), envelope{ID: id, Actor: actor, Object: object})
}

// Like favourites the note object.
func Like(id, actor, object string) ([]byte, error) {
	return simple(streams.NewActivityStreamsLike(), envelope{ID: id, Actor: actor, Object: object})
}

// Block tells object's server that actor blocks them (Mastodon removes follows both ways).
func Block(id, actor, object string) ([]byte, error) {
	return simple(streams.NewActivityStreamsBlock(), envelope{ID: id, Actor: actor, Object: object})
}

// Announce boosts the note object. to and cc follow the boost's visibility (see Address).
func Announce(id, actor, object string, published time.Time, to, cc []string) ([]byte, error) {
	return simple(streams.NewActivityStreamsAnnounce(), envelope{
		ID: id, Actor: actor, Object: object, To: to, Cc: cc, Published: published,
	})
}

// Create publishes a note: note is the document Note returned. The Create takes the
// note's to, cc and published, as peers expect them to match.
func Create(id, actor string, note json.RawMessage) ([]byte, error) {
	obj, err := embeddable(note)
	if err != nil {
		return nil, fmt.Errorf("Create %s: %w", id, err)
	}
	e := envelope{ID: id, Actor: actor, To: rawStrings(obj["to"]), Cc: rawStrings(obj["cc"])}
	e.Published = rawTime(obj["published"])
	return wrap(streams.NewActivityStreamsCreate(), e, obj)
}

// Update announces an edited note or a changed profile: object is the document Note or
// ActorDocument returned. A note's to and cc are copied, and its updated time becomes the
// activity's published; an actor is sent to Public and its followers, as Mastodon does.
func Update(id, actor string, object json.RawMessage) ([]byte, error) {
	obj, err := embeddable(object)
	if err != nil {
		return nil, fmt.Errorf("Update %s: %w", id, err)
	}
	e := envelope{ID: id, Actor: actor, To: rawStrings(obj["to"]), Cc: rawStrings(obj["cc"])}
	e.Published = rawTime(obj["updated"])
	if isActorType(rawType(obj["type"])) {
		e.To, e.Cc = []string{Public}, nil
		if f := rawString(obj["followers"]); f != "" {
			e.Cc = []string{f}
		}
	}
	return wrap(streams.NewActivityStreamsUpdate(), e, obj)
}

// Undo reverses an activity actor sent earlier: object is that activity's document
// (from Follow, Like, Announce or Block). Mastodon matches on the embedded id, as the
// ids of its own Follows and Likes cannot be fetched (guide §3.1 row 13). The
// undone activity's audience, if any, is kept, so an Undo{Announce} reaches everyone
// who saw the boost.
func Undo(id, actor string, object json.RawMessage) ([]byte, error) {
	obj, err := embeddable(object)
	if err != nil {
		return nil, fmt.Errorf("Undo %s: %w", id, err)
	}
	e := envelope{ID: id, Actor: actor, To: rawStrings(obj["to"]), Cc: rawStrings(obj["cc"])}
	return wrap(streams.NewActivityStreamsUndo(), e, obj)
}

// Accept approves a follow request; follow is the Follow document (rebuilt with Follow
// from the stored request: its id must be the one the requester sent).
func Accept(id, actor string, follow json.RawMessage) ([]byte, error) {
	return answerFollow(streams.NewActivityStreamsAccept(), id, actor, follow)
}

// Reject refuses a follow request, or ends an accepted follow; follow as for Accept.
func Reject(id, actor string, follow json.RawMessage) ([]byte, error) {
	return answerFollow(streams.NewActivityStreamsReject(), id, actor, follow)
}

func answerFollow(t activityBuilder, id, actor string, follow json.RawMessage) ([]byte, error) {
	obj, err := embeddable(follow)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", t.GetTypeName(), id, err)
	}
	if ty := rawType(obj["type"]); ty != "Follow" {
		return nil, fmt.Errorf("%s %s: object is %q, want Follow", t.GetTypeName(), id, ty)
	}
	return wrap(t, envelope{ID: id, Actor: actor}, obj)
}

// DeleteNote withdraws a note, with the note's own to and cc so every server that
// received it hears of the deletion. The object is a Tombstone, as Mastodon sends.
func DeleteNote(id, actor, note string, to, cc []string) ([]byte, error) {
	p := &iris{}
	ts := streams.NewActivityStreamsTombstone()
	ts.SetJSONLDId(p.id(note))
	if p.err != nil {
		return nil, fmt.Errorf("Delete %s: %w", id, p.err)
	}
	obj, err := toMap(ts)
	if err != nil {
		return nil, fmt.Errorf("Delete %s: %w", id, err)
	}
	return wrap(streams.NewActivityStreamsDelete(), envelope{ID: id, Actor: actor, To: to, Cc: cc}, obj)
}

// DeleteActor announces that actor's account is gone; the object is the actor's IRI
// and the audience Public, as Mastodon sends it.
func DeleteActor(id, actor string) ([]byte, error) {
	return simple(streams.NewActivityStreamsDelete(), envelope{
		ID: id, Actor: actor, Object: actor, To: []string{Public},
	})
}

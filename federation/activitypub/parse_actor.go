package activitypub

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/go-fed/activity/streams/vocab"

	"github.com/rounds-social/rounds/storage"
)

// Actor is a remote actor document, reduced to what an account row needs.
type Actor struct {
	ID, Type, PreferredUsername, Name, Summary, URL  string
	Inbox, Outbox, SharedInbox, Followers, Following string
	IconURL, ImageURL                                string
	Locked, Discoverable, Bot                        bool
	Fields                                           []storage.Field
	PublicKey                                        *PublicKey // nil when the document has none
	// Credential is the raw clinicianCredential object, unverified.
	Credential json.RawMessage
}

// PublicKey is a key an actor publishes for HTTP signatures.
type PublicKey struct {
	ID, Owner, PEM string
}

// ErrNoKey means a document does not hold the key a signature names.
var ErrNoKey = errors.New("public key not in document")

// actorDoc is what the actor types (Person, Service, Application, Group,
// Organization) share.
type actorDoc interface {
	objectDoc
	GetActivityStreamsPreferredUsername() vocab.ActivityStreamsPreferredUsernameProperty
	GetActivityStreamsName() vocab.ActivityStreamsNameProperty
	GetActivityStreamsInbox() vocab.ActivityStreamsInboxProperty
	GetActivityStreamsOutbox() vocab.ActivityStreamsOutboxProperty
	GetActivityStreamsFollowers() vocab.ActivityStreamsFollowersProperty
	GetActivityStreamsFollowing() vocab.ActivityStreamsFollowingProperty
	GetActivityStreamsIcon() vocab.ActivityStreamsIconProperty
	GetActivityStreamsImage() vocab.ActivityStreamsImageProperty
	GetW3IDSecurityV1PublicKey() vocab.W3IDSecurityV1PublicKeyProperty
	GetTootDiscoverable() vocab.TootDiscoverableProperty
}

// ParseActor reads an actor document fetched from a peer. Errors wrap ErrMalformed. A
// nil error guarantees ID and Inbox are absolute http(s) URLs; whether ID matches the
// URL fetched and the key's owner is the caller's to check.
func ParseActor(body []byte) (*Actor, error) {
	raw, err := decode(body)
	if err != nil {
		return nil, fmt.Errorf("parse actor: %w", err)
	}
	t, err := resolve(raw)
	if err != nil {
		return nil, fmt.Errorf("parse actor: %w", err)
	}
	if t == nil || !isActorType(t.GetTypeName()) {
		return nil, fmt.Errorf("parse actor: %w: type %q is not an actor", ErrMalformed, rawType(raw["type"]))
	}
	a := actorFromType(t, raw)
	if !absoluteHTTP(a.ID) || !absoluteHTTP(a.Inbox) {
		return nil, fmt.Errorf("parse actor %q: %w: no valid id or inbox", a.ID, ErrMalformed)
	}
	return a, nil
}

func actorFromType(t vocab.Type, raw map[string]any) *Actor {
	a := &Actor{ID: typeID(t), Type: t.GetTypeName()}
	d, ok := t.(actorDoc)
	if !ok {
		return a
	}
	if pu := d.GetActivityStreamsPreferredUsername(); pu != nil {
		a.PreferredUsername = langValue(pu)
	}
	a.Name = firstString(d.GetActivityStreamsName())
	a.Summary = firstString(d.GetActivityStreamsSummary())
	a.URL = firstURL(d.GetActivityStreamsUrl())
	a.Inbox = iterID(d.GetActivityStreamsInbox())
	a.Outbox = iterID(d.GetActivityStreamsOutbox())
	a.Followers = iterID(d.GetActivityStreamsFollowers())
	a.Following = iterID(d.GetActivityStreamsFollowing())
	a.IconURL = imageURL(d.GetActivityStreamsIcon())
	a.ImageURL = imageURL(d.GetActivityStreamsImage())
	if disc := d.GetTootDiscoverable(); disc != nil && disc.IsXMLSchemaBoolean() {
		a.Discoverable = disc.Get()
	}
	a.PublicKey = ownKey(keys(d.GetW3IDSecurityV1PublicKey()), a.ID)
	// Mastodon extensions v1.0.0 has no types for (guide §2.3).
	a.Locked = rawBool(raw["manuallyApprovesFollowers"])
	if ep, ok := raw["endpoints"].(map[string]any); ok {
		a.SharedInbox = rawString(ep["sharedInbox"])
	}
	a.Fields = rawFields(raw["attachment"])
	if c, ok := raw["clinicianCredential"].(map[string]any); ok {
		a.Credential, _ = json.Marshal(c)
	}
	// Mastodon marks Service and Application actors as bots.
	a.Bot = a.Type == "Service" || a.Type == "Application"
	return a
}

// imageIter is an icon or image value: an Image, a Link, or an IRI.
type imageIter interface {
	idIter
	IsActivityStreamsImage() bool
	GetActivityStreamsImage() vocab.ActivityStreamsImage
	IsActivityStreamsLink() bool
	GetActivityStreamsLink() vocab.ActivityStreamsLink
}

func imageURL[I imageIter](p list[I]) string {
	if p == nil || p.Len() == 0 {
		return ""
	}
	it := p.At(0)
	switch {
	case it.IsActivityStreamsImage():
		return firstURL(it.GetActivityStreamsImage().GetActivityStreamsUrl())
	case it.IsActivityStreamsLink():
		if h := it.GetActivityStreamsLink().GetActivityStreamsHref(); h != nil {
			return urlString(h.Get())
		}
	case it.IsIRI():
		return urlString(it.GetIRI())
	}
	return ""
}

// keys lists the embedded keys of a publicKey property; keys given only as IRIs are
// skipped, as fetching them is the caller's business.
func keys(p vocab.W3IDSecurityV1PublicKeyProperty) []*PublicKey {
	if p == nil {
		return nil
	}
	var out []*PublicKey
	for i := 0; i < p.Len(); i++ {
		if it := p.At(i); it.IsW3IDSecurityV1PublicKey() {
			// streams reads any object here as a key; one without PEM is not one.
			if k := keyFrom(it.Get()); k.PEM != "" {
				out = append(out, k)
			}
		}
	}
	return out
}

func keyFrom(k vocab.W3IDSecurityV1PublicKey) *PublicKey {
	pk := &PublicKey{ID: typeID(k)}
	if o := k.GetW3IDSecurityV1Owner(); o != nil {
		pk.Owner = urlString(o.Get())
		if pk.Owner == "" && o.IsIRI() {
			pk.Owner = urlString(o.GetIRI())
		}
	}
	if pem := k.GetW3IDSecurityV1PublicKeyPem(); pem != nil {
		pk.PEM = pem.Get()
	}
	return pk
}

// ownKey picks the key the actor owns, or else the first one.
func ownKey(ks []*PublicKey, owner string) *PublicKey {
	for _, k := range ks {
		if k.Owner == owner {
			return k
		}
	}
	if len(ks) > 0 {
		return ks[0]
	}
	return nil
}

// rawFields reads profile fields, schema.org PropertyValues in attachment.
func rawFields(v any) []storage.Field {
	var out []storage.Field
	for _, m := range rawMaps(v) {
		if t := rawType(m["type"]); t != "PropertyValue" && t != "schema:PropertyValue" {
			continue
		}
		out = append(out, storage.Field{Name: rawString(m["name"]), Value: rawString(m["value"])})
	}
	return out
}

// KeyFromDocument finds the key keyID in a document fetched by dereferencing keyID:
// an actor holding it in publicKey (Mastodon, "…#main-key"), or a standalone key
// document {id, owner, publicKeyPem} (GoToSocial, "…/main-key"). The key must have a
// PEM and an owner; that the owner is the activity's actor is the caller's check.
func KeyFromDocument(body []byte, keyID string) (*PublicKey, error) {
	raw, err := decodeObject(body)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", keyID, err)
	}
	for _, k := range documentKeys(raw) {
		if k.ID != keyID {
			continue
		}
		if k.PEM == "" || k.Owner == "" {
			return nil, fmt.Errorf("key %s: %w: no owner or publicKeyPem", keyID, ErrMalformed)
		}
		return k, nil
	}
	return nil, fmt.Errorf("key %s: %w", keyID, ErrNoKey)
}

// documentKeys lists every key a document holds: the typed publicKey entries of an
// actor, and the document itself when it is a key.
func documentKeys(raw map[string]any) []*PublicKey {
	var out []*PublicKey
	if _, ok := raw["@context"]; ok && rawType(raw["type"]) != "" {
		if t, err := resolve(raw); err == nil && t != nil {
			if d, ok := t.(interface {
				GetW3IDSecurityV1PublicKey() vocab.W3IDSecurityV1PublicKeyProperty
			}); ok {
				out = keys(d.GetW3IDSecurityV1PublicKey())
			}
		}
	}
	if pem := rawString(raw["publicKeyPem"]); pem != "" {
		out = append(out, &PublicKey{ID: rawString(raw["id"]), Owner: rawID(raw["owner"]), PEM: pem})
	}
	return out
}

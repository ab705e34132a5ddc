package activitypub

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"path"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"

	"github.com/rounds-social/rounds/federation/credential"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
)

// actorBuilder is what Person and Service have in common for our purposes, so one
// function fills either.
type actorBuilder interface {
	vocab.Type
	SetActivityStreamsPreferredUsername(vocab.ActivityStreamsPreferredUsernameProperty)
	SetActivityStreamsName(vocab.ActivityStreamsNameProperty)
	SetActivityStreamsSummary(vocab.ActivityStreamsSummaryProperty)
	SetActivityStreamsUrl(vocab.ActivityStreamsUrlProperty)
	SetActivityStreamsInbox(vocab.ActivityStreamsInboxProperty)
	SetActivityStreamsOutbox(vocab.ActivityStreamsOutboxProperty)
	SetActivityStreamsFollowers(vocab.ActivityStreamsFollowersProperty)
	SetActivityStreamsFollowing(vocab.ActivityStreamsFollowingProperty)
	SetActivityStreamsPublished(vocab.ActivityStreamsPublishedProperty)
	SetActivityStreamsIcon(vocab.ActivityStreamsIconProperty)
	SetActivityStreamsImage(vocab.ActivityStreamsImageProperty)
	SetW3IDSecurityV1PublicKey(vocab.W3IDSecurityV1PublicKeyProperty)
	SetTootDiscoverable(vocab.TootDiscoverableProperty)
	GetUnknownProperties() map[string]any
}

// ActorDocument renders a local account as the actor document peers fetch (DESIGN
// §4). Bots and the instance actor are Services, so Mastodon labels them as automated;
// everyone else is a Person. (It is not named Actor: that is the parsed type.)
func ActorDocument(a *storage.Account, b uris.Base) ([]byte, error) {
	if a == nil || !a.Local() {
		return nil, errors.New("actor document: not a local account")
	}
	if a.PublicKeyPEM == "" {
		// Without a key no peer can verify anything we sign; better to fail loudly here.
		return nil, fmt.Errorf("actor document %s: no public key", a.Username)
	}
	var t actorBuilder = streams.NewActivityStreamsPerson()
	if a.Bot || a.Username == storage.InstanceActorUsername {
		t = streams.NewActivityStreamsService()
	}
	p := &iris{}
	fillActor(t, p, a, b)
	if p.err != nil {
		return nil, fmt.Errorf("actor document %s: %w", a.Username, p.err)
	}
	m, err := toMap(t)
	if err != nil {
		return nil, fmt.Errorf("actor document %s: %w", a.Username, err)
	}
	fields := credentialFields(a)
	if len(fields) > 0 {
		// streams cannot append a raw PropertyValue to attachment (guide §2.3): patch the map.
		m["attachment"] = propertyValues(fields)
	}
	if a.Credential != "" {
		// Published even when revoked: that is how peers learn of the revocation.
		m["clinicianCredential"] = json.RawMessage(a.Credential)
	}
	return marshal(m)
}

func fillActor(t actorBuilder, p *iris, a *storage.Account, b uris.Base) {
	u := a.Username
	t.SetJSONLDId(p.id(b.Actor(u)))
	pu := streams.NewActivityStreamsPreferredUsernameProperty()
	pu.SetXMLSchemaString(u)
	t.SetActivityStreamsPreferredUsername(pu)
	t.SetActivityStreamsName(nameProp(a.DisplayName))
	t.SetActivityStreamsSummary(summaryProp(a.Note))
	t.SetActivityStreamsUrl(p.url(b.Profile(u)))
	fillCollections(t, p, u, b)
	t.SetActivityStreamsPublished(published(a.CreatedAt))
	t.SetW3IDSecurityV1PublicKey(publicKeyProp(p, b.Key(u), b.Actor(u), a.PublicKeyPEM))
	disc := streams.NewTootDiscoverableProperty()
	disc.Set(a.Discoverable)
	t.SetTootDiscoverable(disc)
	if a.AvatarURL != "" {
		icon := streams.NewActivityStreamsIconProperty()
		icon.AppendActivityStreamsImage(image(p, a.AvatarURL))
		t.SetActivityStreamsIcon(icon)
	}
	if a.HeaderURL != "" {
		img := streams.NewActivityStreamsImageProperty()
		img.AppendActivityStreamsImage(image(p, a.HeaderURL))
		t.SetActivityStreamsImage(img)
	}
	// v1.0.0 has no types for these Mastodon extensions (guide §2.2); unknown
	// properties are serialised as they are.
	unknown := t.GetUnknownProperties()
	unknown["manuallyApprovesFollowers"] = a.Locked
	unknown["endpoints"] = map[string]any{"sharedInbox": b.SharedInbox()}
}

func fillCollections(t actorBuilder, p *iris, u string, b uris.Base) {
	in := streams.NewActivityStreamsInboxProperty()
	in.SetIRI(p.parse(b.Inbox(u)))
	t.SetActivityStreamsInbox(in)
	out := streams.NewActivityStreamsOutboxProperty()
	out.SetIRI(p.parse(b.Outbox(u)))
	t.SetActivityStreamsOutbox(out)
	ers := streams.NewActivityStreamsFollowersProperty()
	ers.SetIRI(p.parse(b.Followers(u)))
	t.SetActivityStreamsFollowers(ers)
	ing := streams.NewActivityStreamsFollowingProperty()
	ing.SetIRI(p.parse(b.Following(u)))
	t.SetActivityStreamsFollowing(ing)
}

// publicKeyProp builds publicKey{id, owner, publicKeyPem}; go-fed v1.0.0 writes it
// un-prefixed, the way Mastodon reads it (guide §2.4).
func publicKeyProp(p *iris, keyID, owner, pemText string) vocab.W3IDSecurityV1PublicKeyProperty {
	k := streams.NewW3IDSecurityV1PublicKey()
	k.SetJSONLDId(p.id(keyID))
	o := streams.NewW3IDSecurityV1OwnerProperty()
	o.SetIRI(p.parse(owner))
	k.SetW3IDSecurityV1Owner(o)
	pem := streams.NewW3IDSecurityV1PublicKeyPemProperty()
	pem.Set(pemText)
	k.SetW3IDSecurityV1PublicKeyPem(pem)
	prop := streams.NewW3IDSecurityV1PublicKeyProperty()
	prop.AppendW3IDSecurityV1PublicKey(k)
	return prop
}

// image is an avatar or header. mediaType is guessed from the file extension, as we
// store only the URL; Mastodon uses it to pick a decoder but copes without it.
func image(p *iris, raw string) vocab.ActivityStreamsImage {
	img := streams.NewActivityStreamsImage()
	img.SetActivityStreamsUrl(p.url(raw))
	if u, err := url.Parse(raw); err == nil {
		if mt := mime.TypeByExtension(path.Ext(u.Path)); mt != "" {
			m := streams.NewActivityStreamsMediaTypeProperty()
			m.Set(mt)
			img.SetActivityStreamsMediaType(m)
		}
	}
	return img
}

// propertyValues renders profile fields the way Mastodon does: schema.org PropertyValue
// entries in attachment, with the value as HTML.
// credentialFields is the profile as Mastodon apps show it: the member's own
// fields, never one posing as the attestation, plus the attested
// "Verified clinician" field while the credential stands.
func credentialFields(a *storage.Account) []storage.Field {
	out := make([]storage.Field, 0, len(a.Fields)+1)
	for _, f := range a.Fields {
		if f.Name != credential.FieldName {
			out = append(out, f)
		}
	}
	if c, err := credential.Parse(json.RawMessage(a.Credential)); err == nil && c.Revoked == nil && !a.CredentialVerifiedAt.IsZero() {
		out = append(out, storage.Field{Name: credential.FieldName, Value: c.FieldValue()})
	}
	return out
}

func propertyValues(fields []storage.Field) []any {
	out := make([]any, 0, len(fields))
	for _, f := range fields {
		out = append(out, map[string]any{"type": "PropertyValue", "name": f.Name, "value": f.Value})
	}
	return out
}

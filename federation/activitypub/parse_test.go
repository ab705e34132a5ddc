package activitypub

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const (
	alice     = "https://mastodon.example/users/alice"
	bobRemote = "https://rounds.example/users/bob"
	bobStatus = "https://rounds.example/users/bob/statuses/7193000000000042"
)

func parse(t *testing.T, name string) *Activity {
	t.Helper()
	a, err := ParseActivity(load(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !a.Known {
		t.Fatalf("%s: Known = false", name)
	}
	if a.Actor != alice && !strings.HasPrefix(name, "fedify") {
		t.Errorf("%s: actor = %q", name, a.Actor)
	}
	return a
}

func TestParseMastodonCreateNote(t *testing.T) {
	a := parse(t, "mastodon_create_note.json")
	check(t, "type", a.Type, "Create")
	check(t, "to", a.To, []string{Public})
	check(t, "cc", a.Cc, []string{"https://mastodon.example/users/alice/followers", bobRemote})
	check(t, "published", a.Published, time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC))
	o := a.Object
	if o == nil {
		t.Fatal("no embedded object")
	}
	check(t, "object iri", a.ObjectIRI, "https://mastodon.example/users/alice/statuses/112233445566778899")
	check(t, "object id", o.ID, a.ObjectIRI)
	check(t, "object type", o.Type, "Note")
	check(t, "attributedTo", o.AttributedTo, alice)
	check(t, "inReplyTo (null)", o.InReplyTo, "")
	check(t, "summary", o.Summary, "ECG discussion")
	check(t, "url", o.URL, "https://mastodon.example/@alice/112233445566778899")
	check(t, "sensitive", o.Sensitive, true)
	check(t, "mentions", o.Mentions, []string{bobRemote})
	check(t, "hashtags", o.Hashtags, []string{"ecg", "cardiology"})
	check(t, "note cc", o.Cc, a.Cc)
	if !strings.HasPrefix(o.Content, "<p><span class=\"h-card\">") {
		t.Errorf("content = %q", o.Content)
	}
}

func TestParseFedifyCreate(t *testing.T) {
	a := parse(t, "fedify_create.json")
	check(t, "actor", a.Actor, "https://fedify.example/users/carol")
	check(t, "to (as:Public)", a.To, []string{Public})
	check(t, "IsPublic", IsPublic(a.To), true)
	check(t, "published (fractional seconds)", a.Published, time.Date(2024, 6, 1, 12, 0, 0, 123e6, time.UTC))
	check(t, "note to", a.Object.To, []string{Public})
	check(t, "inReplyTo", a.Object.InReplyTo, bobStatus)
	check(t, "mentions (single, not array)", a.Object.Mentions, []string{bobRemote})
	check(t, "sensitive", a.Object.Sensitive, false)
	if _, ok := a.Raw["signature"].(map[string]any); !ok {
		t.Error("LD signature not kept in Raw")
	}
}

func TestParseEmbeddedActivities(t *testing.T) {
	tests := []struct {
		file, typ, objType, objID, objActor, objObject string
	}{
		{"mastodon_accept_follow.json", "Accept", "Follow",
			"https://rounds.example/users/bob/activities/7193000000000001", bobRemote, alice},
		{"mastodon_undo_follow.json", "Undo", "Follow",
			"https://mastodon.example/5a1e3b6e-7c2a-4b7b-9f7e-2d2c1f0e9a11", alice, bobRemote},
		{"mastodon_undo_like.json", "Undo", "Like",
			"https://mastodon.example/users/alice#likes/556", alice, bobStatus},
		{"mastodon_undo_announce.json", "Undo", "Announce",
			"https://mastodon.example/users/alice/statuses/112233445566778900/activity", alice, bobStatus},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a := parse(t, tt.file)
			check(t, "type", a.Type, tt.typ)
			if a.Object == nil {
				t.Fatal("no embedded object")
			}
			check(t, "object type", a.Object.Type, tt.objType)
			check(t, "object id", a.Object.ID, tt.objID)
			check(t, "ObjectIRI", a.ObjectIRI, tt.objID)
			check(t, "object actor", a.Object.Actor, tt.objActor)
			check(t, "object object", a.Object.Object, tt.objObject)
		})
	}
}

func TestParseObjectIRIActivities(t *testing.T) {
	tests := []struct{ file, typ, object string }{
		{"mastodon_announce.json", "Announce", bobStatus},
		{"mastodon_like.json", "Like", bobStatus},
		{"mastodon_block.json", "Block", bobRemote},
		{"mastodon_delete_actor.json", "Delete", alice},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a := parse(t, tt.file)
			check(t, "type", a.Type, tt.typ)
			check(t, "ObjectIRI", a.ObjectIRI, tt.object)
			if a.Object != nil {
				t.Errorf("Object = %+v, want nil for an IRI", a.Object)
			}
		})
	}
	a := parse(t, "mastodon_announce.json")
	check(t, "announce cc", a.Cc, []string{bobRemote, "https://mastodon.example/users/alice/followers"})
	check(t, "announce published", a.Published, time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC))
}

func TestParseDeleteTombstone(t *testing.T) {
	a := parse(t, "mastodon_delete_note.json")
	check(t, "ObjectIRI", a.ObjectIRI, "https://mastodon.example/users/alice/statuses/112233445566778899")
	if a.Object == nil || a.Object.Type != "Tombstone" {
		t.Fatalf("object = %+v, want a Tombstone", a.Object)
	}
}

func TestParseUpdatePerson(t *testing.T) {
	a := parse(t, "mastodon_update_person.json")
	check(t, "type", a.Type, "Update")
	p := a.Object.Person
	if p == nil {
		t.Fatal("no Person")
	}
	check(t, "name", p.Name, "Dr. Alice Moreau-Li")
	check(t, "shared inbox", p.SharedInbox, "https://mastodon.example/inbox")
	check(t, "locked", p.Locked, true)
	check(t, "fields", len(p.Fields), 2)
	if p.PublicKey == nil || p.PublicKey.ID != alice+"#main-key" {
		t.Errorf("public key = %+v", p.PublicKey)
	}
}

func TestParseUnknownType(t *testing.T) {
	a, err := ParseActivity(load(t, "misskey_emojireact.json"))
	if err != nil {
		t.Fatalf("EmojiReact: %v (unknown types must not be errors)", err)
	}
	check(t, "known", a.Known, false)
	check(t, "type", a.Type, "EmojiReact")
	check(t, "id", a.ID, "https://misskey.example/likes/9qz1abcd")
	check(t, "actor", a.Actor, "https://misskey.example/users/9abc")
	check(t, "object", a.ObjectIRI, bobStatus)

	// An Undo of something unknown is a known Undo with an untyped object.
	u, err := ParseActivity([]byte(`{"@context":"https://www.w3.org/ns/activitystreams",
		"id":"https://misskey.example/undo/1","type":"Undo","actor":"https://misskey.example/users/9abc",
		"object":{"id":"https://misskey.example/likes/9qz1abcd","type":"EmojiReact",
		"actor":"https://misskey.example/users/9abc","object":"` + bobStatus + `"}}`))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "undo object type", u.Object.Type, "EmojiReact")
	check(t, "undo object object", u.Object.Object, bobStatus)
}

func TestParseEmbeddedActor(t *testing.T) {
	// Some software embeds the actor instead of naming it (guide pitfall 17).
	for _, actor := range []string{
		`{"id":"` + alice + `","type":"Person","inbox":"` + alice + `/inbox"}`,
		`{"id":"` + alice + `","type":"SomethingNew"}`,
		`["` + alice + `"]`,
	} {
		a, err := ParseActivity([]byte(`{"@context":"https://www.w3.org/ns/activitystreams",
			"id":"https://mastodon.example/l/1","type":"Like","actor":` + actor + `,"object":"` + bobStatus + `"}`))
		if err != nil {
			t.Fatalf("actor %s: %v", actor, err)
		}
		check(t, "actor", a.Actor, alice)
	}
}

func TestParsePublicSpellings(t *testing.T) {
	a, err := ParseActivity([]byte(`{"@context":"https://www.w3.org/ns/activitystreams",
		"id":"https://x.example/a/1","type":"Announce","actor":"https://x.example/u",
		"object":"https://x.example/n/1","to":["Public"],"cc":"as:Public"}`))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "to", a.To, []string{Public})
	check(t, "cc", a.Cc, []string{Public})
	check(t, "IsPublic(nil)", IsPublic(nil), false)
	check(t, "IsPublic(followers)", IsPublic([]string{"https://x.example/u/followers"}), false)
}

func TestParseActivityErrors(t *testing.T) {
	ctx := `"@context":"https://www.w3.org/ns/activitystreams",`
	tests := map[string]string{
		"not JSON":        `{"@context":`,
		"array":           `[{"type":"Like"}]`,
		"string":          `"Like"`,
		"null":            `null`,
		"no @context":     `{"id":"https://x.example/1","type":"Like","actor":"https://x.example/u","object":"https://x.example/n"}`,
		"no type":         `{` + ctx + `"id":"https://x.example/1","actor":"https://x.example/u"}`,
		"no id":           `{` + ctx + `"type":"Like","actor":"https://x.example/u","object":"https://x.example/n"}`,
		"relative id":     `{` + ctx + `"id":"/1","type":"Like","actor":"https://x.example/u"}`,
		"no actor":        `{` + ctx + `"id":"https://x.example/1","type":"Like","object":"https://x.example/n"}`,
		"no actor (unk)":  `{` + ctx + `"id":"https://x.example/1","type":"Bite"}`,
		"null @context":   `{"@context":null,"id":"https://x.example/1","type":"Like","actor":"https://x.example/u","object":"https://x.example/n"}`,
		"no object":       `{` + ctx + `"id":"https://x.example/1","type":"Like","actor":"https://x.example/u"}`,
		"null object":     `{` + ctx + `"id":"https://x.example/1","type":"Undo","actor":"https://x.example/u","object":[null]}`,
		"two actors":      `{` + ctx + `"id":"https://x.example/1","type":"Like","actor":["https://x.example/u","https://y.example/v"]}`,
		"not an activity": `{` + ctx + `"id":"https://x.example/1","type":"Note","attributedTo":"https://x.example/u"}`,
		"trailing data":   `{` + ctx + `"id":"https://x.example/1","type":"Like","actor":"https://x.example/u"} {}`,
		"deep nesting":    `{` + ctx + `"type":"Like","x":` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}`,
		"deep objects":    strings.Repeat(`{"a":`, 1000) + `1` + strings.Repeat(`}`, 1000),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			a, err := ParseActivity([]byte(body))
			if err == nil {
				t.Fatalf("no error; got %+v", a)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
		})
	}
}

func TestParseMastodonActor(t *testing.T) {
	a, err := ParseActor(load(t, "mastodon_actor.json"))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "id", a.ID, alice)
	check(t, "type", a.Type, "Person")
	check(t, "preferredUsername", a.PreferredUsername, "alice")
	check(t, "name", a.Name, "Dr. Alice Moreau")
	check(t, "url", a.URL, "https://mastodon.example/@alice")
	check(t, "inbox", a.Inbox, alice+"/inbox")
	check(t, "outbox", a.Outbox, alice+"/outbox")
	check(t, "followers", a.Followers, alice+"/followers")
	check(t, "following", a.Following, alice+"/following")
	check(t, "sharedInbox", a.SharedInbox, "https://mastodon.example/inbox")
	check(t, "icon", a.IconURL, "https://files.mastodon.example/accounts/avatars/000/000/001/original/avatar.png")
	check(t, "image", a.ImageURL, "https://files.mastodon.example/accounts/headers/000/000/001/original/header.jpg")
	check(t, "locked", a.Locked, true)
	check(t, "discoverable", a.Discoverable, true)
	check(t, "bot", a.Bot, false)
	check(t, "field 0", a.Fields[0].Name+"="+a.Fields[0].Value, "Specialty=Cardiology")
	check(t, "fields", len(a.Fields), 2)
	if !strings.HasPrefix(a.Summary, "<p>Cardiologist") {
		t.Errorf("summary = %q", a.Summary)
	}
	if a.PublicKey == nil {
		t.Fatal("no public key")
	}
	check(t, "key id", a.PublicKey.ID, alice+"#main-key")
	check(t, "key owner", a.PublicKey.Owner, alice)
	if !strings.HasPrefix(a.PublicKey.PEM, "-----BEGIN PUBLIC KEY-----\n") {
		t.Errorf("pem = %q", a.PublicKey.PEM)
	}
}

func TestParseActorTypes(t *testing.T) {
	for typ, bot := range map[string]bool{
		"Person": false, "Service": true, "Application": true, "Group": false, "Organization": false,
	} {
		body := `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://x.example/a",
			"type":"` + typ + `","inbox":"https://x.example/a/inbox","preferredUsername":"a"}`
		a, err := ParseActor([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		check(t, typ+" bot", a.Bot, bot)
		check(t, typ+" username", a.PreferredUsername, "a")
	}
	for name, body := range map[string]string{
		"Note":     `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://x.example/a","type":"Note","inbox":"https://x.example/i"}`,
		"unknown":  `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://x.example/a","type":"Robot","inbox":"https://x.example/i"}`,
		"no inbox": `{"@context":"https://www.w3.org/ns/activitystreams","id":"https://x.example/a","type":"Person"}`,
		"no id":    `{"@context":"https://www.w3.org/ns/activitystreams","type":"Person","inbox":"https://x.example/i"}`,
	} {
		if _, err := ParseActor([]byte(body)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: error %v, want ErrMalformed", name, err)
		}
	}
}

func TestKeyFromDocument(t *testing.T) {
	tests := []struct{ file, keyID, owner string }{
		{"mastodon_actor.json", alice + "#main-key", alice},
		{"gotosocial_key.json", "https://gts.example/users/dave/main-key", "https://gts.example/users/dave"},
		{"gotosocial_stub_actor.json", "https://gts.example/users/dave/main-key", "https://gts.example/users/dave"},
	}
	for _, tt := range tests {
		k, err := KeyFromDocument(load(t, tt.file), tt.keyID)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		check(t, tt.file+" id", k.ID, tt.keyID)
		check(t, tt.file+" owner", k.Owner, tt.owner)
		if !strings.Contains(k.PEM, "BEGIN PUBLIC KEY") {
			t.Errorf("%s: pem = %q", tt.file, k.PEM)
		}
	}
	if _, err := KeyFromDocument(load(t, "mastodon_actor.json"), alice+"#other-key"); !errors.Is(err, ErrNoKey) {
		t.Errorf("absent key: error %v, want ErrNoKey", err)
	}
	noOwner := `{"id":"https://x.example/k","publicKeyPem":"-----BEGIN PUBLIC KEY-----"}`
	if _, err := KeyFromDocument([]byte(noOwner), "https://x.example/k"); !errors.Is(err, ErrMalformed) {
		t.Errorf("key without owner: error %v, want ErrMalformed", err)
	}
	if _, err := KeyFromDocument([]byte(`[1]`), "https://x.example/k"); err == nil {
		t.Error("array document: no error")
	}
}

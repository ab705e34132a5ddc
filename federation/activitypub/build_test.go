package activitypub

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
)

var base = uris.New("https", "rounds.example")

const testPEM = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo\n-----END PUBLIC KEY-----\n"

func bob() *storage.Account {
	return &storage.Account{
		ID: 1, Username: "bob", DisplayName: "Dr. Bob Okafor", Note: "<p>Nephrology</p>",
		PublicKeyPEM: testPEM, Locked: true, Discoverable: true,
		AvatarURL: "https://rounds.example/media/avatars/bob.png",
		HeaderURL: "https://rounds.example/media/headers/bob.jpg",
		Fields:    []storage.Field{{Name: "Specialty", Value: "Nephrology"}, {Name: "NPI", Value: "on request"}},
		CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func mapKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestActorDocumentGolden(t *testing.T) {
	doc, err := ActorDocument(bob(), base)
	if err != nil {
		t.Fatal(err)
	}
	m := asMap(t, doc)
	// DESIGN §4's list, plus discoverable, published, image and attachment.
	want := []string{"@context", "attachment", "discoverable", "endpoints", "followers", "following",
		"icon", "id", "image", "inbox", "manuallyApprovesFollowers", "name", "outbox",
		"preferredUsername", "publicKey", "published", "summary", "type", "url"}
	check(t, "fields", mapKeys(m), want)
	check(t, "type", m["type"], any("Person"))
	check(t, "id", m["id"], any("https://rounds.example/users/bob"))
	check(t, "endpoints", m["endpoints"], any(map[string]any{"sharedInbox": "https://rounds.example/inbox"}))
	check(t, "publicKey", m["publicKey"], any(map[string]any{
		"id": "https://rounds.example/users/bob#main-key", "owner": "https://rounds.example/users/bob",
		"publicKeyPem": testPEM,
	}))
	check(t, "icon", m["icon"], any(map[string]any{
		"type": "Image", "mediaType": "image/png", "url": "https://rounds.example/media/avatars/bob.png",
	}))
	check(t, "published", m["published"], any("2024-01-02T03:04:05Z"))
	check(t, "attachment[0]", m["attachment"].([]any)[0],
		any(map[string]any{"type": "PropertyValue", "name": "Specialty", "value": "Nephrology"}))
	checkContext(t, doc, m)
}

// checkContext asserts a document carries exactly our @context and no prefixed or
// bare-vocabulary leftovers from go-fed.
func checkContext(t *testing.T, doc []byte, m map[string]any) {
	t.Helper()
	want, _ := json.Marshal(ldContext())
	got, _ := json.Marshal(m["@context"])
	check(t, "@context", string(got), string(want))
	s := string(doc)
	if strings.Count(s, "joinmastodon.org/ns") != 1 || strings.Contains(s, `"http://joinmastodon.org/ns"`) {
		t.Errorf("joinmastodon.org/ns appears other than as the inline toot term: %s", s)
	}
	for _, prefixed := range []string{`"sec:`, `"w3idsecurityv1:`, `"as:publicKey`, `"toot:discoverable":`} {
		if strings.Contains(s, prefixed) {
			t.Errorf("prefixed key %s in %s", prefixed, s)
		}
	}
}

func TestActorDocumentRoundTrip(t *testing.T) {
	a := bob()
	doc, err := ActorDocument(a, base)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseActor(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := &Actor{
		ID: base.Actor("bob"), Type: "Person", PreferredUsername: "bob", Name: a.DisplayName,
		Summary: a.Note, URL: base.Profile("bob"), Inbox: base.Inbox("bob"), Outbox: base.Outbox("bob"),
		SharedInbox: base.SharedInbox(), Followers: base.Followers("bob"), Following: base.Following("bob"),
		IconURL: a.AvatarURL, ImageURL: a.HeaderURL, Locked: true, Discoverable: true, Fields: a.Fields,
		PublicKey: &PublicKey{ID: base.Key("bob"), Owner: base.Actor("bob"), PEM: testPEM},
	}
	check(t, "actor", got, want)
	k, err := KeyFromDocument(doc, base.Key("bob"))
	if err != nil {
		t.Fatal(err)
	}
	check(t, "key", k, want.PublicKey)
}

func TestActorDocumentServiceAndMinimal(t *testing.T) {
	for _, a := range []*storage.Account{
		{Username: storage.InstanceActorUsername, PublicKeyPEM: testPEM},
		{Username: "pager", Bot: true, PublicKeyPEM: testPEM},
	} {
		doc, err := ActorDocument(a, base)
		if err != nil {
			t.Fatal(err)
		}
		m := asMap(t, doc)
		check(t, a.Username+" type", m["type"], any("Service"))
		for _, k := range []string{"icon", "image", "attachment", "published"} {
			if _, ok := m[k]; ok {
				t.Errorf("%s: %s present though unset", a.Username, k)
			}
		}
		check(t, "name", m["name"], any(""))
		check(t, "manuallyApprovesFollowers", m["manuallyApprovesFollowers"], any(false))
	}
	if _, err := ActorDocument(&storage.Account{Username: "x", Domain: "else.example", PublicKeyPEM: testPEM}, base); err == nil {
		t.Error("remote account: no error")
	}
	if _, err := ActorDocument(&storage.Account{Username: "x"}, base); err == nil {
		t.Error("no key: no error")
	}
}

func status(vis string) *storage.Status {
	return &storage.Status{
		ID: 7193000000000042, Content: "<p>Rounds at 8</p>", SpoilerText: "schedule", Sensitive: true,
		Visibility: vis, Language: "en", Tags: []string{"nephrology", "icu"},
		CreatedAt: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), EditedAt: time.Date(2024, 5, 6, 9, 0, 0, 0, time.UTC),
	}
}

var refs = NoteRefs{
	InReplyTo: "https://mastodon.example/users/alice/statuses/1",
	Mentions: []Mention{
		{URI: alice, Acct: "alice@mastodon.example"},
		{URI: "https://rounds.example/users/carol", Acct: "carol"},
	},
}

func TestNoteAudience(t *testing.T) {
	followers := base.Followers("bob")
	m := []string{alice, "https://rounds.example/users/carol"}
	tests := []struct {
		vis    string
		to, cc []string
	}{
		{storage.VisibilityPublic, []string{Public}, append([]string{followers}, m...)},
		{storage.VisibilityUnlisted, []string{followers}, append([]string{Public}, m...)},
		{storage.VisibilityPrivate, append([]string{followers}, m...), nil},
		{storage.VisibilityDirect, m, nil},
	}
	for _, tt := range tests {
		t.Run(tt.vis, func(t *testing.T) {
			note, err := Note(status(tt.vis), bob(), base, refs)
			if err != nil {
				t.Fatal(err)
			}
			create, err := Create(base.StatusActivity("bob", 7193000000000042), base.Actor("bob"), note)
			if err != nil {
				t.Fatal(err)
			}
			a, err := ParseActivity(create)
			if err != nil {
				t.Fatal(err)
			}
			check(t, "create to", a.To, tt.to)
			check(t, "create cc", a.Cc, tt.cc)
			check(t, "note to", a.Object.To, tt.to)
			check(t, "note cc", a.Object.Cc, tt.cc)
		})
	}
	if _, _, err := Address("secret", followers, nil); err == nil {
		t.Error("unknown visibility: no error")
	}
}

func TestNoteRoundTrip(t *testing.T) {
	s := status(storage.VisibilityPublic)
	note, err := Note(s, bob(), base, refs)
	if err != nil {
		t.Fatal(err)
	}
	m := asMap(t, note)
	checkContext(t, note, m)
	check(t, "note fields", mapKeys(m), []string{"@context", "attributedTo", "cc", "content", "contentMap",
		"id", "inReplyTo", "published", "replies", "sensitive", "summary", "tag", "to", "type", "updated", "url"})
	check(t, "hashtag", m["tag"].([]any)[2], any(map[string]any{
		"type": "Hashtag", "href": "https://rounds.example/tags/nephrology", "name": "#nephrology"}))
	check(t, "local mention name", m["tag"].([]any)[1].(map[string]any)["name"], any("@carol@rounds.example"))
	check(t, "replies", m["replies"], any(base.StatusReplies("bob", s.ID)))
	check(t, "contentMap", m["contentMap"], any(map[string]any{"en": s.Content}))

	create, err := Create(base.StatusActivity("bob", s.ID), base.Actor("bob"), note)
	if err != nil {
		t.Fatal(err)
	}
	cm := asMap(t, create)
	checkContext(t, create, cm)
	check(t, "create to (array)", cm["to"], any([]any{Public}))
	if !strings.Contains(string(create), `"content":"<p>Rounds at 8</p>"`) {
		t.Errorf("content escaped or missing: %s", create)
	}
	if _, ok := cm["object"].(map[string]any)["@context"]; ok {
		t.Error("embedded note kept its @context")
	}
	a, err := ParseActivity(create)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "create published", a.Published, s.CreatedAt)
	want := &Object{
		ID: base.Status("bob", s.ID), Type: "Note", AttributedTo: base.Actor("bob"), Content: s.Content,
		Summary: s.SpoilerText, URL: base.StatusPage("bob", s.ID), InReplyTo: refs.InReplyTo, Sensitive: true,
		To: a.To, Cc: a.Cc, Published: s.CreatedAt, Updated: s.EditedAt,
		Mentions: []string{alice, "https://rounds.example/users/carol"}, Hashtags: s.Tags,
	}
	check(t, "note", a.Object, want)
}

func TestNotePlain(t *testing.T) {
	s := &storage.Status{ID: 5, Content: "<p>hi</p>", Visibility: storage.VisibilityPublic, CreatedAt: time.Now()}
	note, err := Note(s, bob(), base, NoteRefs{})
	if err != nil {
		t.Fatal(err)
	}
	m := asMap(t, note)
	for _, k := range []string{"summary", "inReplyTo", "tag", "updated", "contentMap"} {
		if _, ok := m[k]; ok {
			t.Errorf("%s present though unset", k)
		}
	}
	check(t, "sensitive", m["sensitive"], any(false))
	if _, err := Note(s, bob(), base, NoteRefs{InReplyTo: "not a url"}); err == nil {
		t.Error("bad inReplyTo: no error")
	}
}

// roundTrip parses what a builder produced and checks the envelope every activity has.
func roundTrip(t *testing.T, doc []byte, err error, typ, id, actor string) *Activity {
	t.Helper()
	if err != nil {
		t.Fatalf("build %s: %v", typ, err)
	}
	checkContext(t, doc, asMap(t, doc))
	a, err := ParseActivity(doc)
	if err != nil {
		t.Fatalf("parse %s: %v\n%s", typ, err, doc)
	}
	check(t, typ+" type", a.Type, typ)
	check(t, typ+" id", a.ID, id)
	check(t, typ+" actor", a.Actor, actor)
	check(t, typ+" known", a.Known, true)
	return a
}

func TestActivityRoundTrips(t *testing.T) {
	me, id := base.Actor("bob"), base.Activity("bob", 9)
	follow, err := Follow(base.Activity("bob", 1), me, alice)
	a := roundTrip(t, follow, err, "Follow", base.Activity("bob", 1), me)
	check(t, "follow object", a.ObjectIRI, alice)

	theirs, _ := Follow("https://mastodon.example/f/1", alice, me)
	for typ, build := range map[string]func(string, string, json.RawMessage) ([]byte, error){
		"Accept": Accept, "Reject": Reject, "Undo": Undo,
	} {
		doc, err := build(id, me, theirs)
		a := roundTrip(t, doc, err, typ, id, me)
		check(t, typ+" embedded", *a.Object, Object{ID: "https://mastodon.example/f/1", Type: "Follow", Actor: alice, Object: me})
	}

	like, err := Like(id, me, bobStatus)
	a = roundTrip(t, like, err, "Like", id, me)
	check(t, "like object", a.ObjectIRI, bobStatus)

	block, err := Block(id, me, alice)
	a = roundTrip(t, block, err, "Block", id, me)
	check(t, "block object", a.ObjectIRI, alice)

	when := time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC)
	boost, err := Announce(id, me, bobStatus, when, []string{Public}, []string{base.Followers("bob")})
	a = roundTrip(t, boost, err, "Announce", id, me)
	check(t, "announce", []any{a.ObjectIRI, a.Published, a.To, a.Cc},
		[]any{bobStatus, when, []string{Public}, []string{base.Followers("bob")}})

	undo, err := Undo(base.Activity("bob", 10), me, boost)
	a = roundTrip(t, undo, err, "Undo", base.Activity("bob", 10), me)
	check(t, "undo announce audience", a.To, []string{Public})
	check(t, "undo announce object", a.Object.Object, bobStatus)
}

func TestDeleteAndUpdate(t *testing.T) {
	me, id := base.Actor("bob"), base.Activity("bob", 11)
	note := base.Status("bob", 5)
	del, err := DeleteNote(id, me, note, []string{Public}, []string{base.Followers("bob")})
	a := roundTrip(t, del, err, "Delete", id, me)
	check(t, "tombstone", *a.Object, Object{ID: note, Type: "Tombstone"})
	check(t, "delete cc", a.Cc, []string{base.Followers("bob")})

	del, err = DeleteActor(me+"#delete", me)
	a = roundTrip(t, del, err, "Delete", me+"#delete", me)
	check(t, "delete actor", []any{a.ObjectIRI, a.Object, a.To}, []any{me, (*Object)(nil), []string{Public}})

	s := status(storage.VisibilityUnlisted)
	n, _ := Note(s, bob(), base, NoteRefs{})
	upd, err := Update(id, me, n)
	a = roundTrip(t, upd, err, "Update", id, me)
	check(t, "update note audience", []any{a.To, a.Cc, a.Published}, []any{a.Object.To, a.Object.Cc, s.EditedAt})

	p, _ := ActorDocument(bob(), base)
	upd, err = Update(id, me, p)
	a = roundTrip(t, upd, err, "Update", id, me)
	check(t, "update person audience", []any{a.To, a.Cc}, []any{[]string{Public}, []string{base.Followers("bob")}})
	if a.Object.Person == nil || a.Object.Person.PublicKey == nil || a.Object.Person.SharedInbox != base.SharedInbox() {
		t.Errorf("embedded person = %+v", a.Object.Person)
	}
}

func TestBuilderErrors(t *testing.T) {
	me := base.Actor("bob")
	like, _ := Like(base.Activity("bob", 1), me, bobStatus)
	tests := map[string]func() ([]byte, error){
		"no id":          func() ([]byte, error) { return Follow("", me, alice) },
		"relative actor": func() ([]byte, error) { return Follow(base.Activity("bob", 1), "/users/bob", alice) },
		"no object":      func() ([]byte, error) { return Like(base.Activity("bob", 1), me, "") },
		"accept a Like":  func() ([]byte, error) { return Accept(base.Activity("bob", 2), me, like) },
		"create non-obj": func() ([]byte, error) { return Create(base.Activity("bob", 2), me, []byte(`[]`)) },
		"bad audience": func() ([]byte, error) {
			return Announce(base.Activity("bob", 2), me, bobStatus, time.Now(), []string{"as:Public"}, nil)
		},
	}
	for name, build := range tests {
		if doc, err := build(); err == nil {
			t.Errorf("%s: no error; built %s", name, doc)
		}
	}
}

func TestCollections(t *testing.T) {
	c, err := OrderedCollection(base.Followers("bob"), 3, base.Followers("bob")+"?page=1")
	if err != nil {
		t.Fatal(err)
	}
	m := asMap(t, c)
	checkContext(t, c, m)
	check(t, "collection", []any{m["type"], m["totalItems"], m["first"]},
		[]any{"OrderedCollection", 3.0, base.Followers("bob") + "?page=1"})

	if c, err = OrderedCollection(base.Following("bob"), 0, ""); err != nil {
		t.Fatal(err)
	}
	if _, ok := asMap(t, c)["first"]; ok {
		t.Error("first present though empty")
	}

	like, _ := Like(base.Activity("bob", 1), base.Actor("bob"), bobStatus)
	page, err := OrderedCollectionPage(base.Outbox("bob")+"?page=1", base.Outbox("bob"), base.Outbox("bob")+"?max_id=1", "",
		[]any{alice, json.RawMessage(like), like})
	if err != nil {
		t.Fatal(err)
	}
	m = asMap(t, page)
	checkContext(t, page, m)
	check(t, "page fields", mapKeys(m), []string{"@context", "id", "next", "orderedItems", "partOf", "type"})
	items := m["orderedItems"].([]any)
	check(t, "item 0", items[0], any(alice))
	if emb, ok := items[1].(map[string]any); !ok || emb["type"] != "Like" || emb["@context"] != nil {
		t.Errorf("item 1 = %#v, want an embedded Like without @context", items[1])
	}
	check(t, "item 2 ([]byte)", reflect.TypeOf(items[2]).Kind(), reflect.Map)

	empty, err := OrderedCollectionPage(base.Outbox("bob")+"?page=1", base.Outbox("bob"), "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(empty), `"orderedItems":[]`) {
		t.Errorf("empty page: %s", empty)
	}
	if _, err := OrderedCollectionPage(base.Outbox("bob"), base.Outbox("bob"), "", "", []any{42}); err == nil {
		t.Error("int item: no error")
	}
}

package activitypub

import (
	"os"
	"path/filepath"
	"testing"
)

// seeds adds every testdata payload plus shapes that have tripped parsers before.
func seeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed payloads: %v", err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	ctx := `"@context":"https://www.w3.org/ns/activitystreams",`
	for _, s := range []string{
		`{` + ctx + `"type":"Create","id":"https://x.example/1","actor":"https://x.example/u","object":{"type":"Note","inReplyTo":null,"tag":[null,1,{"type":"Hashtag"}]}}`,
		`{` + ctx + `"type":["Foo","Undo"],"id":"https://x.example/1","actor":[{"id":"https://x.example/u"}],"object":[{"type":"Follow"},"x"]}`,
		`{` + ctx + `"type":"Update","id":"https://x.example/1","actor":"https://x.example/u","object":{"type":"Person","publicKey":[1,"https://x.example/k",{"owner":{}}],"icon":[{"type":"Image","url":{"type":"Link"}}],"endpoints":"x"}}`,
		`{"@context":{"as":"https://www.w3.org/ns/activitystreams#"},"type":"as:Like","id":5,"actor":null}`,
		`{` + ctx + `"type":"Person","id":"https://x.example/u","inbox":{"type":"OrderedCollection"},"name":{"en":"x"},"preferredUsernameMap":{"en":"u"},"discoverable":"yes"}`,
		`{"id":"https://x.example/k","owner":["https://x.example/u"],"publicKeyPem":"pem"}`,
	} {
		f.Add([]byte(s))
	}
}

// FuzzParseActivity feeds peer-controlled bytes to ParseActivity: it must never panic,
// and whatever it accepts must satisfy the promises callers rely on.
func FuzzParseActivity(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := ParseActivity(body)
		if err != nil {
			return
		}
		if a.Type == "" || !absoluteHTTP(a.ID) || !absoluteHTTP(a.Actor) || a.Raw == nil {
			t.Fatalf("accepted an activity without type, id or actor: %+v", a)
		}
		IsPublic(a.To)
	})
}

// FuzzParseActor does the same for actor and key documents.
func FuzzParseActor(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		if a, err := ParseActor(body); err == nil {
			if !absoluteHTTP(a.ID) || !absoluteHTTP(a.Inbox) || !isActorType(a.Type) {
				t.Fatalf("accepted an actor without id, inbox or actor type: %+v", a)
			}
			if a.PublicKey != nil {
				_, _ = KeyFromDocument(body, a.PublicKey.ID)
			}
		}
		if k, err := KeyFromDocument(body, "https://x.example/k"); err == nil && (k.PEM == "" || k.Owner == "") {
			t.Fatalf("accepted a key without PEM or owner: %+v", k)
		}
	})
}

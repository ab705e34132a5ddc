package ap

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/storage"
)

const asContext = "https://www.w3.org/ns/activitystreams"

// hctx is one case's world: the local instance, the peer (alice, bob), a
// second peer on another origin (mallory), and state set up beforehand.
type hctx struct {
	e            *henv
	p, other     *hpeer
	alice, bob   *storage.Account
	bobNote      string // a stored remote status by bob
	bobFollow    string // URI of bob's accepted follow of carol
	carolPending string // URI of carol's pending follow of mallory
	trap         *httptest.Server
	trapHits     *atomic.Int64
	seq          int
}

func (c *hctx) id(what string) string {
	c.seq++
	return fmt.Sprintf("%s/activities/%s-%d", c.p.base.Origin, what, c.seq)
}

// doc marshals an ActivityStreams document.
func doc(t *testing.T, m map[string]any) []byte {
	t.Helper()
	if _, ok := m["@context"]; !ok {
		m["@context"] = asContext
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (c *hctx) note(id, attributedTo, content string) map[string]any {
	return map[string]any{"id": id, "type": "Note", "attributedTo": attributedTo, "content": content,
		"to": []string{"https://www.w3.org/ns/activitystreams#Public"}, "cc": []string{attributedTo + "/followers"},
		"published": time.Now().UTC().Format(time.RFC3339)}
}

// create is alice's Create of a note with the given id, author and content.
func (c *hctx) create(t *testing.T, noteID, author, content string) []byte {
	return doc(t, map[string]any{"id": c.id("create"), "type": "Create", "actor": c.p.actor("alice"),
		"to": []string{"https://www.w3.org/ns/activitystreams#Public"}, "object": c.note(noteID, author, content)})
}

func (c *hctx) aliceNote() string {
	c.seq++
	return fmt.Sprintf("%s/users/alice/statuses/%d", c.p.base.Origin, c.seq)
}

// signed is body posted to the shared inbox, signed the standard way by name on p.
func (c *hctx) signed(t *testing.T, name string, body []byte) *http.Request {
	return c.signedAt(t, name, body, time.Now())
}

func (c *hctx) signedAt(t *testing.T, name string, body []byte, now time.Time) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+"/inbox", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/activity+json")
	if err := signature.Sign(req, body, c.p.keyID(name), c.p.keys[name], now); err != nil {
		t.Fatal(err)
	}
	return req
}

// std is a draft-cavage signature by alice with the usual headers.
func (c *hctx) std() sig {
	return sig{keyID: c.p.keyID("alice"), key: c.p.keys["alice"], alg: "rsa-sha256", headers: stdHeaders,
		date: time.Now(), digest: "auto"}
}

func setupHostile(t *testing.T) *hctx {
	t.Helper()
	ctx := context.Background()
	c := &hctx{p: newHPeer(t, "alice", "bob"), other: newHPeer(t, "mallory"), e: newHEnv(t), trapHits: &atomic.Int64{}}
	c.trap = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.trapHits.Add(1)
		w.WriteHeader(http.StatusNotFound)
	}))
	t.Cleanup(c.trap.Close)
	svc, st := c.e.svc, c.e.store
	var err error
	if c.alice, err = svc.ResolveActor(ctx, c.p.actor("alice"), true); err != nil {
		t.Fatal(err)
	}
	if c.bob, err = svc.ResolveActor(ctx, c.p.actor("bob"), true); err != nil {
		t.Fatal(err)
	}
	mallory, err := svc.ResolveActor(ctx, c.other.actor("mallory"), true)
	if err != nil {
		t.Fatal(err)
	}
	carol := c.e.local.ID
	c.bobFollow = c.p.base.Origin + "/activities/bob-follows-carol"
	c.carolPending = c.e.base.Origin + "/follows/carol-mallory"
	for _, f := range []*storage.Follow{
		{AccountID: carol, TargetAccountID: c.alice.ID, URI: c.e.base.Origin + "/follows/carol-alice", State: storage.FollowAccepted, ShowReblogs: true},
		{AccountID: carol, TargetAccountID: c.bob.ID, URI: c.e.base.Origin + "/follows/carol-bob", State: storage.FollowAccepted, ShowReblogs: true},
		{AccountID: c.bob.ID, TargetAccountID: carol, URI: c.bobFollow, State: storage.FollowAccepted, ShowReblogs: true},
		{AccountID: carol, TargetAccountID: mallory.ID, URI: c.carolPending, State: storage.FollowPending, ShowReblogs: true},
	} {
		if err := st.CreateFollow(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	c.bobNote = c.p.base.Origin + "/users/bob/statuses/1"
	if err := st.CreateStatus(ctx, &storage.Status{AccountID: c.bob.ID, URI: c.bobNote, URL: c.bobNote,
		Content: "<p>bob's handover</p>", Visibility: storage.VisibilityPublic, CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Post(ctx, c.e.local, federation.Draft{Text: "grand rounds at noon", Visibility: storage.VisibilityPublic}); err != nil {
		t.Fatal(err)
	}
	return c
}

type hcase struct {
	name string
	// prime runs before the snapshot (e.g. the first copy of a replay).
	prime func(t *testing.T, c *hctx)
	req   func(t *testing.T, c *hctx) *http.Request
	want  int
	// queued: the request is well-signed and well-formed, so it is accepted
	// (202) and queued once; the rules that refuse it need the database and
	// run when it is applied, which must then change nothing.
	queued bool
	// control: a positive control, which must change the database.
	control bool
	check   func(t *testing.T, c *hctx)
}

func hostileCases() []hcase {
	return []hcase{
		// Positive controls: the same world accepts a genuine activity, so
		// every refusal below is the check under test, not a broken setup.
		{name: "control: valid Create via signature.Sign", want: 202, queued: true, control: true,
			req: func(t *testing.T, c *hctx) *http.Request {
				return c.signed(t, "alice", c.create(t, c.aliceNote(), c.p.actor("alice"), "<p>ward round</p>"))
			}},
		{name: "control: valid Create via the hand-built signer", want: 202, queued: true, control: true,
			req: func(t *testing.T, c *hctx) *http.Request {
				return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "<p>ward round</p>"), c.std())
			}},

		// Signatures.
		{name: "bad signature bytes", want: 401, req: func(t *testing.T, c *hctx) *http.Request {
			s := c.std()
			s.corrupt = true
			return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), s)
		}},
		{name: "algorithm confusion: hmac-sha256 keyed with the RSA public key PEM", want: 401,
			req: func(t *testing.T, c *hctx) *http.Request {
				s := c.std()
				s.alg, s.key, s.hmacKey = "hmac-sha256", nil, []byte(c.alice.PublicKeyPEM)
				return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), s)
			}},
		{name: "algorithm confusion: hmac-sha256 PEM secret, no algorithm parameter", want: 401,
			req: func(t *testing.T, c *hctx) *http.Request {
				s := c.std()
				s.alg, s.key, s.hmacKey = "", nil, []byte(c.alice.PublicKeyPEM)
				return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), s)
			}},
		{name: "algorithm confusion: ed25519 label on an RSA signature", want: 401,
			req: func(t *testing.T, c *hctx) *http.Request {
				s := c.std()
				s.alg = "ed25519"
				return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), s)
			}},
		{name: "keyId on another host than the actor", want: 401, req: func(t *testing.T, c *hctx) *http.Request {
			s := c.std()
			s.keyID, s.key = c.other.keyID("mallory"), c.other.keys["mallory"]
			return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), s)
		}},
		{name: "actor/key owner mismatch (bob signs alice's activity)", want: 401, req: func(t *testing.T, c *hctx) *http.Request {
			return c.signed(t, "bob", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"))
		}},
		{name: "Digest mismatch", want: 401, req: func(t *testing.T, c *hctx) *http.Request {
			s := c.std()
			s.digest = signature.Digest([]byte(`{"something":"else"}`))
			return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), s)
		}},
		{name: "Digest missing (not signed, not sent)", want: 401, req: func(t *testing.T, c *hctx) *http.Request {
			s := c.std()
			s.digest, s.headers = "", []string{"(request-target)", "host", "date"}
			return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), s)
		}},
		{name: "Digest with SHA-512 only", want: 401, req: func(t *testing.T, c *hctx) *http.Request {
			body := c.create(t, c.aliceNote(), c.p.actor("alice"), "x")
			sum := sha512.Sum512(body)
			s := c.std()
			s.digest = "SHA-512=" + base64.StdEncoding.EncodeToString(sum[:])
			return c.e.rawPost(t, "/inbox", body, s)
		}},
		{name: "Date signed but missing", want: 401, req: func(t *testing.T, c *hctx) *http.Request {
			s := c.std()
			s.date = time.Time{}
			return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), s)
		}},
		{name: "neither date nor (created) signed", want: 401, req: func(t *testing.T, c *hctx) *http.Request {
			s := c.std()
			s.headers = []string{"(request-target)", "host", "digest"}
			return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), s)
		}},
		{name: "host not in signed headers", want: 401, req: func(t *testing.T, c *hctx) *http.Request {
			s := c.std()
			s.headers = []string{"(request-target)", "date", "digest"}
			return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), s)
		}},
		{name: "headers list without (request-target)", want: 401, req: func(t *testing.T, c *hctx) *http.Request {
			s := c.std()
			s.headers = []string{"host", "date", "digest"}
			return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), s)
		}},
		{name: "clock skew: Date 13 h past", want: 401, req: func(t *testing.T, c *hctx) *http.Request {
			return c.signedAt(t, "alice", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), time.Now().Add(-13*time.Hour))
		}},
		{name: "clock skew: Date 2 h future", want: 401, req: func(t *testing.T, c *hctx) *http.Request {
			return c.signedAt(t, "alice", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), time.Now().Add(2*time.Hour))
		}},
		{name: "duplicate Signature headers", want: 401, req: func(t *testing.T, c *hctx) *http.Request {
			body := c.create(t, c.aliceNote(), c.p.actor("alice"), "x")
			r := c.signed(t, "alice", body)
			r2 := c.signed(t, "bob", body)
			r.Header.Add("Signature", r2.Header.Get("Signature"))
			return r
		}},
		{name: "keyId fragment naming a key the actor document does not hold", want: 401,
			req: func(t *testing.T, c *hctx) *http.Request {
				s := c.std()
				s.keyID, s.key = c.p.actor("alice")+"#other-key", mustKey(t)
				return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), s)
			}},
		{name: "keyId pointing to another key document claiming alice as owner", want: 401,
			req: func(t *testing.T, c *hctx) *http.Request {
				evil := mustKey(t)
				kid := c.p.base.Origin + "/media/upload-7.json#main-key"
				c.p.setDoc("/media/upload-7.json", doc(t, map[string]any{"@context": "https://w3id.org/security/v1",
					"id": kid, "owner": c.p.actor("alice"), "publicKeyPem": pemOf(t, evil)}))
				s := c.std()
				s.keyID, s.key = kid, evil
				return c.e.rawPost(t, "/inbox", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"), s)
			}},
		{name: "key document whose owner is on another host", want: 401,
			req: func(t *testing.T, c *hctx) *http.Request {
				kid := c.p.base.Origin + "/keys/k2"
				c.p.setDoc("/keys/k2", doc(t, map[string]any{"@context": "https://w3id.org/security/v1",
					"id": kid, "owner": c.other.actor("mallory"), "publicKeyPem": pemOf(t, c.other.keys["mallory"])}))
				s := c.std()
				s.keyID, s.key = kid, c.other.keys["mallory"]
				body := doc(t, map[string]any{"id": c.other.base.Origin + "/activities/m1", "type": "Create",
					"actor": c.other.actor("mallory"), "object": c.note(c.other.base.Origin+"/users/mallory/statuses/9", c.other.actor("mallory"), "x")})
				return c.e.rawPost(t, "/inbox", body, s)
			}},

		// Replays.
		{name: "replay of an applied activity id", want: 202,
			prime: func(t *testing.T, c *hctx) {
				primeReplay(t, c, "<p>first</p>")
			},
			req: func(t *testing.T, c *hctx) *http.Request {
				return c.signed(t, "alice", replayBody(t, c, "<p>first</p>"))
			}},
		{name: "replay of an activity id with altered content", want: 202,
			prime: func(t *testing.T, c *hctx) {
				primeReplay(t, c, "<p>first</p>")
			},
			req: func(t *testing.T, c *hctx) *http.Request {
				return c.signed(t, "alice", replayBody(t, c, "<p>rewritten</p>"))
			}},

		// Bodies that are not an activity.
		{name: "empty body", want: 400, req: func(t *testing.T, c *hctx) *http.Request {
			return c.e.rawPost(t, "/inbox", []byte{}, c.std())
		}},
		{name: "body null", want: 400, req: func(t *testing.T, c *hctx) *http.Request {
			return c.e.rawPost(t, "/inbox", []byte("null"), c.std())
		}},
		{name: "JSON array body", want: 400, req: func(t *testing.T, c *hctx) *http.Request {
			return c.e.rawPost(t, "/inbox", []byte(`[`+string(c.create(t, c.aliceNote(), c.p.actor("alice"), "x"))+`]`), c.std())
		}},
		{name: "unknown @context only", want: 400, req: func(t *testing.T, c *hctx) *http.Request {
			return c.e.rawPost(t, "/inbox", []byte(`{"@context":"https://unknown.example/ns"}`), c.std())
		}},
		{name: "a Person as the body", want: 400, req: func(t *testing.T, c *hctx) *http.Request {
			c.p.mu.Lock()
			body := c.p.docs["/users/alice"]
			c.p.mu.Unlock()
			return c.e.rawPost(t, "/inbox", body, c.std())
		}},
		{name: "non-JSON content type with a JSON body", want: 415, req: func(t *testing.T, c *hctx) *http.Request {
			r := c.signed(t, "alice", c.create(t, c.aliceNote(), c.p.actor("alice"), "x"))
			r.Header.Set("Content-Type", "text/plain")
			return r
		}},

		// JSON bombs, within the body limit.
		{name: "JSON bomb: 10,000 nested arrays", want: 400, req: func(t *testing.T, c *hctx) *http.Request {
			body := c.create(t, c.aliceNote(), c.p.actor("alice"), "x")
			bomb := strings.Repeat("[", 10000) + strings.Repeat("]", 10000)
			body = []byte(strings.Replace(string(body), `"type":"Create"`, `"type":"Create","tag":`+bomb, 1))
			return c.signed(t, "alice", body)
		}},
		{name: "JSON bomb: 900 KB string in an activity nobody here needs", want: 202, queued: true,
			req: func(t *testing.T, c *hctx) *http.Request {
				body := doc(t, map[string]any{"id": c.id("like"), "type": "Like", "actor": c.p.actor("alice"),
					"object": c.bobNote, "content": strings.Repeat("A", 900<<10)})
				return c.signed(t, "alice", body)
			}},
		{name: "JSON bomb: 100,000-element array", want: 202, queued: true,
			req: func(t *testing.T, c *hctx) *http.Request {
				arr := "[" + strings.TrimSuffix(strings.Repeat("0,", 100000), ",") + "]"
				body := doc(t, map[string]any{"id": c.id("like"), "type": "Like", "actor": c.p.actor("alice"),
					"object": c.bobNote, "tag": json.RawMessage(arr)})
				return c.signed(t, "alice", body)
			}},
		{name: "huge to/cc collections on a note nobody may see", want: 202, queued: true,
			req: func(t *testing.T, c *hctx) *http.Request {
				var to []string
				for i := range 5000 {
					to = append(to, fmt.Sprintf("%s/users/u%d", c.other.base.Origin, i))
				}
				n := c.note(c.other.base.Origin+"/users/mallory/statuses/77", c.p.actor("alice"), "x")
				n["to"], n["cc"] = to, to
				body := doc(t, map[string]any{"id": c.id("create"), "type": "Create", "actor": c.p.actor("alice"),
					"to": to, "cc": to, "object": n})
				return c.signed(t, "alice", body)
			}},

		// Origin and identity spoofing.
		{name: "embedded Note id and attributedTo on another host", want: 202, queued: true,
			req: func(t *testing.T, c *hctx) *http.Request {
				m := c.other.base.Origin
				return c.signed(t, "alice", c.create(t, m+"/users/mallory/statuses/5", c.other.actor("mallory"), "forged"))
			}},
		{name: "embedded Note on another host attributed to the sender", want: 202, queued: true,
			req: func(t *testing.T, c *hctx) *http.Request {
				return c.signed(t, "alice", c.create(t, c.other.base.Origin+"/notes/5", c.p.actor("alice"), "forged"))
			}},
		{name: "embedded Note attributed to another actor on the same host", want: 202, queued: true,
			req: func(t *testing.T, c *hctx) *http.Request {
				return c.signed(t, "alice", c.create(t, c.p.base.Origin+"/users/bob/statuses/99", c.p.actor("bob"), "forged"))
			}},
		{name: "activity id spoofing a local URI", want: 400, req: func(t *testing.T, c *hctx) *http.Request {
			body := doc(t, map[string]any{"id": c.e.base.Origin + "/users/carol/statuses/1/activity", "type": "Create",
				"actor": c.p.actor("alice"), "object": c.note(c.aliceNote(), c.p.actor("alice"), "forged")})
			return c.signed(t, "alice", body)
		}},
		{name: "Note id spoofing a local URI", want: 202, queued: true, req: func(t *testing.T, c *hctx) *http.Request {
			return c.signed(t, "alice", c.create(t, c.e.base.Origin+"/users/carol/statuses/424242", c.p.actor("alice"), "forged"))
		}},
		{name: "Update of another actor's Person", want: 202, queued: true, req: func(t *testing.T, c *hctx) *http.Request {
			person := map[string]any{"id": c.p.actor("bob"), "type": "Person", "preferredUsername": "bob",
				"name": "Bob (hijacked)", "inbox": c.p.actor("bob") + "/inbox", "summary": "pwned",
				"publicKey": map[string]any{"id": c.p.keyID("bob"), "owner": c.p.actor("bob"), "publicKeyPem": c.alice.PublicKeyPEM}}
			return c.signed(t, "alice", doc(t, map[string]any{"id": c.id("update"), "type": "Update", "actor": c.p.actor("alice"), "object": person}))
		}},
		{name: "Update of another actor's note", want: 202, queued: true, req: func(t *testing.T, c *hctx) *http.Request {
			n := c.note(c.bobNote, c.p.actor("bob"), "rewritten by alice")
			return c.signed(t, "alice", doc(t, map[string]any{"id": c.id("update"), "type": "Update", "actor": c.p.actor("alice"), "object": n}))
		}},
		{name: "Delete of another actor's note", want: 202, queued: true, req: func(t *testing.T, c *hctx) *http.Request {
			return c.signed(t, "alice", doc(t, map[string]any{"id": c.id("delete"), "type": "Delete", "actor": c.p.actor("alice"),
				"object": map[string]any{"id": c.bobNote, "type": "Tombstone"}}))
		}},
		{name: "Delete of another actor (bob's account)", want: 202, queued: true, req: func(t *testing.T, c *hctx) *http.Request {
			return c.signed(t, "alice", doc(t, map[string]any{"id": c.id("delete"), "type": "Delete", "actor": c.p.actor("alice"),
				"object": c.p.actor("bob")}))
		}},
		{name: "Undo of another actor's Follow", want: 202, queued: true, req: func(t *testing.T, c *hctx) *http.Request {
			f := map[string]any{"id": c.bobFollow, "type": "Follow", "actor": c.p.actor("bob"), "object": c.e.base.Actor("carol")}
			return c.signed(t, "alice", doc(t, map[string]any{"id": c.id("undo"), "type": "Undo", "actor": c.p.actor("alice"), "object": f}))
		}},
		{name: "Undo of another actor's Follow by bare id", want: 202, queued: true, req: func(t *testing.T, c *hctx) *http.Request {
			return c.signed(t, "alice", doc(t, map[string]any{"id": c.id("undo"), "type": "Undo", "actor": c.p.actor("alice"), "object": c.bobFollow}))
		}},
		{name: "Announce with object on a private address", want: 202, queued: true,
			req: func(t *testing.T, c *hctx) *http.Request {
				return c.signed(t, "alice", doc(t, map[string]any{"id": c.id("announce"), "type": "Announce", "actor": c.p.actor("alice"),
					"to": []string{"https://www.w3.org/ns/activitystreams#Public"}, "object": c.trap.URL + "/notes/1"}))
			},
			check: func(t *testing.T, c *hctx) {
				if n := c.trapHits.Load(); n != 0 {
					t.Errorf("private address was fetched %d times", n)
				}
			}},
		{name: "Accept for a Follow we never sent", want: 202, queued: true, req: func(t *testing.T, c *hctx) *http.Request {
			f := map[string]any{"id": c.e.base.Origin + "/follows/never", "type": "Follow", "actor": c.e.base.Actor("carol"), "object": c.p.actor("alice")}
			return c.signed(t, "alice", doc(t, map[string]any{"id": c.id("accept"), "type": "Accept", "actor": c.p.actor("alice"), "object": f}))
		}},
		{name: "Accept of our pending follow of someone else", want: 202, queued: true, req: func(t *testing.T, c *hctx) *http.Request {
			f := map[string]any{"id": c.carolPending, "type": "Follow", "actor": c.e.base.Actor("carol"), "object": c.other.actor("mallory")}
			return c.signed(t, "alice", doc(t, map[string]any{"id": c.id("accept"), "type": "Accept", "actor": c.p.actor("alice"), "object": f}))
		}},
		{name: "Follow targeting a non-local actor", want: 202, queued: true, req: func(t *testing.T, c *hctx) *http.Request {
			return c.signed(t, "alice", doc(t, map[string]any{"id": c.id("follow"), "type": "Follow", "actor": c.p.actor("alice"), "object": c.p.actor("bob")}))
		}},
		{name: "Like of a remote note", want: 202, queued: true, req: func(t *testing.T, c *hctx) *http.Request {
			return c.signed(t, "alice", doc(t, map[string]any{"id": c.id("like"), "type": "Like", "actor": c.p.actor("alice"), "object": c.bobNote}))
		}},

		// Stored, but sanitised.
		{name: "Create with <script> content is stored sanitised", want: 202, queued: true, control: true,
			req: func(t *testing.T, c *hctx) *http.Request {
				content := `<p>hi<script>alert(1)</script><img src=x onerror=alert(2)><a href="javascript:alert(3)" onclick="x()">link</a>` +
					`<svg onload=alert(4)></svg><iframe src="https://evil.example"></iframe><a href="https://ok.example/">ok</a></p>`
				return c.signed(t, "alice", c.create(t, c.aliceNote(), c.p.actor("alice"), content))
			},
			check: checkNoScriptInAPI},
	}
}

func replayBody(t *testing.T, c *hctx, content string) []byte {
	id := c.p.base.Origin + "/activities/replayed-1"
	note := c.note(c.p.base.Origin+"/users/alice/statuses/replayed-1", c.p.actor("alice"), content)
	return doc(t, map[string]any{"id": id, "type": "Create", "actor": c.p.actor("alice"), "object": note})
}

func primeReplay(t *testing.T, c *hctx, content string) {
	t.Helper()
	status, body := do(t, c.signed(t, "alice", replayBody(t, c, content)))
	if status != 202 {
		t.Fatalf("first copy: %d %s", status, short(body))
	}
	if n := c.e.drainAll(t); n != 1 {
		t.Fatalf("first copy: applied %d", n)
	}
}

// checkNoScriptInAPI reads the stored status back through the Mastodon API
// (home timeline, and the status itself) and looks for anything executable.
func checkNoScriptInAPI(t *testing.T, c *hctx) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.e.srv.URL+"/api/v1/timelines/home?limit=40", nil)
	req.Header.Set("Authorization", "Bearer "+c.e.token)
	status, body := do(t, req)
	if status != 200 {
		t.Fatalf("home timeline: %d %s", status, short(body))
	}
	var list []struct{ ID, Content string }
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range list {
		if !strings.Contains(s.Content, "ok.example") {
			continue
		}
		found = true
		assertInert(t, "home timeline", s.Content)
		req, _ := http.NewRequest(http.MethodGet, c.e.srv.URL+"/api/v1/statuses/"+s.ID, nil)
		req.Header.Set("Authorization", "Bearer "+c.e.token)
		st, b := do(t, req)
		if st != 200 {
			t.Fatalf("status %s: %d %s", s.ID, st, short(b))
		}
		var one struct{ Content string }
		if err := json.Unmarshal(b, &one); err != nil {
			t.Fatal(err)
		}
		assertInert(t, "GET status", one.Content)
	}
	if !found {
		t.Fatalf("the sanitised status is not in the home timeline: %s", short(body))
	}
}

func assertInert(t *testing.T, where, html string) {
	t.Helper()
	low := strings.ToLower(html)
	for _, bad := range []string{"<script", "javascript:", "onerror", "onclick", "onload", "<iframe", "<svg", "<img"} {
		if strings.Contains(low, bad) {
			t.Errorf("%s: %q survived in %s", where, bad, html)
		}
	}
}

// TestHostileInbox sends forged and malformed federation requests to a real
// instance. Each must get its status and leave the database as it was: no
// inbox item (unless well-formed and queued, in which case applying it must
// change nothing), no follow, status, account, key or notification.
func TestHostileInbox(t *testing.T) {
	cases := hostileCases()
	hostile := 0
	for _, tc := range cases {
		if !tc.control {
			hostile++
		}
	}
	if hostile < 30 {
		t.Fatalf("only %d hostile cases", hostile)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := setupHostile(t)
			if tc.prime != nil {
				tc.prime(t, c)
			}
			req := tc.req(t, c)
			before, inboxBefore := c.e.snapshot(t), c.e.inboxRows(t)
			peerHits := c.p.hits.Load()
			status, body := do(t, req)
			if status != tc.want {
				t.Fatalf("status %d, want %d (%s)", status, tc.want, short(body))
			}
			wantRows := 0
			if tc.queued {
				wantRows = 1
			}
			if got := c.e.inboxRows(t) - inboxBefore; got != wantRows {
				t.Errorf("inbox (dedupe) rows: +%d, want +%d", got, wantRows)
			}
			if applied := c.e.drainAll(t); applied != wantRows {
				t.Errorf("applied %d queued items, want %d", applied, wantRows)
			}
			changed := diffSnapshots(before, c.e.snapshot(t))
			switch {
			case tc.control && len(changed) == 0:
				t.Errorf("positive control changed nothing")
			case !tc.control && len(changed) > 0:
				t.Errorf("tables changed: %v", changed)
			}
			if !tc.control && tc.want != 202 && strings.HasPrefix(tc.name, "JSON bomb") {
				if n := c.p.hits.Load() - peerHits; n != 0 {
					t.Errorf("peer contacted %d times for a malformed body", n)
				}
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

// TestStandaloneKeyConfirmedByOwner: a GoToSocial-style key published at its
// own URL (not a fragment of the actor) is accepted when the owner's actor
// document names it, and refused when the owner's document names another
// key (the forged-key case in TestHostileInbox is the other half).
func TestStandaloneKeyConfirmedByOwner(t *testing.T) {
	for _, confirmed := range []bool{true, false} {
		t.Run(fmt.Sprintf("confirmed=%v", confirmed), func(t *testing.T) {
			p := newHPeer(t)
			e := newHEnv(t)
			key := cachedKey(t, "gts")
			actor := p.base.Actor("gts")
			kid := actor + "/main-key"
			published := kid
			if !confirmed {
				published = actor + "#main-key"
			}
			a := &storage.Account{Username: "gts", PublicKeyPEM: pemOf(t, key), CreatedAt: time.Now().UTC()}
			actorDoc, err := activitypubActor(a, p)
			if err != nil {
				t.Fatal(err)
			}
			// ActorDocument always publishes "#main-key"; rewrite it the way
			// GoToSocial publishes its keys.
			actorDoc = []byte(strings.ReplaceAll(string(actorDoc), strconvQuote(actor+"#main-key"), strconvQuote(published)))
			p.setDoc("/users/gts", actorDoc)
			p.setDoc("/users/gts/main-key", doc(t, map[string]any{"@context": "https://w3id.org/security/v1",
				"id": kid, "owner": actor, "publicKeyPem": pemOf(t, key)}))
			body := doc(t, map[string]any{"id": p.base.Origin + "/activities/f1", "type": "Follow", "actor": actor,
				"object": e.base.Actor("carol")})
			s := sig{keyID: kid, key: key, alg: "hs2019", headers: stdHeaders, date: time.Now(), digest: "auto"}
			status, b := do(t, e.rawPost(t, "/users/carol/inbox", body, s))
			want := 202
			if !confirmed {
				want = 401
			}
			if status != want {
				t.Fatalf("status %d, want %d (%s)", status, want, short(b))
			}
		})
	}
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

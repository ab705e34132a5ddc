package ap

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/federation/policy"
	"github.com/rounds-social/rounds/storage"
)

func followID(p *peer) string { return p.base.Origin + "/activities/follow-1" }

// followBody is alice's Follow of the local account carol.
func followBody(t *testing.T, e *env, p *peer) []byte {
	b, err := activitypub.Follow(followID(p), p.actor("alice"), e.base.Actor("carol"))
	return mustJSON(t, b, err)
}

// signedAs posts body to path signed by name's published key.
func signedAs(t *testing.T, e *env, p *peer, path, name string, body []byte, now time.Time) *http.Request {
	return e.post(t, path, body, body, p.keyID(name), p.keys[name], now)
}

func TestInboxPOST(t *testing.T) {
	open := func(*peer) policy.Options { return policy.Options{Mode: policy.ModeOpen} }
	cases := []struct {
		name    string
		policy  func(p *peer) policy.Options
		req     func(t *testing.T, e *env, p *peer) *http.Request
		repeat  int  // times the same request is sent (replay); default 1
		want    int  // HTTP status of every send
		stored  int  // pending inbox items afterwards
		follow  bool // the Follow exists after applying what was queued
		noFetch bool // the peer was never contacted
	}{
		{name: "valid signed Follow (positive control)", want: 202, stored: 1, follow: true,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				return signedAs(t, e, p, "/users/carol/inbox", "alice", followBody(t, e, p), time.Now())
			}},
		{name: "valid signed Follow to shared inbox", want: 202, stored: 1, follow: true,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				return signedAs(t, e, p, "/inbox", "alice", followBody(t, e, p), time.Now())
			}},
		{name: "unsigned", want: 401, noFetch: true,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				b := followBody(t, e, p)
				return e.post(t, "/inbox", nil, b, "", nil, time.Time{})
			}},
		{name: "garbage Signature header", want: 401, noFetch: true,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				b := followBody(t, e, p)
				r := e.post(t, "/users/carol/inbox", nil, b, "", nil, time.Time{})
				r.Header.Set("Signature", `keyId=garbage,,;"signature"=`)
				return r
			}},
		{name: "signed by a key other than the actor's published one", want: 401,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				b := followBody(t, e, p)
				return e.post(t, "/inbox", b, b, p.keyID("alice"), mustKey(t), time.Now())
			}},
		{name: "body tampered after signing (Digest mismatch)", want: 401,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				b := followBody(t, e, p)
				evil := []byte(strings.Replace(string(b), e.base.Actor("carol"), e.base.Actor("admin"), 1))
				return e.post(t, "/users/carol/inbox", b, evil, p.keyID("alice"), p.keys["alice"], time.Now())
			}},
		{name: "Date 13 h old", want: 401,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				return signedAs(t, e, p, "/inbox", "alice", followBody(t, e, p), time.Now().Add(-13*time.Hour))
			}},
		{name: "Date 2 h in the future", want: 401,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				return signedAs(t, e, p, "/inbox", "alice", followBody(t, e, p), time.Now().Add(2*time.Hour))
			}},
		{name: "signed by another actor on the same peer", want: 401,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				return signedAs(t, e, p, "/users/carol/inbox", "bob", followBody(t, e, p), time.Now())
			}},
		{name: "blocked domain", want: 403, noFetch: true,
			policy: func(p *peer) policy.Options { return policy.Options{Mode: policy.ModeOpen, Block: []string{p.host}} },
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				return signedAs(t, e, p, "/users/carol/inbox", "alice", followBody(t, e, p), time.Now())
			}},
		{name: "allowlist mode without the peer", want: 403, noFetch: true,
			policy: func(p *peer) policy.Options {
				return policy.Options{Mode: policy.ModeAllowlist, Allow: []string{"partner.example"}}
			},
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				return signedAs(t, e, p, "/inbox", "alice", followBody(t, e, p), time.Now())
			}},
		{name: "oversized body", want: 413, noFetch: true,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				b := fmt.Appendf(nil, `{"@context":"https://www.w3.org/ns/activitystreams","id":%q,"type":"Follow","actor":%q,"object":%q,"summary":%q}`,
					followID(p), p.actor("alice"), e.base.Actor("carol"), strings.Repeat("x", testBodyLimit+1))
				return signedAs(t, e, p, "/inbox", "alice", b, time.Now())
			}},
		{name: "malformed JSON, signed", want: 400,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				return signedAs(t, e, p, "/inbox", "alice", []byte(`{"type":"Follow","actor":`), time.Now())
			}},
		{name: "unknown activity type EmojiReact", want: 202,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				b := fmt.Appendf(nil, `{"@context":"https://www.w3.org/ns/activitystreams","id":%q,"type":"EmojiReact","actor":%q,"object":%q,"content":"\u2764"}`,
					p.base.Origin+"/activities/react-1", p.actor("alice"), e.base.Status("carol", 1))
				return signedAs(t, e, p, "/users/carol/inbox", "alice", b, time.Now())
			}},
		{name: "replayed Follow", want: 202, repeat: 2, stored: 1, follow: true,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				return signedAs(t, e, p, "/users/carol/inbox", "alice", followBody(t, e, p), time.Now())
			}},
		{name: "activity id on another host than the actor", want: 400,
			req: func(t *testing.T, e *env, p *peer) *http.Request {
				b, err := activitypub.Follow("http://elsewhere.example/activities/follow-1", p.actor("alice"), e.base.Actor("carol"))
				b = mustJSON(t, b, err)
				return signedAs(t, e, p, "/inbox", "alice", b, time.Now())
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, "alice", "bob")
			pol := open
			if tc.policy != nil {
				pol = tc.policy
			}
			e := newEnv(t, pol(p), Options{})
			before := e.pending(t)
			p.hits.Store(0)
			req := tc.req(t, e, p)
			for i := range max(tc.repeat, 1) {
				r := req.Clone(context.Background())
				if req.GetBody != nil {
					body, err := req.GetBody()
					if err != nil {
						t.Fatal(err)
					}
					r.Body = body
				}
				status, body := do(t, r)
				if status != tc.want {
					t.Fatalf("send %d: status %d, want %d (%s)", i+1, status, tc.want, short(body))
				}
			}
			if tc.noFetch {
				if n := p.hits.Load(); n != 0 {
					t.Errorf("peer was contacted %d times, want never", n)
				}
			}
			if got := e.pending(t) - before; got != tc.stored {
				t.Errorf("pending inbox items: +%d, want +%d", got, tc.stored)
			}
			if applied := e.drain(t); applied != tc.stored {
				t.Errorf("claimed %d items, want %d", applied, tc.stored)
			}
			if got := e.followExists(t, followID(p)); got != tc.follow {
				t.Errorf("follow %s exists: %v, want %v", followID(p), got, tc.follow)
			}
		})
	}
}

func TestStatusGETVisibility(t *testing.T) {
	e := newEnv(t, policy.Options{}, Options{})
	ctx := context.Background()
	priv, err := e.svc.Post(ctx, e.local, federation.Draft{Text: "followers only: patient handover", Visibility: storage.VisibilityPrivate})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := e.svc.Post(ctx, e.local, federation.Draft{Text: "public grand rounds", Visibility: storage.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		id   int64
		want int
		typ  string
	}{
		{"private status, unsigned", priv.ID, 404, ""},
		{"public status, unsigned", pub.ID, 200, "Note"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.get(t, fmt.Sprintf("/users/carol/statuses/%d", tc.id), "", nil)
			if status != tc.want {
				t.Fatalf("status %d, want %d (%s)", status, tc.want, short(body))
			}
			if tc.typ == "" {
				if strings.Contains(string(body), "patient handover") {
					t.Errorf("refusal leaks the content: %s", short(body))
				}
				return
			}
			var doc struct{ Type, ID string }
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatalf("%v: %s", err, short(body))
			}
			if doc.Type != tc.typ || doc.ID != e.base.Status("carol", tc.id) {
				t.Errorf("got type %q id %q, want %q %q", doc.Type, doc.ID, tc.typ, e.base.Status("carol", tc.id))
			}
		})
	}
}

func TestAuthorizedFetch(t *testing.T) {
	p := newPeer(t, "alice")
	e := newEnv(t, policy.Options{}, Options{AuthorizedFetch: true})
	cases := []struct {
		name   string
		path   string
		signer string // "" for unsigned
		want   int
	}{
		{"actor document unsigned", "/users/carol", "", 200},
		{"outbox unsigned", "/users/carol/outbox", "", 401},
		{"followers unsigned", "/users/carol/followers", "", 401},
		{"outbox signed by a peer (control)", "/users/carol/outbox", "alice", 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			keyID, key := "", p.keys[tc.signer]
			if tc.signer != "" {
				keyID = p.keyID(tc.signer)
			}
			status, body := e.get(t, tc.path, keyID, key)
			if status != tc.want {
				t.Fatalf("status %d, want %d (%s)", status, tc.want, short(body))
			}
			if status != 200 {
				return
			}
			var doc struct{ ID string }
			if err := json.Unmarshal(body, &doc); err != nil {
				t.Fatalf("%v: %s", err, short(body))
			}
			if doc.ID != e.srv.URL+tc.path {
				t.Errorf("id %q, want %q", doc.ID, e.srv.URL+tc.path)
			}
		})
	}
}

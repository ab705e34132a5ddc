package pages_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/rounds-social/rounds/storage"
)

// Every public page renders for an anonymous browser with Open Graph and
// rel=alternate, and the security headers.
func TestPublicPagesRender(t *testing.T) {
	e := newEnv(t, 0)
	st := e.post(e.alice, "Grand rounds today #Cardiology", storage.VisibilityPublic, 0)
	id := storage.FormatID(st.ID)
	b := e.browser()
	for _, path := range []string{"/", "/about", "/@alice", "/users/alice", "/@alice/" + id,
		"/users/alice/statuses/" + id, "/tags/cardiology"} {
		r := b.get(path)
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s: %d %s\n%s", path, r.status, r.header.Get("Content-Type"), r.body)
		}
		for _, want := range []string{`property="og:title"`, `rel="alternate"`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("GET %s: no %s", path, want)
			}
		}
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") ||
			r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Referrer-Policy") == "" {
			t.Errorf("GET %s: security headers %v", path, r.header)
		}
	}
	about := b.get("/about").body
	for _, want := range []string{"Test Hospital", "Clinicians of Test Hospital", "No patient identifiers",
		"partner.example", "it@hospital.example", "2 members"} {
		if !strings.Contains(about, want) {
			t.Errorf("about page lacks %q", want)
		}
	}
	if p := b.get("/@alice").body; !strings.Contains(p, "Grand rounds today") ||
		!strings.Contains(p, `href="`+e.alice.URI+`"`) || strings.Contains(p, `content="noindex"`) {
		t.Errorf("profile: want the post, the actor as alternate, indexable (discoverable account):\n%s", p)
	}
	e.alice.Discoverable = false
	if err := e.store.UpdateAccount(context.Background(), e.alice); err != nil {
		t.Fatal(err)
	}
	if p := b.get("/@alice").body; !strings.Contains(p, `name="robots" content="noindex"`) {
		t.Errorf("profile of a non-discoverable account lacks noindex")
	}
	if r := b.get("/@alice.rss"); r.status != http.StatusOK || !strings.Contains(r.body, "Grand rounds today") {
		t.Errorf("RSS: %d\n%s", r.status, r.body)
	}
	if r := b.get("/@nobody"); r.status != http.StatusNotFound {
		t.Errorf("unknown profile: %d", r.status)
	}
}

// ActivityPub clients still get JSON at the URLs browsers get pages at.
func TestActivityJSONStillServed(t *testing.T) {
	e := newEnv(t, 0)
	st := e.post(e.alice, "hello", storage.VisibilityPublic, 0)
	b := e.browser()
	for path, want := range map[string]string{"/users/alice": e.alice.URI, "/users/alice/statuses/" + storage.FormatID(st.ID): st.URI} {
		for _, accept := range []string{"application/activity+json", `application/ld+json; profile="https://www.w3.org/ns/activitystreams"`} {
			r := b.do(http.MethodGet, path, accept, nil)
			var doc struct{ ID string }
			if r.status != http.StatusOK || json.Unmarshal([]byte(r.body), &doc) != nil || doc.ID != want {
				t.Errorf("GET %s (%s): %d %s", path, accept, r.status, r.body)
			}
		}
	}
}

// An anonymous visitor sees public posts only: no followers-only or direct
// post on any page, in any list, thread or feed; an unlisted post only on
// its own page.
func TestAnonymousSeesPublicOnly(t *testing.T) {
	e := newEnv(t, 0)
	root := e.post(e.alice, "ROOT-public #ward", storage.VisibilityPublic, 0)
	hidden := map[string]*storage.Status{
		"PRIVATE-1": e.post(e.alice, "PRIVATE-1 #ward", storage.VisibilityPrivate, 0),
		"DIRECT-1":  e.post(e.alice, "@bob DIRECT-1 #ward", storage.VisibilityDirect, 0),
		"PRIVATE-2": e.post(e.bob, "PRIVATE-2 reply #ward", storage.VisibilityPrivate, root.ID),
		"DIRECT-2":  e.post(e.bob, "@alice DIRECT-2 reply #ward", storage.VisibilityDirect, root.ID),
	}
	// A public reply under a private one must not surface the private one.
	e.post(e.alice, "UNDER-PRIVATE #ward", storage.VisibilityPublic, hidden["PRIVATE-2"].ID)
	unlisted := e.post(e.alice, "UNLISTED-1 #ward", storage.VisibilityUnlisted, 0)
	okReply := e.post(e.bob, "PUBLIC-REPLY #ward", storage.VisibilityPublic, root.ID)

	b := e.browser()
	lists := []string{"/@alice", "/@bob", "/users/alice", "/tags/ward", "/@alice.rss", "/@bob.rss", "/tags/ward.rss",
		"/@alice/" + storage.FormatID(root.ID), "/users/bob/statuses/" + storage.FormatID(okReply.ID)}
	for _, path := range lists {
		r := b.get(path)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d", path, r.status)
		}
		for word := range hidden {
			if strings.Contains(r.body, word) {
				t.Errorf("GET %s shows %s to an anonymous visitor", path, word)
			}
		}
		onRoot := path == "/@alice/"+storage.FormatID(root.ID)
		if (onRoot && strings.Contains(r.body, "UNDER-PRIVATE")) || (!onRoot && strings.Contains(r.body, "UNLISTED-1")) {
			t.Errorf("GET %s shows a post it should not:\n%s", path, r.body)
		}
	}
	if thread := b.get("/@alice/" + storage.FormatID(root.ID)).body; !strings.Contains(thread, "PUBLIC-REPLY") {
		t.Errorf("thread lacks the public reply")
	}
	for word, st := range hidden {
		author := "alice"
		if st.AccountID == e.bob.ID {
			author = "bob"
		}
		for _, path := range []string{fmt.Sprintf("/@%s/%d", author, st.ID), fmt.Sprintf("/users/%s/statuses/%d", author, st.ID)} {
			if r := b.get(path); r.status != http.StatusNotFound || strings.Contains(r.body, word) {
				t.Errorf("GET %s (%s): %d, want 404", path, word, r.status)
			}
		}
	}
	// Wrong author in the URL: not found either.
	if r := b.get(fmt.Sprintf("/@bob/%d", root.ID)); r.status != http.StatusNotFound {
		t.Errorf("status under the wrong account: %d", r.status)
	}
	if r := b.get(fmt.Sprintf("/@alice/%d", unlisted.ID)); r.status != http.StatusOK || !strings.Contains(r.body, "UNLISTED-1") ||
		!strings.Contains(r.body, `content="noindex"`) {
		t.Errorf("unlisted post's own page: %d", r.status)
	}
}

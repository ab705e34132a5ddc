package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/config"
	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/storage"
)

// signedGet fetches url with Accept activity+json, signed by the instance
// actor of in (nil: unsigned), as a remote server would.
func signedGet(t *testing.T, in *fedInstance, raw string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", raw, nil)
	req.Header.Set("Accept", "application/activity+json")
	if in != nil {
		store, err := openStore(context.Background(), fedConfig(in.host, in.db))
		if err != nil {
			t.Fatal(err)
		}
		ia, err := store.AccountByUsername(context.Background(), storage.InstanceActorUsername, "")
		store.Close()
		if err != nil {
			t.Fatal(err)
		}
		key, err := signature.ParsePrivateKeyPEM(ia.PrivateKeyPEM)
		if err != nil {
			t.Fatal(err)
		}
		if err := signature.Sign(req, nil, ia.PublicKeyID, key, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func anonymousGet(t *testing.T, raw, accept string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", raw, nil)
	req.Header.Set("Accept", accept)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestNarrowAudiencesDoNotLeak: A has partner P and also federates with N.
// Institution-only posts stay on A; partner-only posts reach P and nobody
// else; neither reaches N or an anonymous reader by any path.
func TestNarrowAudiencesDoNotLeak(t *testing.T) {
	hostA, hostP, hostN := fedFreeHost(t), fedFreeHost(t), fedFreeHost(t)
	a := fedStartWith(t, hostA, fedDB(t, "a"), func(c *config.Config) { c.Federation.Partners = []string{hostP} })
	p := fedStart(t, hostP, fedDB(t, "p"))
	n := fedStart(t, hostN, fedDB(t, "n"))
	alice, amir := a.user("alice", false), a.user("amir", false)
	pete, nina := p.user("pete", false), n.user("nina", false)
	for _, follower := range []*fedClient{pete, nina} {
		id := follower.resolve("alice@" + hostA)
		follower.do("POST", "/api/v1/accounts/"+id+"/follow", nil, nil)
		eventually(t, follower.name+" follows alice", func() bool { return follower.relationship(id)["following"] == true })
	}
	ninaAmir := nina.resolve("amir@" + hostA)
	nina.do("POST", "/api/v1/accounts/"+ninaAmir+"/follow", nil, nil)
	eventually(t, "nina follows amir", func() bool { return nina.relationship(ninaAmir)["following"] == true })

	pub := alice.post("Public grand rounds #ward", "public")
	local := alice.post("@nina@"+hostN+" @pete@"+hostP+" institution secret #ward", "public", "local_only", "true")
	partner := alice.post("@nina@"+hostN+" @pete@"+hostP+" partner case #ward", "public", "audience", "partners")
	amir.post("institution reply #ward", "public", "in_reply_to_id", pub.ID, "local_only", "true")
	amir.do("POST", "/api/v1/statuses/"+local.ID+"/reblog", nil, nil)
	alice.post("after the narrow posts", "public")

	// Delivery: everything public arrives, so absences below are real.
	eventually(t, "the public posts reach N and P", func() bool {
		return hasContent(nina.home(), "after the narrow posts") == 1 && hasContent(pete.home(), "after the narrow posts") == 1
	})
	eventually(t, "the partner post reaches P", func() bool { return hasContent(pete.home(), "partner case") == 1 })
	if hasContent(pete.home(), "institution") != 0 {
		t.Fatal("P received an institution-only post")
	}
	for _, h := range [][]fedStatus{nina.home()} {
		if hasContent(h, "institution")+hasContent(h, "partner case") != 0 {
			t.Fatalf("N received a narrow post: %+v", h)
		}
	}
	for _, note := range nina.notifications() {
		if note.Status != nil && (strings.Contains(note.Status.Content, "secret") || strings.Contains(note.Status.Content, "partner case")) {
			t.Fatalf("N was notified of a narrow post: %+v", note)
		}
	}
	if !hasNotification(pete.notifications(), "mention", "alice@"+hostA) {
		t.Fatal("P's mentioned member was not notified of the partner post")
	}

	// ActivityPub GET, unsigned and signed by N's instance actor.
	for _, st := range []fedStatus{local, partner} {
		uri := "http://" + hostA + "/users/alice/statuses/" + st.ID
		for name, signer := range map[string]*fedInstance{"unsigned": nil, "signed by N": n} {
			if code, body := signedGet(t, signer, uri); code != 404 || strings.Contains(body, "secret") || strings.Contains(body, "partner case") {
				t.Errorf("%s GET of %s: %d %s", name, uri, code, body)
			}
		}
		if code, body := anonymousGet(t, "http://"+hostA+"/@alice/"+st.ID, "text/html"); code == 200 || strings.Contains(body, "secret") || strings.Contains(body, "partner case") {
			t.Errorf("HTML page of a narrow post: %d", code)
		}
	}
	if _, body := signedGet(t, nil, "http://"+hostA+"/users/alice/outbox?page=true"); strings.Contains(body, "secret") || strings.Contains(body, "partner case") {
		t.Error("the outbox lists a narrow post")
	}

	// Timelines, tag, context, search, as an anonymous reader of A and as N.
	anon := &fedClient{t: t, base: "http://" + hostA, name: "anonymous"}
	for _, path := range []string{"/api/v1/timelines/public", "/api/v1/timelines/tag/ward", "/api/v1/statuses/" + pub.ID + "/context",
		"/api/v1/accounts/" + accountID(t, alice) + "/statuses"} {
		for _, c := range []*fedClient{anon, nina} {
			if c == nina && !strings.HasPrefix(path, "/api/v1/timelines") {
				continue
			}
			var body []byte
			c.do("GET", path, nil, &rawJSON{&body})
			if s := string(body); strings.Contains(s, "institution") || strings.Contains(s, "partner case") {
				t.Errorf("%s GET %s leaks a narrow post", c.name, path)
			}
		}
	}
	var res struct{ Statuses []fedStatus }
	nina.do("GET", "/api/v2/search?resolve=true&type=statuses&q="+url.QueryEscape("http://"+hostA+"/users/alice/statuses/"+local.ID), nil, &res)
	if len(res.Statuses) != 0 {
		t.Fatalf("N's search resolved an institution-only post: %+v", res.Statuses)
	}
	// Members of A do see them (the control).
	if h := amir.home(); hasContent(h, "institution secret") == 0 {
		t.Fatal("a member of A cannot see the institution-only post")
	}
}

// rawJSON captures a response body through fedClient.do's decoder.
type rawJSON struct{ b *[]byte }

func (r *rawJSON) UnmarshalJSON(b []byte) error { *r.b = append([]byte(nil), b...); return nil }

func accountID(t *testing.T, c *fedClient) string {
	var me struct{ ID string }
	c.do("GET", "/api/v1/accounts/verify_credentials", nil, &me)
	return me.ID
}

package wellknown

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/testdb"
)

type fixture struct {
	srv  *httptest.Server
	host string
	svc  *federation.Service
}

// start serves the discovery routes on 127.0.0.1:0 over a fresh database,
// with the instance's host set to the bound address.
func start(t *testing.T) *fixture {
	t.Helper()
	db := testdb.Open(t) // SQLite, or PostgreSQL with ROUNDS_TEST_BACKEND=postgres
	srv := httptest.NewUnstartedServer(nil)
	host := srv.Listener.Addr().String()
	base := uris.New("http", host)
	r := mux.NewRouter()
	(&Handler{Store: db, Base: base, Info: Info{Name: "Test General", Description: "a test", Version: "0.1.0",
		Registrations: "open"}}).Register(r)
	srv.Config.Handler = r
	srv.Start()
	t.Cleanup(srv.Close)
	return &fixture{srv: srv, host: host, svc: federation.New(db, federation.Options{Base: base})}
}

func (f *fixture) create(t *testing.T, username string) *storage.Account {
	t.Helper()
	a, _, err := f.svc.CreateLocalAccount(context.Background(), federation.NewAccount{Username: username, Email: username + "@test.example"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *fixture) get(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func (f *fixture) finger(t *testing.T, resource string) (*http.Response, []byte) {
	t.Helper()
	return f.get(t, "/.well-known/webfinger?resource="+url.QueryEscape(resource))
}

func TestWebFingerFindsLocalAccounts(t *testing.T) {
	f := start(t)
	alice := f.create(t, "alice")
	for _, res := range []string{"acct:alice@" + f.host, "alice@" + f.host, "@alice@" + f.host, "acct:Alice@" + strings.ToUpper(f.host),
		alice.URI, alice.PublicKeyID} {
		resp, body := f.finger(t, res)
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d %s", res, resp.StatusCode, body)
			continue
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/jrd+json") {
			t.Errorf("%s: Content-Type %q", res, ct)
		}
		var doc jrd
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Subject != "acct:alice@"+f.host {
			t.Errorf("%s: subject %q", res, doc.Subject)
		}
		links := map[string]jrdLink{}
		for _, l := range doc.Links {
			links[l.Rel] = l
		}
		if l := links["self"]; l.Type != "application/activity+json" || l.Href != f.srv.URL+"/users/alice" {
			t.Errorf("%s: self link %+v", res, l)
		}
		if l := links["http://webfinger.net/rel/profile-page"]; l.Href != f.srv.URL+"/@alice" {
			t.Errorf("%s: profile link %+v", res, l)
		}
		if !strings.Contains(links["http://ostatus.org/schema/1.0/subscribe"].Template, "{uri}") {
			t.Errorf("%s: no subscribe template", res)
		}
	}
}

func TestWebFingerRefusals(t *testing.T) {
	f := start(t)
	f.create(t, "alice")
	suspended := f.create(t, "mallory")
	if _, err := f.svc.SuspendLocalAccount(context.Background(), suspended.Username); err != nil {
		t.Fatal(err)
	}
	cases := map[string]int{
		"acct:bob@" + f.host:                404,
		"acct:mallory@" + f.host:            404,
		"acct:alice@other.example":          404,
		"acct:alice@" + f.host + "0":        404,
		"https://other.example/users/alice": 404,
		f.srv.URL + "/users/bob":            404,
		"":                                  400,
		"garbage":                           400,
		"acct:":                             400,
		"acct:@" + f.host:                   400,
		"acct:alice@":                       400,
		"acct:a@b@c":                        400,
		"acct:al ice@" + f.host:             400,
		"acct:alice@" + f.host + "/x":       400,
		"mailto:alice@" + f.host:            404,
	}
	for res, want := range cases {
		resp, body := f.finger(t, res)
		var e map[string]string
		if resp.StatusCode != want || json.Unmarshal(body, &e) != nil || e["error"] == "" {
			t.Errorf("%q: %d %s, want %d with a JSON error", res, resp.StatusCode, body, want)
		}
	}
	resp, _ := f.get(t, "/.well-known/webfinger")
	if resp.StatusCode != 400 {
		t.Errorf("no resource parameter: %d, want 400", resp.StatusCode)
	}
}

func TestNodeInfo(t *testing.T) {
	f := start(t)
	f.create(t, "alice")
	f.create(t, "bob")
	if _, err := f.svc.InstanceActor(context.Background()); err != nil {
		t.Fatal(err)
	}

	resp, body := f.get(t, "/.well-known/nodeinfo")
	var index struct{ Links []struct{ Rel, Href string } }
	if resp.StatusCode != 200 || json.Unmarshal(body, &index) != nil || len(index.Links) != 2 {
		t.Fatalf("/.well-known/nodeinfo: %d %s", resp.StatusCode, body)
	}
	for _, l := range index.Links {
		ver := strings.TrimPrefix(l.Rel, "http://nodeinfo.diaspora.software/ns/schema/")
		if l.Href != f.srv.URL+"/nodeinfo/"+ver {
			t.Errorf("link %s → %s", l.Rel, l.Href)
		}
		resp, body := f.get(t, strings.TrimPrefix(l.Href, f.srv.URL))
		if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, `profile="`+l.Rel+`#"`) {
			t.Errorf("%s: Content-Type %q", l.Href, ct)
		}
		var doc struct {
			Version  string
			Software struct{ Name, Version, Repository string }
			Usage    struct {
				Users struct{ Total int }
			}
			OpenRegistrations bool
			Metadata          map[string]any
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Version != ver || doc.Software.Name != "rounds" || doc.Software.Version != "0.1.0" ||
			doc.Usage.Users.Total != 2 || !doc.OpenRegistrations || doc.Metadata["nodeName"] != "Test General" {
			t.Errorf("%s: %+v", l.Href, doc)
		}
		// NodeInfo 2.0's schema has no software.repository; 2.1 added it.
		if (doc.Software.Repository != "") != (ver == "2.1") {
			t.Errorf("%s: repository %q", ver, doc.Software.Repository)
		}
	}
}

func TestHostMeta(t *testing.T) {
	f := start(t)
	resp, body := f.get(t, "/.well-known/host-meta")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/xrd+xml") {
		t.Errorf("host-meta: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var xrd struct {
		Links []struct {
			Rel      string `xml:"rel,attr"`
			Template string `xml:"template,attr"`
		} `xml:"Link"`
	}
	if err := xml.Unmarshal(body, &xrd); err != nil {
		t.Fatalf("host-meta is not XML: %v\n%s", err, body)
	}
	if len(xrd.Links) != 1 || xrd.Links[0].Rel != "lrdd" || xrd.Links[0].Template != f.srv.URL+"/.well-known/webfinger?resource={uri}" {
		t.Errorf("host-meta links: %+v", xrd.Links)
	}
}

func FuzzParseResource(f *testing.F) {
	h := &Handler{Base: uris.New("https", "hospital-a.example")}
	for _, s := range []string{"acct:alice@hospital-a.example", "alice@hospital-a.example", "https://hospital-a.example/users/alice",
		"acct:a@b@c", "acct:@x", "", "garbage", "https://hospital-a.example/users/a/b", "acct:ALICE@HOSPITAL-A.EXAMPLE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, res string) {
		user, err := h.parseResource(res)
		if err != nil {
			if user != "" {
				t.Errorf("%q: error %v with username %q", res, err, user)
			}
			return
		}
		if user == "" {
			t.Errorf("%q: accepted with an empty username", res)
		}
		// An acct: resource names exactly one user, lowercased; an actor URL
		// is looked up as it stands.
		if !strings.HasPrefix(res, "https://") && (user != strings.ToLower(user) || strings.ContainsAny(user, "@/?# ")) {
			t.Errorf("%q: accepted with username %q", res, user)
		}
	})
}

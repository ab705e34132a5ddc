package mastodon

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/web/ap"
	"github.com/rounds-social/rounds/web/wellknown"
)

type searchOut struct {
	Accounts []accountOut `json:"accounts"`
	Statuses []statusOut  `json:"statuses"`
	Hashtags []struct {
		Name string `json:"name"`
		URL  string `json:"url"`
	} `json:"hashtags"`
}

func (u *user) search(t *testing.T, query url.Values) searchOut {
	t.Helper()
	var raw map[string]json.RawMessage
	r := u.get("/api/v2/search?"+query.Encode()).want(t, http.StatusOK, &raw)
	for _, k := range []string{"accounts", "statuses", "hashtags"} {
		if v, ok := raw[k]; !ok || v[0] != '[' {
			t.Errorf("%v: key %s = %s, want an array", query, k, v)
		}
	}
	var out searchOut
	r.want(t, http.StatusOK, &out)
	return out
}

func TestSearchLocal(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	st := alice.postStatus("Sepsis bundle audit #quality", "public")

	res := bob.search(t, url.Values{"q": {"ali"}})
	if len(res.Accounts) != 1 || res.Accounts[0].ID != alice.id() {
		t.Errorf("prefix search: %+v", res.Accounts)
	}
	res = bob.search(t, url.Values{"q": {"@alice@" + in.host}})
	if len(res.Accounts) != 1 || res.Accounts[0].ID != alice.id() {
		t.Errorf("own-host address without resolve: %+v", res.Accounts)
	}
	res = bob.search(t, url.Values{"q": {st.URI}, "type": {"statuses"}})
	if len(res.Statuses) != 1 || res.Statuses[0].ID != st.ID || len(res.Accounts) != 0 {
		t.Errorf("status URL: %+v", res)
	}
	res = bob.search(t, url.Values{"q": {"#Quality"}})
	if len(res.Hashtags) != 1 || res.Hashtags[0].Name != "quality" {
		t.Errorf("hashtag: %+v", res.Hashtags)
	}
	res = bob.search(t, url.Values{"q": {"ali"}, "type": {"hashtags"}})
	if len(res.Accounts) != 0 {
		t.Errorf("type=hashtags returned accounts %+v", res.Accounts)
	}
	// A failed resolution (private address, nobody there) is an empty result.
	res = bob.search(t, url.Values{"q": {"nobody@127.0.0.1:1"}, "resolve": {"true"}})
	if len(res.Accounts) != 0 {
		t.Errorf("unresolvable: %+v", res.Accounts)
	}
	res = bob.search(t, url.Values{"q": {"instance.actor"}})
	if len(res.Accounts) != 0 {
		t.Errorf("the instance actor is findable: %+v", res.Accounts)
	}
	in.newUser("rita", false, "read:statuses").get("/api/v2/search?q=ali").
		wantError(t, http.StatusForbidden, "This action is outside the authorized scopes")
}

// federated serves the ActivityPub and discovery routes as well, so another
// instance can resolve and follow its accounts.
func federated(r *mux.Router, svc *federation.Service) {
	(&wellknown.Handler{Store: svc.Store(), Base: svc.Base(), Info: wellknown.Info{Name: "Peer", Version: "0.1.0"}}).Register(r)
	ap.New(svc, ap.Options{}).Register(r)
}

func TestSearchResolvesRemoteAccount(t *testing.T) {
	t.Parallel()
	here, there := startInstance(t), startInstance(t, federated)
	bob, carol := here.newUser("bob", false), there.newUser("carol", false)
	addr := "@carol@" + there.host

	if res := bob.search(t, url.Values{"q": {addr}}); len(res.Accounts) != 0 {
		t.Errorf("without resolve=true nothing is fetched: %+v", res.Accounts)
	}
	res := bob.search(t, url.Values{"q": {addr}, "resolve": {"true"}})
	if len(res.Accounts) != 1 || res.Accounts[0].Acct != "carol@"+there.host {
		t.Fatalf("resolve: %+v", res.Accounts)
	}
	remote := res.Accounts[0]
	res = bob.search(t, url.Values{"q": {carol.acct.URI}, "resolve": {"true"}})
	if len(res.Accounts) != 1 || res.Accounts[0].ID != remote.ID {
		t.Errorf("actor URL: %+v", res.Accounts)
	}
	var rel relOut
	bob.post("/api/v1/accounts/"+remote.ID+"/follow", nil).want(t, http.StatusOK, &rel)
	if rel.Following || !rel.Requested {
		t.Errorf("remote follow before Accept: %+v", rel)
	}
}

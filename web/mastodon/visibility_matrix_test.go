package mastodon

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestPrivatePostsNeverLeak walks every read path of the API with a
// followers-only reply and a direct post, as a follower (may see the first),
// a mentioned user (may see both), a stranger and an anonymous reader (may
// see neither).
func TestPrivatePostsNeverLeak(t *testing.T) {
	in := startInstance(t)
	bob, alice, dave, carol := in.newUser("bob", false), in.newUser("alice", false), in.newUser("dave", false), in.newUser("carol", false)
	alice.post("/api/v1/accounts/"+bob.id()+"/follow", nil).want(t, 200, nil)
	pub := bob.postStatus("Ward round notes #ward", "public")
	var priv statusOut
	bob.post("/api/v1/statuses", map[string]any{"status": "followers only reply #ward", "visibility": "private",
		"in_reply_to_id": pub.ID}).want(t, 200, &priv)
	dm := bob.postStatus("@dave direct #ward question", "direct")

	paths := func(id string) []string {
		return []string{"/api/v1/statuses/" + id, "/api/v1/statuses/" + id + "/favourited_by",
			"/api/v1/statuses/" + id + "/reblogged_by", "/api/v1/statuses/" + id + "/history"}
	}
	lists := []string{"/api/v1/timelines/public", "/api/v1/timelines/tag/ward", "/api/v1/accounts/" + bob.id() + "/statuses",
		"/api/v1/statuses/" + pub.ID + "/context"}
	search := "/api/v2/search?resolve=true&q=" + url.QueryEscape(priv.URI)

	cases := []struct {
		name       string
		who        *user
		seePrivate bool
		seeDirect  bool
	}{
		{"follower", alice, true, false},
		{"mentioned", dave, false, true},
		{"stranger", carol, false, false},
		{"anonymous", nil, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for id, allowed := range map[string]bool{priv.ID: c.seePrivate, dm.ID: c.seeDirect} {
				for _, p := range paths(id) {
					want := http.StatusNotFound
					if allowed {
						want = http.StatusOK
					}
					if r := in.call(c.who, "GET", p, nil); r.status != want && !(r.status == 401 && !allowed) {
						t.Errorf("GET %s: %d, want %d", p, r.status, want)
					}
				}
			}
			for _, p := range lists {
				r := in.call(c.who, "GET", p, nil)
				body := string(r.body)
				if r.status != 200 && r.status != 401 {
					t.Errorf("GET %s: %d", p, r.status)
				}
				if strings.Contains(body, "direct #ward") {
					t.Errorf("GET %s leaks the direct post", p)
				}
				if !c.seePrivate && strings.Contains(body, "followers only reply") {
					t.Errorf("GET %s leaks the followers-only post", p)
				}
			}
			if c.who == nil {
				return
			}
			var res struct{ Statuses []statusOut }
			c.who.get(search).want(t, 200, &res)
			if !c.seePrivate && len(res.Statuses) > 0 {
				t.Errorf("search by URL leaks the followers-only post: %+v", res.Statuses)
			}
			for _, action := range []string{"favourite", "reblog", "bookmark"} {
				if r := c.who.post("/api/v1/statuses/"+dm.ID+"/"+action, nil); !c.seeDirect && r.status != 404 {
					t.Errorf("%s of the direct post: %d, want 404", action, r.status)
				}
			}
			home, _ := c.who.home("")
			for _, st := range home {
				if (st.ID == priv.ID && !c.seePrivate) || (st.ID == dm.ID && !c.seeDirect) {
					t.Errorf("home timeline leaks %s", st.ID)
				}
			}
		})
	}
	// The follower does get it, so the checks above can fail.
	home, _ := alice.home("")
	if !slices.Contains(ids(home), priv.ID) {
		t.Fatal("the follower's home lacks the followers-only post: the test proves nothing")
	}
}

// TestReadingPublicPostsNeedsNoToken: Mastodon serves public posts to
// anonymous readers; Rounds does too, and never the others.
func TestReadingPublicPostsNeedsNoToken(t *testing.T) {
	in := startInstance(t)
	bob := in.newUser("bob", false)
	pub, priv := bob.postStatus("public", "public"), bob.postStatus("private", "private")
	in.call(nil, "GET", "/api/v1/statuses/"+pub.ID, nil).want(t, 200, nil)
	in.call(nil, "GET", "/api/v1/statuses/"+priv.ID, nil).wantError(t, 404, "")
}

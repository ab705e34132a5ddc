package mastodon

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// stStatus adds the fields these tests look at to statusOut.
type stStatus struct {
	statusOut
	Bookmarked bool    `json:"bookmarked"`
	EditedAt   *string `json:"edited_at"`
}

type contextOut struct {
	Ancestors   []statusOut `json:"ancestors"`
	Descendants []statusOut `json:"descendants"`
}

func (u *user) stReply(to, text, visibility string) statusOut {
	u.in.t.Helper()
	var st statusOut
	u.post("/api/v1/statuses", map[string]any{"status": text, "visibility": visibility, "in_reply_to_id": to}).
		want(u.in.t, http.StatusOK, &st)
	return st
}

func (u *user) stFollow(other *user) {
	u.in.t.Helper()
	u.post("/api/v1/accounts/"+other.id()+"/follow", nil).want(u.in.t, http.StatusOK, nil)
}

// getContext fetches a thread as u (nil: anonymous).
func (in *instance) stContext(u *user, id string) contextOut {
	in.t.Helper()
	var c contextOut
	in.call(u, http.MethodGet, "/api/v1/statuses/"+id+"/context", nil).want(in.t, http.StatusOK, &c)
	return c
}

func TestStatusContext(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob, carol, eve := in.newUser("alice", false), in.newUser("bob", false), in.newUser("carol", false), in.newUser("eve", false)
	alice.stFollow(carol)
	root := alice.postStatus("Case: chest pain, 54M", "public")
	r1 := bob.stReply(root.ID, "Troponin?", "public")
	r2 := alice.stReply(root.ID, "ECG attached", "unlisted")
	r1a := carol.stReply(r1.ID, "Followers only: I saw him last week", "private")
	r1b := bob.stReply(r1.ID, "@alice direct: family asking", "direct")

	// Depth-first, each branch oldest first; every reply checked on its own.
	cases := []struct {
		name   string
		viewer *user
		want   []string
	}{
		{"author, follows carol, mentioned", alice, []string{r1.ID, r1a.ID, r1b.ID, r2.ID}},
		{"carol", carol, []string{r1.ID, r1a.ID, r2.ID}},
		{"stranger", eve, []string{r1.ID, r2.ID}},
		{"anonymous", nil, []string{r1.ID, r2.ID}},
	}
	for _, c := range cases {
		got := in.stContext(c.viewer, root.ID)
		if !slices.Equal(ids(got.Descendants), c.want) || len(got.Ancestors) != 0 {
			t.Errorf("%s: descendants %v, want %v; ancestors %v", c.name, ids(got.Descendants), c.want, ids(got.Ancestors))
		}
	}
	if got := in.stContext(carol, r1a.ID); !slices.Equal(ids(got.Ancestors), []string{root.ID, r1.ID}) || len(got.Descendants) != 0 {
		t.Errorf("carol's reply: ancestors %v descendants %v", ids(got.Ancestors), ids(got.Descendants))
	}
	raw := in.call(nil, http.MethodGet, "/api/v1/statuses/"+r2.ID+"/context", nil)
	if !strings.Contains(string(raw.body), `"descendants":[]`) {
		t.Errorf("empty descendants must be [], got %s", raw.body)
	}

	eve.get("/api/v1/statuses/"+r1a.ID+"/context").wantError(t, http.StatusNotFound, "Record not found")
	in.call(nil, http.MethodGet, "/api/v1/statuses/"+r1b.ID+"/context", nil).wantError(t, http.StatusNotFound, "Record not found")
	alice.get("/api/v1/statuses/999/context").wantError(t, http.StatusNotFound, "Record not found")
	in.call(nil, http.MethodGet, "/api/v1/statuses/"+root.ID+"/context", nil, "Authorization", "Bearer nope").
		wantError(t, http.StatusUnauthorized, "The access token is invalid")
	writer := in.newUser("writer", false, "write")
	writer.get("/api/v1/statuses/"+root.ID+"/context").wantError(t, http.StatusForbidden, "This action is outside")
}

func TestFavouritedAndRebloggedBy(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob, carol, eve := in.newUser("alice", false), in.newUser("bob", false), in.newUser("carol", false), in.newUser("eve", false)
	post := alice.postStatus("Journal club: SGLT2 inhibitors", "public")
	for _, u := range []*user{bob, carol} {
		u.post("/api/v1/statuses/"+post.ID+"/favourite", nil).want(t, http.StatusOK, nil)
	}
	var boost statusOut
	bob.post("/api/v1/statuses/"+post.ID+"/reblog", nil).want(t, http.StatusOK, &boost)

	var accts []accountOut
	r := in.call(nil, http.MethodGet, "/api/v1/statuses/"+post.ID+"/favourited_by?limit=1", nil).want(t, http.StatusOK, &accts)
	if len(accts) != 1 || accts[0].ID != carol.id() {
		t.Fatalf("first page %v, want carol (newest like first)", accts)
	}
	next := stLinkRel(t, r, "next")
	in.call(nil, http.MethodGet, next, nil).want(t, http.StatusOK, &accts)
	if len(accts) != 1 || accts[0].ID != bob.id() {
		t.Errorf("next page %v, want bob", accts)
	}
	// Through the boost too: likes live on the original.
	eve.get("/api/v1/statuses/"+boost.ID+"/reblogged_by").want(t, http.StatusOK, &accts)
	if len(accts) != 1 || accts[0].ID != bob.id() {
		t.Errorf("reblogged_by %v, want bob", accts)
	}

	private := alice.postStatus("Followers only: rota", "private")
	bob.stFollow(alice)
	bob.post("/api/v1/statuses/"+private.ID+"/favourite", nil).want(t, http.StatusOK, nil)
	bob.get("/api/v1/statuses/"+private.ID+"/favourited_by").want(t, http.StatusOK, &accts)
	if len(accts) != 1 {
		t.Errorf("follower sees %v", accts)
	}
	for _, path := range []string{"/favourited_by", "/reblogged_by"} {
		eve.get("/api/v1/statuses/"+private.ID+path).wantError(t, http.StatusNotFound, "Record not found")
		in.call(nil, http.MethodGet, "/api/v1/statuses/"+private.ID+path, nil).wantError(t, http.StatusNotFound, "Record not found")
		eve.get("/api/v1/statuses/123"+path).wantError(t, http.StatusNotFound, "Record not found")
	}
}

// linkRel returns the path and query of one rel of a reply's Link header.
func stLinkRel(t *testing.T, r *reply, rel string) string {
	t.Helper()
	for _, part := range strings.Split(r.header.Get("Link"), ", ") {
		u, params, ok := strings.Cut(part, ">; ")
		if ok && params == `rel="`+rel+`"` {
			u = strings.TrimPrefix(u, "<")
			if i := strings.Index(u, "/api/"); i >= 0 {
				return u[i:]
			}
		}
	}
	t.Fatalf("no rel=%q in Link %q", rel, r.header.Get("Link"))
	return ""
}

package mastodon

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// The Status keys of research §7.14, every one always present.
var statusKeys = []string{"id", "uri", "url", "created_at", "edited_at", "account", "content", "visibility", "sensitive",
	"spoiler_text", "media_attachments", "application", "mentions", "tags", "emojis", "reblogs_count", "favourites_count",
	"replies_count", "in_reply_to_id", "in_reply_to_account_id", "reblog", "poll", "card", "language", "text",
	"favourited", "reblogged", "muted", "bookmarked", "pinned", "filtered", "local_only", "audience"}

func TestPostGetAndHome(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	r := alice.post("/api/v1/statuses", map[string]any{"status": "Grand rounds at noon #cardiology", "language": "en"})
	var raw map[string]json.RawMessage
	r.want(t, http.StatusOK, &raw)
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := slices.Sorted(slices.Values(statusKeys))
	if !slices.Equal(keys, want) {
		t.Errorf("status keys\n got %v\nwant %v", keys, want)
	}
	for _, k := range []string{"media_attachments", "mentions", "emojis", "filtered"} {
		if string(raw[k]) != "[]" {
			t.Errorf("%s = %s, want []", k, raw[k])
		}
	}
	if string(raw["application"]) != `{"name":"Web","website":null}` || string(raw["text"]) != "null" {
		t.Errorf("application %s text %s", raw["application"], raw["text"])
	}
	var st statusOut
	r.want(t, http.StatusOK, &st)
	if st.Visibility != "public" || st.Language == nil || *st.Language != "en" || st.Account.ID != alice.id() ||
		len(st.Tags) != 1 || st.Tags[0].Name != "cardiology" || !strings.Contains(st.Content, "Grand rounds") {
		t.Errorf("posted status %+v", st)
	}
	var got statusOut
	alice.get("/api/v1/statuses/"+st.ID).want(t, http.StatusOK, &got)
	if got.ID != st.ID || got.Content != st.Content {
		t.Errorf("GET status = %+v, want %+v", got, st)
	}
	home, _ := alice.home("")
	if len(home) != 1 || home[0].ID != st.ID {
		t.Errorf("home = %v, want [%s]", ids(home), st.ID)
	}
}

// Clients send parameters as JSON, urlencoded and multipart forms, or in
// the query string; all must work the same.
func TestPostParameterShapes(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	check := func(name string, r *reply) {
		t.Helper()
		var st statusOut
		r.want(t, http.StatusOK, &st)
		if !strings.Contains(st.Content, name) || st.Visibility != "unlisted" || !st.Sensitive || st.SpoilerText != "cw" {
			t.Errorf("%s: %+v", name, st)
		}
	}
	check("json", alice.post("/api/v1/statuses", map[string]any{"status": "json", "visibility": "unlisted",
		"sensitive": true, "spoiler_text": "cw"}))
	check("form", alice.post("/api/v1/statuses", form{"status": {"form"}, "visibility": {"unlisted"},
		"sensitive": {"1"}, "spoiler_text": {"cw"}}))
	check("query", alice.post("/api/v1/statuses?status=query&visibility=unlisted&sensitive=true&spoiler_text=cw", nil))

	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{"status": "multipart", "visibility": "unlisted", "sensitive": "true", "spoiler_text": "cw"} {
		_ = mw.WriteField(k, v)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, in.srv.URL+"/api/v1/statuses", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+alice.token)
	check("multipart", in.send(req))
}

func TestParamsList(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"id[]=1&id[]=2":   {"1", "2"},
		"id=1&id=2":       {"1", "2"},
		"id=1":            {"1"},
		"id[1]=2&id[0]=1": {"1", "2"},
	}
	for q, want := range cases {
		v, _ := url.ParseQuery(q)
		if got := params(v).list("id"); !slices.Equal(got, want) {
			t.Errorf("%s: list = %v, want %v", q, got, want)
		}
	}
	p, err := jsonParams([]byte(`{"id":["1","2"],"home":{"last_read_id":"5"},"n":12345678901234567890,"b":false}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := params(p).list("id"); !slices.Equal(got, []string{"1", "2"}) {
		t.Errorf("JSON array: %v", got)
	}
	if p.Get("home[last_read_id]") != "5" || p.Get("n") != "12345678901234567890" || params(p).boolean("b") {
		t.Errorf("JSON flatten: %v", p)
	}
}

func TestHomePaginationLinks(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	var posted []string // oldest first
	for i := range 5 {
		posted = append(posted, alice.postStatus("note "+string(rune('a'+i)), "").ID)
	}
	page, r := alice.home("?limit=2")
	if !slices.Equal(ids(page), []string{posted[4], posted[3]}) {
		t.Fatalf("first page %v", ids(page))
	}
	base := in.srv.URL + "/api/v1/timelines/home"
	wantLink := "<" + base + "?limit=2&max_id=" + posted[3] + `>; rel="next", <` + base + "?limit=2&min_id=" + posted[4] + `>; rel="prev"`
	if got := r.header.Get("Link"); got != wantLink {
		t.Errorf("Link\n got %s\nwant %s", got, wantLink)
	}
	page, _ = alice.home("?limit=2&max_id=" + posted[3])
	if !slices.Equal(ids(page), []string{posted[2], posted[1]}) {
		t.Errorf("next page %v", ids(page))
	}
	// min_id: the items just above the cursor, still newest first.
	page, _ = alice.home("?limit=2&min_id=" + posted[0])
	if !slices.Equal(ids(page), []string{posted[2], posted[1]}) {
		t.Errorf("min_id page %v, want [%s %s]", ids(page), posted[2], posted[1])
	}
	// since_id: the newest items above the cursor.
	page, _ = alice.home("?limit=2&since_id=" + posted[0])
	if !slices.Equal(ids(page), []string{posted[4], posted[3]}) {
		t.Errorf("since_id page %v", ids(page))
	}
	page, r = alice.home("?min_id=" + posted[4])
	if len(page) != 0 || r.header.Get("Link") != "" {
		t.Errorf("empty page: %v, Link %q", ids(page), r.header.Get("Link"))
	}
	_, r = alice.home("?limit=2&access_token=" + alice.token)
	if strings.Contains(r.header.Get("Link"), "access_token") {
		t.Errorf("Link leaks the token: %s", r.header.Get("Link"))
	}
	page, _ = alice.home("?limit=1000")
	if len(page) != 5 {
		t.Errorf("limit clamp: %d items", len(page))
	}
}

func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	body := map[string]any{"status": "Handover at 7"}
	var first, again, other statusOut
	alice.post("/api/v1/statuses", body, "Idempotency-Key", "k1").want(t, http.StatusOK, &first)
	alice.post("/api/v1/statuses", body, "Idempotency-Key", "k1").want(t, http.StatusOK, &again)
	bob.post("/api/v1/statuses", body, "Idempotency-Key", "k1").want(t, http.StatusOK, &other)
	if first.ID != again.ID || other.ID == first.ID {
		t.Errorf("ids %s %s (bob %s): a repeat must return the same status, another account a new one", first.ID, again.ID, other.ID)
	}
	// Concurrent retries with one key publish once.
	var wg sync.WaitGroup
	replies := make([]*reply, 4)
	for i := range replies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replies[i] = alice.post("/api/v1/statuses", body, "Idempotency-Key", "k2")
		}()
	}
	wg.Wait()
	got := make([]statusOut, len(replies))
	for i, r := range replies {
		r.want(t, http.StatusOK, &got[i])
	}
	for _, s := range got {
		if s.ID != got[0].ID {
			t.Errorf("concurrent ids differ: %s vs %s", s.ID, got[0].ID)
		}
	}
	if home, _ := alice.home(""); len(home) != 2 {
		t.Errorf("home has %d posts, want 2", len(home))
	}
}

func TestFavouriteAndReblog(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	orig := alice.postStatus("Case conference slides are up", "public")
	path := "/api/v1/statuses/" + orig.ID
	var st statusOut
	bob.post(path+"/favourite", nil).want(t, http.StatusOK, &st)
	if !st.Favourited || st.FavouritesCount != 1 {
		t.Errorf("after favourite: %+v", st)
	}
	var boost statusOut
	bob.post(path+"/reblog", nil).want(t, http.StatusOK, &boost)
	if boost.ID == orig.ID || boost.Reblog == nil || boost.Reblog.ID != orig.ID || !boost.Reblogged ||
		!boost.Reblog.Reblogged || boost.Reblog.ReblogsCount != 1 || boost.Account.ID != bob.id() || boost.Content != "" {
		t.Errorf("reblog = %+v", boost)
	}
	bob.get(path).want(t, http.StatusOK, &st)
	if !st.Favourited || !st.Reblogged {
		t.Errorf("bob's view: %+v", st)
	}
	alice.get(path).want(t, http.StatusOK, &st)
	if st.Favourited || st.Reblogged || st.FavouritesCount != 1 || st.ReblogsCount != 1 {
		t.Errorf("alice's view: %+v", st)
	}
	bob.post(path+"/unfavourite", nil).want(t, http.StatusOK, &st)
	if st.Favourited || st.FavouritesCount != 0 {
		t.Errorf("after unfavourite: %+v", st)
	}
	bob.post(path+"/unreblog", nil).want(t, http.StatusOK, &st)
	if st.ID != orig.ID || st.Reblogged || st.ReblogsCount != 0 {
		t.Errorf("after unreblog: %+v", st)
	}
	bob.get("/api/v1/statuses/"+boost.ID).wantError(t, http.StatusNotFound, "Record not found")
}

func TestDeleteStatus(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	st := alice.postStatus("Wrong ward, reposting", "public")
	bob.call(http.MethodDelete, "/api/v1/statuses/"+st.ID).wantError(t, http.StatusNotFound, "Record not found")
	var gone statusOut
	alice.call(http.MethodDelete, "/api/v1/statuses/"+st.ID).want(t, http.StatusOK, &gone)
	if gone.ID != st.ID || gone.Text == nil || *gone.Text != "Wrong ward, reposting" {
		t.Errorf("deleted = %+v", gone)
	}
	alice.get("/api/v1/statuses/"+st.ID).wantError(t, http.StatusNotFound, "Record not found")
	if home, _ := alice.home(""); len(home) != 0 {
		t.Errorf("home still has %v", ids(home))
	}
}

func TestReplyAndBadReplyTarget(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	parent := alice.postStatus("Anyone covering bed 4?", "public")
	var reply statusOut
	bob.post("/api/v1/statuses", map[string]any{"status": "I am", "in_reply_to_id": parent.ID}).want(t, http.StatusOK, &reply)
	if reply.InReplyToID == nil || *reply.InReplyToID != parent.ID || len(reply.Mentions) != 1 || reply.Mentions[0].ID != alice.id() {
		t.Errorf("reply = %+v", reply)
	}
	var st statusOut
	alice.get("/api/v1/statuses/"+parent.ID).want(t, http.StatusOK, &st)
	if st.RepliesCount != 1 {
		t.Errorf("replies_count = %d", st.RepliesCount)
	}
	for _, bad := range []string{"999", "abc"} {
		bob.post("/api/v1/statuses", map[string]any{"status": "x", "in_reply_to_id": bad}).wantError(t, http.StatusNotFound, "Record not found")
	}
}

func (u *user) call(method, path string) *reply {
	u.in.t.Helper()
	return u.in.call(u, method, path, nil)
}

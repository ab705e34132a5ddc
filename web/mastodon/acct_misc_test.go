package mastodon

import (
	"net/http"
	"testing"
)

type markerOut struct {
	LastReadID string `json:"last_read_id"`
	Version    int    `json:"version"`
	UpdatedAt  string `json:"updated_at"`
}

func TestMarkers(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	var got map[string]markerOut
	alice.get("/api/v1/markers?timeline[]=home&timeline[]=notifications").want(t, http.StatusOK, &got)
	if got == nil || len(got) != 0 {
		t.Errorf("markers before any save = %v, want {}", got)
	}
	// Tusky posts a form, masto.js JSON; both land on the same marker.
	alice.post("/api/v1/markers", form{"home[last_read_id]": {"1234"}}).want(t, http.StatusOK, &got)
	if m := got["home"]; m.LastReadID != "1234" || m.Version != 0 || len(m.UpdatedAt) != len(timeFormat) {
		t.Errorf("first save = %+v", got)
	}
	alice.post("/api/v1/markers", map[string]any{"home": map[string]string{"last_read_id": "5678"},
		"notifications": map[string]string{"last_read_id": "42"}}).want(t, http.StatusOK, &got)
	if got["home"].Version != 1 || got["notifications"].LastReadID != "42" {
		t.Errorf("second save = %+v", got)
	}
	got = nil // Unmarshal merges into a map it is given
	alice.get("/api/v1/markers?timeline=notifications").want(t, http.StatusOK, &got)
	if len(got) != 1 || got["notifications"].LastReadID != "42" {
		t.Errorf("notifications marker = %+v", got)
	}
	alice.post("/api/v1/markers", form{"home[last_read_id]": {"abc"}}).wantError(t, http.StatusUnprocessableEntity, "Validation failed")
	checkAuthErrors(t, in, http.MethodGet, "/api/v1/markers", nil, in.newUser("writer", false, "write"))
	checkAuthErrors(t, in, http.MethodPost, "/api/v1/markers", form{"home[last_read_id]": {"1"}}, in.newUser("reader", false, "read"))
}

type filterOut struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Context      []string `json:"context"`
	ExpiresAt    *string  `json:"expires_at"`
	FilterAction string   `json:"filter_action"`
	Keywords     []struct {
		ID        string `json:"id"`
		Keyword   string `json:"keyword"`
		WholeWord bool   `json:"whole_word"`
	} `json:"keywords"`
	Statuses []any `json:"statuses"`
}

func TestFilters(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	var list []filterOut
	alice.get("/api/v2/filters").want(t, http.StatusOK, &list)
	if list == nil || len(list) != 0 {
		t.Fatalf("filters before any = %v", list)
	}
	var f filterOut
	alice.post("/api/v2/filters", map[string]any{"title": "Spoilers", "context": []string{"home", "public"},
		"filter_action": "hide", "expires_in": 3600,
		"keywords_attributes": []map[string]any{{"keyword": "finale"}, {"keyword": "ending", "whole_word": false}}}).want(t, http.StatusOK, &f)
	if f.Title != "Spoilers" || len(f.Context) != 2 || f.FilterAction != "hide" || f.ExpiresAt == nil || f.Statuses == nil ||
		len(f.Keywords) != 2 || !f.Keywords[0].WholeWord || f.Keywords[1].WholeWord {
		t.Errorf("created %+v", f)
	}
	var g filterOut
	alice.post("/api/v2/filters", form{"title": {"Politics"}, "context[]": {"notifications"},
		"keywords_attributes[][keyword]": {"election", "vote"}, "keywords_attributes[][whole_word]": {"1", "0"}}).want(t, http.StatusOK, &g)
	if g.FilterAction != "warn" || len(g.Keywords) != 2 || g.Keywords[1].Keyword != "vote" || g.Keywords[1].WholeWord {
		t.Errorf("form-created %+v", g)
	}
	alice.get("/api/v2/filters/"+f.ID).want(t, http.StatusOK, &g)
	if g.ID != f.ID || len(g.Keywords) != 2 {
		t.Errorf("get = %+v", g)
	}
	var v1 []map[string]any
	alice.get("/api/v1/filters").want(t, http.StatusOK, &v1)
	if len(v1) != 4 || v1[0]["phrase"] != "finale" || v1[0]["irreversible"] != true {
		t.Errorf("v1 filters = %v", v1)
	}
	bob.get("/api/v2/filters/"+f.ID).wantError(t, http.StatusNotFound, "Record not found")
	in.call(bob, http.MethodDelete, "/api/v2/filters/"+f.ID, nil).wantError(t, http.StatusNotFound, "Record not found")
	in.call(alice, http.MethodDelete, "/api/v2/filters/"+f.ID, nil).want(t, http.StatusOK, nil)
	alice.get("/api/v2/filters/"+f.ID).wantError(t, http.StatusNotFound, "Record not found")
	alice.get("/api/v2/filters").want(t, http.StatusOK, &list)
	if len(list) != 1 {
		t.Errorf("filters after delete = %+v", list)
	}
}

func TestFilterErrors(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	for name, body := range map[string]form{
		"no title":     {"context[]": {"home"}},
		"no context":   {"title": {"x"}},
		"bad context":  {"title": {"x"}, "context[]": {"everywhere"}},
		"bad action":   {"title": {"x"}, "context[]": {"home"}, "filter_action": {"delete"}},
		"bad expiry":   {"title": {"x"}, "context[]": {"home"}, "expires_in": {"-5"}},
		"empty phrase": {"title": {"x"}, "context[]": {"home"}, "keywords_attributes[0][keyword]": {" "}},
	} {
		t.Run(name, func(t *testing.T) {
			alice.post("/api/v2/filters", body).wantError(t, http.StatusUnprocessableEntity, "Validation failed")
		})
	}
	checkAuthErrors(t, in, http.MethodGet, "/api/v2/filters", nil, in.newUser("writer", false, "write"))
	checkAuthErrors(t, in, http.MethodPost, "/api/v2/filters", form{"title": {"x"}, "context[]": {"home"}}, in.newUser("reader", false, "read"))
}

// The tier-C endpoints exist and answer empty arrays, never 404 or null.
func TestEmptyListsAndInstanceExtras(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	for _, path := range []string{"/api/v1/custom_emojis", "/api/v1/announcements", "/api/v1/trends", "/api/v1/trends/tags",
		"/api/v1/trends/statuses", "/api/v1/trends/links", "/api/v1/instance/rules", "/api/v1/instance/peers"} {
		var list []any
		in.anon(path).want(t, http.StatusOK, &list)
		if list == nil || len(list) != 0 {
			t.Errorf("%s = %v, want []", path, list)
		}
	}
	for _, path := range []string{"/api/v1/suggestions", "/api/v2/suggestions"} {
		in.anon(path).wantError(t, http.StatusUnauthorized, "The access token is invalid")
		alice.get(path).want(t, http.StatusOK, nil)
	}
	in.remoteActor("rita", "remote.example")
	in.remoteActor("rob", "remote.example")
	in.remoteActor("ola", "other.example")
	var peers []string
	in.anon("/api/v1/instance/peers").want(t, http.StatusOK, &peers)
	if len(peers) != 2 || peers[0] != "other.example" || peers[1] != "remote.example" {
		t.Errorf("peers = %v", peers)
	}
	in.anon("/api/v1/preferences").wantError(t, http.StatusUnauthorized, "The access token is invalid")
	in.call(in.newUser("writer", false, "write"), http.MethodGet, "/api/v1/preferences", nil).wantError(t, http.StatusForbidden, "This action")
	var prefs map[string]any
	alice.get("/api/v1/preferences").want(t, http.StatusOK, &prefs)
	if prefs["posting:default:visibility"] != "public" || prefs["posting:default:language"] != nil || len(prefs) != 5 {
		t.Errorf("default preferences = %v", prefs)
	}
}

package mastodon

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestErrors(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	reader := in.newUser("rita", false, "read")
	st := alice.postStatus("hello", "")

	in.call(nil, http.MethodPost, "/api/v1/statuses", map[string]any{"status": "x"}).
		wantError(t, http.StatusUnauthorized, "The access token is invalid")
	in.call(&user{token: "not-a-token", in: in}, http.MethodGet, "/api/v1/timelines/home", nil).
		wantError(t, http.StatusUnauthorized, "The access token is invalid")
	reader.post("/api/v1/statuses", map[string]any{"status": "x"}).
		wantError(t, http.StatusForbidden, "This action is outside the authorized scopes")
	reader.get("/api/v1/statuses/"+st.ID).want(t, http.StatusOK, nil)

	for _, path := range []string{"/api/v1/statuses/999", "/api/v1/statuses/abc", "/api/v1/statuses/99999999999999999999"} {
		alice.get(path).wantError(t, http.StatusNotFound, "Record not found")
	}
	alice.post("/api/v1/statuses/999/favourite", nil).wantError(t, http.StatusNotFound, "Record not found")
	alice.post("/api/v1/follow_requests/999/authorize", nil).wantError(t, http.StatusNotFound, "Record not found")

	alice.post("/api/v1/statuses", map[string]any{"status": "   "}).
		wantError(t, http.StatusUnprocessableEntity, "Validation failed: Text can't be blank")
	alice.post("/api/v1/statuses", map[string]any{"status": "x", "visibility": "everyone"}).
		wantError(t, http.StatusUnprocessableEntity, "Validation failed: Visibility")
	alice.post("/api/v1/statuses", map[string]any{"status": strings.Repeat("a", 5001)}).
		wantError(t, http.StatusUnprocessableEntity, "Validation failed: Text character limit")

	req, _ := http.NewRequest(http.MethodPost, in.srv.URL+"/api/v1/statuses", strings.NewReader(`{"status": `))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+alice.token)
	in.send(req).wantError(t, http.StatusUnprocessableEntity, "Invalid JSON")
}

func TestIdempotencyCacheBounds(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	c := newIdempotency(time.Hour, 2)
	c.now = func() time.Time { return now }
	ctx := context.Background()
	remember := func(key string, id int64) {
		t.Helper()
		k := idemKey{1, key}
		_, found, e, err := c.claim(ctx, k)
		if err != nil || found {
			t.Fatalf("claim %s: found=%v err=%v", key, found, err)
		}
		c.finish(k, e, id)
	}
	lookup := func(key string) (int64, bool) {
		id, found, e, _ := c.claim(ctx, idemKey{1, key})
		if !found {
			c.finish(idemKey{1, key}, e, 0) // release the reservation the miss made
		}
		return id, found
	}
	remember("a", 10)
	if id, ok := lookup("a"); !ok || id != 10 {
		t.Errorf("a = %d, %v", id, ok)
	}
	remember("b", 11)
	remember("c", 12)
	if _, ok := lookup("a"); ok {
		t.Error("the oldest key survived a full cache")
	}
	now = now.Add(2 * time.Hour)
	if _, ok := lookup("c"); ok {
		t.Error("a key outlived its hour")
	}
	if len(c.byKey) != 0 {
		t.Errorf("%d keys left after expiry", len(c.byKey))
	}
	k := idemKey{1, "failed"}
	_, _, e, _ := c.claim(ctx, k)
	c.finish(k, e, 0)
	if _, ok := lookup("failed"); ok {
		t.Error("a failed POST's key must be released for a retry")
	}
}

package mastodon

import (
	"net/http"
	"testing"
)

type listOut struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	RepliesPolicy string `json:"replies_policy"`
	Exclusive     bool   `json:"exclusive"`
}

func TestLists(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob, carol := in.newUser("alice", false), in.newUser("bob", false), in.newUser("carol", false)
	alice.post("/api/v1/accounts/"+bob.id()+"/follow", nil).want(t, http.StatusOK, nil)
	var l listOut
	alice.post("/api/v1/lists", form{"title": {"Cardiology"}}).want(t, http.StatusOK, &l)
	if l.ID == "" || l.Title != "Cardiology" || l.RepliesPolicy != "list" || l.Exclusive {
		t.Fatalf("created %+v", l)
	}
	path := "/api/v1/lists/" + l.ID
	in.call(alice, http.MethodPut, path, map[string]any{"title": "Cardio", "replies_policy": "followed", "exclusive": true}).want(t, http.StatusOK, &l)
	if l.Title != "Cardio" || l.RepliesPolicy != "followed" || !l.Exclusive {
		t.Errorf("updated %+v", l)
	}
	var lists []listOut
	alice.get("/api/v1/lists").want(t, http.StatusOK, &lists)
	if len(lists) != 1 || lists[0].ID != l.ID {
		t.Errorf("lists = %+v", lists)
	}
	alice.post(path+"/accounts", form{"account_ids[]": {bob.id()}}).want(t, http.StatusOK, nil)
	alice.post(path+"/accounts", form{"account_ids[]": {carol.id()}}).wantError(t, http.StatusUnprocessableEntity, "Validation failed")
	alice.post(path+"/accounts", form{"account_ids[]": {"999"}}).wantError(t, http.StatusNotFound, "Record not found")
	alice.post(path+"/accounts", nil).wantError(t, http.StatusUnprocessableEntity, "Validation failed")
	var members []accountOut
	alice.get(path+"/accounts").want(t, http.StatusOK, &members)
	if len(members) != 1 || members[0].ID != bob.id() {
		t.Errorf("members = %+v", members)
	}
	alice.get("/api/v1/accounts/"+bob.id()+"/lists").want(t, http.StatusOK, &lists)
	if len(lists) != 1 || lists[0].ID != l.ID {
		t.Errorf("bob's lists = %+v", lists)
	}
	ids, err := in.store.ListAccountIDs(t.Context(), mustID(t, l.ID))
	if err != nil || len(ids) != 1 || ids[0] != bob.acct.ID {
		t.Errorf("ListAccountIDs = %v, %v", ids, err)
	}
	in.call(alice, http.MethodDelete, path+"/accounts?account_ids[]="+bob.id(), nil).want(t, http.StatusOK, nil)
	alice.get(path+"/accounts").want(t, http.StatusOK, &members)
	if len(members) != 0 {
		t.Errorf("members after removal = %+v", members)
	}
	// Someone else's list does not exist for bob.
	bob.get(path).wantError(t, http.StatusNotFound, "Record not found")
	in.call(bob, http.MethodDelete, path, nil).wantError(t, http.StatusNotFound, "Record not found")
	in.call(alice, http.MethodDelete, path, nil).want(t, http.StatusOK, nil)
	alice.get(path).wantError(t, http.StatusNotFound, "Record not found")
}

func TestListErrors(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	alice.post("/api/v1/lists", form{"title": {"  "}}).wantError(t, http.StatusUnprocessableEntity, "Validation failed")
	alice.post("/api/v1/lists", form{"title": {"x"}, "replies_policy": {"everyone"}}).wantError(t, http.StatusUnprocessableEntity, "Validation failed")
	in.call(alice, http.MethodPut, "/api/v1/lists/999", form{"title": {"x"}}).wantError(t, http.StatusNotFound, "Record not found")
	checkAuthErrors(t, in, http.MethodGet, "/api/v1/lists", nil, in.newUser("writer", false, "write"))
	checkAuthErrors(t, in, http.MethodPost, "/api/v1/lists", form{"title": {"x"}}, in.newUser("reader", false, "read"))
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id := cursor(s)
	if id == 0 {
		t.Fatalf("bad id %q", s)
	}
	return id
}

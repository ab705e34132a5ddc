package mastodon

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/rounds-social/rounds/storage"
)

func TestSingleNotificationEndpoints(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob, carol := in.newUser("alice", false), in.newUser("bob", false), in.newUser("carol", false)
	bob.stFollow(alice)
	carol.stFollow(alice)
	post := alice.postStatus("Lunch talk today", "public")
	bob.post("/api/v1/statuses/"+post.ID+"/favourite", nil).want(t, http.StatusOK, nil)

	all, _ := alice.notifications("")
	if !slices.Equal(types(all), []string{"favourite", "follow", "follow"}) {
		t.Fatalf("notifications %v", types(all))
	}
	fromBob, _ := alice.notifications("?account_id=" + bob.id())
	if len(fromBob) != 2 || fromBob[0].Account.ID != bob.id() || fromBob[1].Account.ID != bob.id() {
		t.Errorf("account_id filter: %+v", fromBob)
	}
	if list, _ := alice.notifications("?account_id=" + bob.id() + "&exclude_types[]=favourite"); !slices.Equal(types(list), []string{"follow"}) {
		t.Errorf("account_id with exclude_types: %v", types(list))
	}
	alice.get("/api/v1/notifications?account_id=bob").wantError(t, http.StatusUnprocessableEntity, "Validation failed")

	var one notificationOut
	alice.get("/api/v1/notifications/"+all[0].ID).want(t, http.StatusOK, &one)
	if one.ID != all[0].ID || one.Type != "favourite" || one.Status == nil || one.Status.ID != post.ID {
		t.Errorf("single notification %+v", one)
	}
	bob.get("/api/v1/notifications/"+all[0].ID).wantError(t, http.StatusNotFound, "Record not found")
	alice.get("/api/v1/notifications/12345").wantError(t, http.StatusNotFound, "Record not found")

	bob.post("/api/v1/notifications/"+all[0].ID+"/dismiss", nil).wantError(t, http.StatusNotFound, "Record not found")
	if r := alice.post("/api/v1/notifications/"+all[0].ID+"/dismiss", nil).want(t, http.StatusOK, nil); string(r.body) != "{}" {
		t.Errorf("dismiss answered %s", r.body)
	}
	alice.post("/api/v1/notifications/dismiss", form{"id": {all[1].ID}}).want(t, http.StatusOK, nil)
	if list, _ := alice.notifications(""); len(list) != 1 || list[0].ID != all[2].ID {
		t.Errorf("after dismissing two: %v", types(list))
	}
	alice.get("/api/v1/notifications/"+all[0].ID).wantError(t, http.StatusNotFound, "Record not found")

	reader := in.newUser("reader", false, "read")
	reader.post("/api/v1/notifications/clear", nil).wantError(t, http.StatusForbidden, "This action is outside")
	in.call(nil, http.MethodPost, "/api/v1/notifications/clear", nil).wantError(t, http.StatusUnauthorized, "The access token")
	alice.post("/api/v1/notifications/clear", nil).want(t, http.StatusOK, nil)
	if list, _ := alice.notifications(""); len(list) != 0 {
		t.Errorf("after clear: %v", types(list))
	}
}

// A single notification about a post the recipient may not see is
// answered as unknown, and shown once they may.
func TestSingleNotificationHidesInvisibleStatus(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	private := alice.postStatus("Followers only: rota swap", "private")
	n := &storage.Notification{AccountID: bob.acct.ID, FromAccountID: alice.acct.ID, Type: storage.NotifyStatus,
		StatusID: cursor(private.ID)}
	if err := in.store.CreateNotification(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/notifications/" + storage.FormatID(n.ID)
	bob.get(path).wantError(t, http.StatusNotFound, "Record not found")
	bob.stFollow(alice)
	bob.get(path).want(t, http.StatusOK, nil)
}

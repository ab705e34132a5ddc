package mastodon

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/rounds-social/rounds/storage"
)

type notificationOut struct {
	ID        string     `json:"id"`
	Type      string     `json:"type"`
	CreatedAt string     `json:"created_at"`
	Account   accountOut `json:"account"`
	Status    *statusOut `json:"status"`
}

func (u *user) notifications(query string) ([]notificationOut, *reply) {
	u.in.t.Helper()
	var list []notificationOut
	r := u.get("/api/v1/notifications"+query).want(u.in.t, http.StatusOK, &list)
	return list, r
}

func types(list []notificationOut) []string {
	out := make([]string, len(list))
	for i, n := range list {
		out[i] = n.Type
	}
	return out
}

func TestNotifications(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	bob.post("/api/v1/accounts/"+alice.id()+"/follow", nil).want(t, http.StatusOK, nil)
	mention := bob.postStatus("@alice can you review the ECG?", "public")
	post := alice.postStatus("Reviewed, sinus rhythm", "public")
	bob.post("/api/v1/statuses/"+post.ID+"/favourite", nil).want(t, http.StatusOK, nil)
	bob.post("/api/v1/statuses/"+post.ID+"/reblog", nil).want(t, http.StatusOK, nil)

	all, r := alice.notifications("")
	if want := []string{"reblog", "favourite", "mention", "follow"}; !slices.Equal(types(all), want) {
		t.Fatalf("types %v, want %v", types(all), want)
	}
	for _, n := range all {
		if n.Account.ID != bob.id() || len(n.CreatedAt) != len("2006-01-02T15:04:05.000Z") {
			t.Errorf("notification %+v", n)
		}
		if (n.Type == "follow") != (n.Status == nil) {
			t.Errorf("%s: status %v", n.Type, n.Status)
		}
	}
	if all[2].Status.ID != mention.ID || all[0].Status.ID != post.ID {
		t.Errorf("statuses: mention %s, reblog %s", all[2].Status.ID, all[0].Status.ID)
	}
	if r.header.Get("Link") == "" {
		t.Error("no Link header")
	}

	only, _ := alice.notifications("?types[]=mention")
	if !slices.Equal(types(only), []string{"mention"}) {
		t.Errorf("types[]=mention: %v", types(only))
	}
	rest, _ := alice.notifications("?exclude_types[]=follow&exclude_types[]=mention")
	if !slices.Equal(types(rest), []string{"reblog", "favourite"}) {
		t.Errorf("exclude_types: %v", types(rest))
	}
	none, r := alice.notifications("?types[]=mention&exclude_types[]=mention")
	if len(none) != 0 || r.header.Get("Link") != "" {
		t.Errorf("empty filter: %v, Link %q", types(none), r.header.Get("Link"))
	}

	page, r := alice.notifications("?limit=2&types[]=favourite&types[]=reblog&types[]=follow")
	if !slices.Equal(types(page), []string{"reblog", "favourite"}) {
		t.Fatalf("page: %v", types(page))
	}
	link := r.header.Get("Link")
	if !strings.Contains(link, "types%5B%5D=favourite&types%5B%5D=reblog&types%5B%5D=follow") ||
		!strings.Contains(link, "max_id="+page[1].ID+"&") {
		t.Errorf("Link keeps filters and cursors: %s", link)
	}
	next, _ := alice.notifications("?limit=2&types[]=favourite&types[]=reblog&types[]=follow&max_id=" + page[1].ID)
	if !slices.Equal(types(next), []string{"follow"}) {
		t.Errorf("next page: %v", types(next))
	}
}

// A notification whose status the recipient may no longer see is left out,
// and so is one whose status is gone.
func TestNotificationsHideInvisibleStatuses(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	private := alice.postStatus("Followers only: rota swap", "private")
	// A row such as a "status" subscription leaves behind after an unfollow.
	err := in.store.CreateNotification(context.Background(), &storage.Notification{AccountID: bob.acct.ID,
		FromAccountID: alice.acct.ID, Type: storage.NotifyStatus, StatusID: cursor(private.ID)})
	if err != nil {
		t.Fatal(err)
	}
	if list, r := bob.notifications(""); len(list) != 0 || r.header.Get("Link") == "" {
		t.Errorf("non-follower sees %v (Link %q: cursors still come from the raw rows)", types(list), r.header.Get("Link"))
	}
	bob.post("/api/v1/accounts/"+alice.id()+"/follow", nil).want(t, http.StatusOK, nil)
	if list, _ := bob.notifications(""); !slices.Equal(types(list), []string{"status"}) {
		t.Errorf("follower sees %v", types(list))
	}
	alice.call(http.MethodDelete, "/api/v1/statuses/"+private.ID).want(t, http.StatusOK, nil)
	if list, _ := bob.notifications(""); len(list) != 0 {
		t.Errorf("after delete: %v", types(list))
	}
}

package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/rounds-social/rounds/storage"
)

func follow(t *testing.T, s storage.Store, from, to *storage.Account, state string) *storage.Follow {
	t.Helper()
	f := &storage.Follow{AccountID: from.ID, TargetAccountID: to.ID, State: state, ShowReblogs: true,
		URI: fmt.Sprintf("%s#follows/%d", from.URI, to.ID)}
	must(t, s.CreateFollow(t.Context(), f))
	return f
}

var followTests = []test{
	{"CreateGetUpdateDelete", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice := localAccount(t, s, "alice")
		bob := remoteAccount(t, s, "bob", "other.example", "https://other.example/inbox")
		f := follow(t, s, bob, alice, storage.FollowPending)
		if f.ID == 0 || f.CreatedAt.IsZero() {
			t.Fatalf("CreateFollow left ID or CreatedAt unset: %+v", f)
		}
		got, err := s.Follow(ctx, bob.ID, alice.ID)
		must(t, err)
		checkEqual(t, "Follow", got, f)
		got, err = s.FollowByURI(ctx, f.URI)
		must(t, err)
		checkEqual(t, "FollowByURI", got, f)
		_, err = s.Follow(ctx, alice.ID, bob.ID)
		wantErr(t, "Follow(other direction)", err, storage.ErrNotFound)
		_, err = s.FollowByURI(ctx, "https://other.example/follows/unknown")
		wantErr(t, "FollowByURI(unknown)", err, storage.ErrNotFound)

		// A remote retrying its Follow with a fresh activity id is the same relationship.
		dup := &storage.Follow{AccountID: bob.ID, TargetAccountID: alice.ID, URI: "https://other.example/follows/2", State: storage.FollowPending}
		wantErr(t, "CreateFollow(same pair)", s.CreateFollow(ctx, dup), storage.ErrConflict)

		f.State, f.Notify, f.ShowReblogs = storage.FollowAccepted, true, false
		must(t, s.UpdateFollow(ctx, f))
		got, err = s.Follow(ctx, bob.ID, alice.ID)
		must(t, err)
		checkEqual(t, "accepted Follow", got, f)
		missing := *f
		missing.ID = storage.NewID()
		wantErr(t, "UpdateFollow(unknown)", s.UpdateFollow(ctx, &missing), storage.ErrNotFound)

		must(t, s.DeleteFollow(ctx, f.ID))
		_, err = s.Follow(ctx, bob.ID, alice.ID)
		wantErr(t, "Follow after DeleteFollow", err, storage.ErrNotFound)
	}},
	{"FollowersFollowingPaging", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice := localAccount(t, s, "alice")
		var fs []*storage.Follow // accepted follows of alice, oldest first
		for i := range 5 {
			fs = append(fs, follow(t, s, localAccount(t, s, fmt.Sprintf("user%d", i)), alice, storage.FollowAccepted))
		}
		req := follow(t, s, remoteAccount(t, s, "bob", "other.example", ""), alice, storage.FollowPending)
		mine := follow(t, s, alice, localAccount(t, s, "carol"), storage.FollowAccepted)
		ids := func(i ...int) []int64 {
			out := []int64{}
			for _, n := range i {
				out = append(out, fs[n].ID)
			}
			return out
		}
		for _, tc := range []struct {
			name  string
			state string
			p     storage.Page
			want  []int64
		}{
			{"accepted", storage.FollowAccepted, storage.Page{}, ids(4, 3, 2, 1, 0)},
			{"pending", storage.FollowPending, storage.Page{}, []int64{req.ID}},
			{"limit", storage.FollowAccepted, storage.Page{Limit: 2}, ids(4, 3)},
			{"max_id", storage.FollowAccepted, storage.Page{MaxID: fs[3].ID, Limit: 2}, ids(2, 1)},
			{"since_id", storage.FollowAccepted, storage.Page{SinceID: fs[1].ID, Limit: 2}, ids(4, 3)},
			{"min_id", storage.FollowAccepted, storage.Page{MinID: fs[1].ID, Limit: 2}, ids(3, 2)},
		} {
			list, err := s.Followers(ctx, alice.ID, tc.state, tc.p)
			must(t, err)
			checkIDs(t, "Followers "+tc.name, list, followID, tc.want...)
		}
		list, err := s.Following(ctx, alice.ID, storage.FollowAccepted, storage.Page{})
		must(t, err)
		checkIDs(t, "Following", list, followID, mine.ID)
		list, err = s.Following(ctx, fs[0].AccountID, storage.FollowAccepted, storage.Page{})
		must(t, err)
		checkIDs(t, "Following of a follower", list, followID, fs[0].ID)
		list, err = s.Following(ctx, alice.ID, storage.FollowPending, storage.Page{})
		must(t, err)
		checkIDs(t, "Following pending (none)", list, followID)
	}},
	{"FollowerInboxes", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice := localAccount(t, s, "alice")
		// Two followers on one instance share its inbox: one POST reaches both.
		follow(t, s, remoteAccount(t, s, "bob", "other.example", "https://other.example/inbox"), alice, storage.FollowAccepted)
		follow(t, s, remoteAccount(t, s, "carol", "other.example", "https://other.example/inbox"), alice, storage.FollowAccepted)
		dave := remoteAccount(t, s, "dave", "third.example", "") // no shared inbox: its own
		follow(t, s, dave, alice, storage.FollowAccepted)
		gone := remoteAccount(t, s, "erin", "gone.example", "https://gone.example/inbox")
		follow(t, s, gone, alice, storage.FollowAccepted)
		gone.DeletedAt = base
		must(t, s.UpdateAccount(ctx, gone))
		req := follow(t, s, remoteAccount(t, s, "gina", "fourth.example", "https://fourth.example/inbox"), alice, storage.FollowPending)
		frank := localAccount(t, s, "frank") // local: delivered by writing rows, not by POST
		follow(t, s, frank, alice, storage.FollowAccepted)
		follow(t, s, localAccount(t, s, "hank"), alice, storage.FollowPending)
		follow(t, s, alice, remoteAccount(t, s, "ivan", "fifth.example", ""), storage.FollowAccepted) // alice follows, not followed

		check := func(want ...string) {
			t.Helper()
			got, err := s.FollowerInboxes(ctx, alice.ID)
			must(t, err)
			if got == nil {
				t.Error("FollowerInboxes returned nil")
			}
			if !slices.Equal(slices.Sorted(slices.Values(got)), want) {
				t.Errorf("FollowerInboxes = %v, want %v", got, want)
			}
		}
		check("https://other.example/inbox", dave.InboxURI)
		req.State = storage.FollowAccepted
		must(t, s.UpdateFollow(ctx, req))
		check("https://fourth.example/inbox", "https://other.example/inbox", dave.InboxURI)

		ids, err := s.LocalFollowerIDs(ctx, alice.ID)
		must(t, err)
		if !slices.Equal(ids, []int64{frank.ID}) {
			t.Errorf("LocalFollowerIDs = %v, want [%d] (frank; hank is pending)", ids, frank.ID)
		}
		ids, err = s.LocalFollowerIDs(ctx, frank.ID)
		must(t, err)
		if ids == nil || len(ids) != 0 {
			t.Errorf("LocalFollowerIDs(nobody follows) = %#v, want an empty slice", ids)
		}
		inboxes, err := s.FollowerInboxes(ctx, frank.ID)
		must(t, err)
		if inboxes == nil || len(inboxes) != 0 {
			t.Errorf("FollowerInboxes(nobody follows) = %#v, want an empty slice", inboxes)
		}
	}},
}

var interactionTests = []test{
	{"Favourites", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice, bob := localAccount(t, s, "alice"), remoteAccount(t, s, "bob", "other.example", "")
		st := post(t, s, alice, nil)
		f := &storage.Favourite{AccountID: bob.ID, StatusID: st.ID, URI: "https://other.example/likes/1"}
		must(t, s.CreateFavourite(ctx, f))
		got, err := s.Favourite(ctx, bob.ID, st.ID)
		must(t, err)
		checkEqual(t, "Favourite", got, f)
		got, err = s.FavouriteByURI(ctx, f.URI)
		must(t, err)
		checkEqual(t, "FavouriteByURI", got, f)
		dup := &storage.Favourite{AccountID: bob.ID, StatusID: st.ID, URI: "https://other.example/likes/2"}
		wantErr(t, "CreateFavourite(same pair)", s.CreateFavourite(ctx, dup), storage.ErrConflict)
		_, err = s.Favourite(ctx, alice.ID, st.ID)
		wantErr(t, "Favourite(not liked)", err, storage.ErrNotFound)
		must(t, s.DeleteFavourite(ctx, f.ID))
		_, err = s.FavouriteByURI(ctx, f.URI)
		wantErr(t, "FavouriteByURI after delete", err, storage.ErrNotFound)
	}},
	{"Blocks", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice, bob := localAccount(t, s, "alice"), remoteAccount(t, s, "bob", "other.example", "")
		b := &storage.Block{AccountID: alice.ID, TargetAccountID: bob.ID, URI: "https://rounds.example/blocks/1"}
		must(t, s.CreateBlock(ctx, b))
		got, err := s.Block(ctx, alice.ID, bob.ID)
		must(t, err)
		checkEqual(t, "Block", got, b)
		_, err = s.Block(ctx, bob.ID, alice.ID)
		wantErr(t, "Block(other direction)", err, storage.ErrNotFound)
		dup := &storage.Block{AccountID: alice.ID, TargetAccountID: bob.ID, URI: "https://rounds.example/blocks/2"}
		wantErr(t, "CreateBlock(same pair)", s.CreateBlock(ctx, dup), storage.ErrConflict)
		must(t, s.DeleteBlock(ctx, b.ID))
		_, err = s.Block(ctx, alice.ID, bob.ID)
		wantErr(t, "Block after delete", err, storage.ErrNotFound)
	}},
}

var notificationTests = []test{
	{"ListFilterPage", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice, bob, carol := localAccount(t, s, "alice"), localAccount(t, s, "bob"), localAccount(t, s, "carol")
		st := post(t, s, alice, nil)
		var n []*storage.Notification // alice's, oldest first
		for _, typ := range []string{storage.NotifyMention, storage.NotifyFavourite, storage.NotifyFollow,
			storage.NotifyReblog, storage.NotifyMention} {
			x := &storage.Notification{AccountID: alice.ID, FromAccountID: bob.ID, Type: typ, StatusID: st.ID}
			if typ == storage.NotifyFollow {
				x.StatusID = 0
			}
			must(t, s.CreateNotification(ctx, x))
			n = append(n, x)
		}
		must(t, s.CreateNotification(ctx, &storage.Notification{AccountID: carol.ID, FromAccountID: bob.ID, Type: storage.NotifyFollow}))

		list, err := s.Notifications(ctx, alice.ID, nil, storage.Page{})
		must(t, err)
		checkIDs(t, "Notifications", list, notificationID, n[4].ID, n[3].ID, n[2].ID, n[1].ID, n[0].ID)
		checkEqual(t, "Notification", list[0], n[4])
		for _, tc := range []struct {
			name  string
			types []string
			p     storage.Page
			want  []int64
		}{
			{"mentions", []string{storage.NotifyMention}, storage.Page{}, []int64{n[4].ID, n[0].ID}},
			{"two types", []string{storage.NotifyFollow, storage.NotifyFavourite}, storage.Page{}, []int64{n[2].ID, n[1].ID}},
			{"limit", nil, storage.Page{Limit: 2}, []int64{n[4].ID, n[3].ID}},
			{"max_id", nil, storage.Page{MaxID: n[3].ID, Limit: 2}, []int64{n[2].ID, n[1].ID}},
			{"min_id", nil, storage.Page{MinID: n[0].ID, Limit: 2}, []int64{n[2].ID, n[1].ID}},
			{"since_id", nil, storage.Page{SinceID: n[0].ID, Limit: 2}, []int64{n[4].ID, n[3].ID}},
		} {
			list, err := s.Notifications(ctx, alice.ID, tc.types, tc.p)
			must(t, err)
			checkIDs(t, "Notifications "+tc.name, list, notificationID, tc.want...)
		}
		list, err = s.Notifications(ctx, bob.ID, nil, storage.Page{})
		must(t, err)
		checkIDs(t, "Notifications of nobody notified", list, notificationID)

		// Undoing a like removes its notification, and nothing else.
		must(t, s.DeleteNotificationsAbout(ctx, bob.ID, st.ID, storage.NotifyFavourite))
		// An unfollow (no status) removes follow notifications from that account.
		must(t, s.DeleteNotificationsAbout(ctx, bob.ID, 0, storage.NotifyFollow))
		list, err = s.Notifications(ctx, alice.ID, nil, storage.Page{})
		must(t, err)
		checkIDs(t, "Notifications after DeleteNotificationsAbout", list, notificationID, n[4].ID, n[3].ID, n[0].ID)
	}},
}

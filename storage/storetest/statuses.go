package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// sorted normalises a status's lists, whose order the store does not promise.
func sorted(s *storage.Status) *storage.Status {
	c := *s
	c.MentionIDs, c.Tags = slices.Sorted(slices.Values(s.MentionIDs)), slices.Sorted(slices.Values(s.Tags))
	if s.MentionIDs != nil && c.MentionIDs == nil {
		c.MentionIDs = []int64{}
	}
	if s.Tags != nil && c.Tags == nil {
		c.Tags = []string{}
	}
	return &c
}

var statusTests = []test{
	{"RoundTrip", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice, bob := localAccount(t, s, "alice"), localAccount(t, s, "bob")
		carol := remoteAccount(t, s, "carol", "other.example", "")
		parent := post(t, s, carol, nil)
		st := post(t, s, alice, func(st *storage.Status) {
			st.URL, st.Text, st.SpoilerText, st.Sensitive = "https://rounds.example/@alice/1", "hello", "cw", true
			st.Visibility, st.Language, st.EditedAt = storage.VisibilityUnlisted, "en", base
			st.InReplyToID, st.InReplyToURI, st.InReplyToAccountID = parent.ID, parent.URI, carol.ID
			st.MentionIDs = []int64{carol.ID, bob.ID, bob.ID}
			st.Tags = []string{"Rounds", "cardiology", "rounds"}
		})
		if st.CreatedAt.IsZero() {
			t.Error("CreateStatus left CreatedAt unset")
		}
		// Mentions and tags are sets; tags are stored lowercased.
		want := *st
		want.MentionIDs = []int64{bob.ID, carol.ID}
		want.Tags = []string{"cardiology", "rounds"}
		want = *sorted(&want)

		got, err := s.Status(ctx, st.ID)
		must(t, err)
		checkEqual(t, "Status", sorted(got), &want)
		got, err = s.StatusByURI(ctx, st.URI)
		must(t, err)
		checkEqual(t, "StatusByURI", sorted(got), &want)
		m, err := s.StatusesByID(ctx, []int64{st.ID, parent.ID, storage.NewID()})
		must(t, err)
		if len(m) != 2 || m[parent.ID] == nil {
			t.Fatalf("StatusesByID = %v, want 2 statuses", m)
		}
		checkEqual(t, "StatusesByID", sorted(m[st.ID]), &want)
		checkEqual(t, "StatusesByID (no mentions or tags)", m[parent.ID], parent)
		m, err = s.StatusesByID(ctx, nil)
		must(t, err)
		if m == nil || len(m) != 0 {
			t.Errorf("StatusesByID(nil) = %#v, want an empty map", m)
		}

		_, err = s.Status(ctx, storage.NewID())
		wantErr(t, "Status(unknown)", err, storage.ErrNotFound)
		_, err = s.StatusByURI(ctx, "https://rounds.example/statuses/0")
		wantErr(t, "StatusByURI(unknown)", err, storage.ErrNotFound)
		dup := &storage.Status{URI: st.URI, AccountID: alice.ID, Visibility: storage.VisibilityPublic}
		wantErr(t, "CreateStatus(same URI)", s.CreateStatus(ctx, dup), storage.ErrConflict)
	}},
	{"UpdateReplacesMentionsAndTags", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice, bob, carol := localAccount(t, s, "alice"), localAccount(t, s, "bob"), localAccount(t, s, "carol")
		st := post(t, s, alice, func(st *storage.Status) {
			st.MentionIDs, st.Tags = []int64{bob.ID}, []string{"old", "kept"}
		})
		st.Content, st.Text, st.EditedAt, st.Sensitive = "<p>edited</p>", "edited", base, true
		st.MentionIDs, st.Tags = []int64{carol.ID}, []string{"kept", "New"}
		must(t, s.UpdateStatus(ctx, st))
		got, err := s.Status(ctx, st.ID)
		must(t, err)
		want := *st
		want.Tags = []string{"kept", "new"}
		checkEqual(t, "updated status", sorted(got), sorted(&want))

		st.MentionIDs, st.Tags = nil, nil
		must(t, s.UpdateStatus(ctx, st))
		got, err = s.Status(ctx, st.ID)
		must(t, err)
		if got.MentionIDs == nil || len(got.MentionIDs) != 0 || got.Tags == nil || len(got.Tags) != 0 {
			t.Errorf("after clearing: mentions %#v, tags %#v, want empty slices", got.MentionIDs, got.Tags)
		}
		missing := *st
		missing.ID = storage.NewID()
		wantErr(t, "UpdateStatus(unknown)", s.UpdateStatus(ctx, &missing), storage.ErrNotFound)
	}},
	{"RepliesCountsBoosts", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice, bob := localAccount(t, s, "alice"), localAccount(t, s, "bob")
		carol := remoteAccount(t, s, "carol", "other.example", "")
		root := post(t, s, alice, nil)
		reply := func(by *storage.Account, to *storage.Status) *storage.Status {
			return post(t, s, by, func(st *storage.Status) {
				st.InReplyToID, st.InReplyToURI, st.InReplyToAccountID = to.ID, to.URI, to.AccountID
			})
		}
		r1, r2 := reply(bob, root), reply(carol, root)
		reply(alice, r1) // a reply to a reply is not a direct reply to root
		boost := post(t, s, bob, func(st *storage.Status) { st.ReblogOfID = root.ID })
		post(t, s, carol, func(st *storage.Status) { st.ReblogOfID = root.ID })
		must(t, s.CreateFavourite(ctx, &storage.Favourite{AccountID: bob.ID, StatusID: root.ID, URI: "https://rounds.example/likes/1"}))

		list, err := s.Replies(ctx, root.ID)
		must(t, err)
		checkIDs(t, "Replies (oldest first)", list, statusID, r1.ID, r2.ID)
		list, err = s.Replies(ctx, r2.ID)
		must(t, err)
		checkIDs(t, "Replies of a leaf", list, statusID)

		replies, boosts, favs, err := s.StatusCounts(ctx, root.ID)
		must(t, err)
		if replies != 2 || boosts != 2 || favs != 1 {
			t.Errorf("StatusCounts = %d replies, %d boosts, %d favourites; want 2, 2, 1", replies, boosts, favs)
		}

		got, err := s.BoostOf(ctx, bob.ID, root.ID)
		must(t, err)
		checkEqual(t, "BoostOf", got, boost)
		_, err = s.BoostOf(ctx, alice.ID, root.ID)
		wantErr(t, "BoostOf(not boosted)", err, storage.ErrNotFound)

		// Follows count only once accepted: a pending request is not a follower yet.
		must(t, s.CreateFollow(ctx, &storage.Follow{AccountID: bob.ID, TargetAccountID: alice.ID, URI: "f1", State: storage.FollowAccepted}))
		must(t, s.CreateFollow(ctx, &storage.Follow{AccountID: carol.ID, TargetAccountID: alice.ID, URI: "f2", State: storage.FollowPending}))
		must(t, s.CreateFollow(ctx, &storage.Follow{AccountID: alice.ID, TargetAccountID: carol.ID, URI: "f3", State: storage.FollowAccepted}))
		statuses, followers, following, err := s.AccountCounts(ctx, alice.ID)
		must(t, err)
		if statuses != 2 || followers != 1 || following != 1 {
			t.Errorf("AccountCounts(alice) = %d statuses, %d followers, %d following; want 2, 1, 1", statuses, followers, following)
		}
		n, err := s.CountLocalStatuses(ctx)
		must(t, err)
		if n != 3 { // root, r1 and the nested reply: not the boost, not carol's remote posts
			t.Errorf("CountLocalStatuses = %d, want 3", n)
		}
		// Counts follow accepts, unfollows and deletes, not only inserts.
		f2, err := s.Follow(ctx, carol.ID, alice.ID)
		must(t, err)
		f2.State = storage.FollowAccepted
		must(t, s.UpdateFollow(ctx, f2))
		f1, err := s.Follow(ctx, bob.ID, alice.ID)
		must(t, err)
		must(t, s.DeleteFollow(ctx, f1.ID))
		mine, err := s.AccountStatuses(ctx, alice.ID, []string{storage.VisibilityPublic, storage.VisibilityUnlisted,
			storage.VisibilityPrivate, storage.VisibilityDirect}, storage.Page{Limit: 10})
		must(t, err)
		must(t, s.DeleteStatus(ctx, mine[0].ID))
		if st, fr, fg, err := s.AccountCounts(ctx, alice.ID); err != nil || st != 1 || fr != 1 || fg != 1 {
			t.Errorf("after accept, unfollow and delete: %d statuses, %d followers, %d following (%v); want 1, 1, 1", st, fr, fg, err)
		}
	}},
	{"LastStatusAt", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice := localAccount(t, s, "alice")
		at, err := s.LastStatusAt(ctx, alice.ID)
		must(t, err)
		if !at.IsZero() {
			t.Errorf("LastStatusAt with no posts = %v, want zero", at)
		}
		post(t, s, alice, func(st *storage.Status) { st.CreatedAt = base })
		post(t, s, alice, func(st *storage.Status) { st.CreatedAt = base.Add(-time.Hour) })
		at, err = s.LastStatusAt(ctx, alice.ID)
		must(t, err)
		if !sameTime(at, base) {
			t.Errorf("LastStatusAt = %v, want %v", at, base)
		}
	}},
	{"DeleteCascades", testDeleteStatus},
	{"AccountStatusesPaging", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice, bob := localAccount(t, s, "alice"), localAccount(t, s, "bob")
		var id [6]int64 // id[1..5]: alice's public and unlisted posts, oldest first
		for i := 1; i <= 5; i++ {
			vis := storage.VisibilityPublic
			if i == 3 {
				vis = storage.VisibilityUnlisted
			}
			id[i] = post(t, s, alice, func(st *storage.Status) { st.Visibility = vis }).ID
			post(t, s, bob, nil)
		}
		private := post(t, s, alice, func(st *storage.Status) { st.Visibility = storage.VisibilityPrivate }).ID
		direct := post(t, s, alice, func(st *storage.Status) { st.Visibility = storage.VisibilityDirect }).ID
		pub := []string{storage.VisibilityPublic, storage.VisibilityUnlisted}
		all := append(slices.Clone(pub), storage.VisibilityPrivate, storage.VisibilityDirect)

		for _, tc := range []struct {
			name string
			vis  []string
			p    storage.Page
			want []int64
		}{
			{"public and unlisted", pub, storage.Page{}, []int64{id[5], id[4], id[3], id[2], id[1]}},
			{"public only", []string{storage.VisibilityPublic}, storage.Page{}, []int64{id[5], id[4], id[2], id[1]}},
			{"every visibility", all, storage.Page{Limit: 3}, []int64{direct, private, id[5]}},
			{"no visibility", nil, storage.Page{}, nil},
			{"limit", pub, storage.Page{Limit: 2}, []int64{id[5], id[4]}},
			{"max_id", pub, storage.Page{MaxID: id[4]}, []int64{id[3], id[2], id[1]}},
			{"max_id and limit", pub, storage.Page{MaxID: id[4], Limit: 2}, []int64{id[3], id[2]}},
			// since_id gives the newest items above the bound...
			{"since_id", pub, storage.Page{SinceID: id[2], Limit: 2}, []int64{id[5], id[4]}},
			// ...min_id the items just above it (still returned newest first),
			// so a client paging forward misses nothing.
			{"min_id", pub, storage.Page{MinID: id[2], Limit: 2}, []int64{id[4], id[3]}},
			{"min_id without limit", pub, storage.Page{MinID: id[2]}, []int64{id[5], id[4], id[3]}},
			{"min_id and max_id", pub, storage.Page{MinID: id[1], MaxID: id[5]}, []int64{id[4], id[3], id[2]}},
			{"since_id and max_id", pub, storage.Page{SinceID: id[1], MaxID: id[5], Limit: 2}, []int64{id[4], id[3]}},
			{"nothing newer", pub, storage.Page{MinID: id[5]}, nil},
		} {
			list, err := s.AccountStatuses(ctx, alice.ID, tc.vis, tc.p)
			must(t, err)
			checkIDs(t, "AccountStatuses "+tc.name, list, statusID, tc.want...)
		}

		// The count is of posts: a boost is not something alice wrote.
		post(t, s, alice, func(st *storage.Status) { st.ReblogOfID = id[1] })
		for _, tc := range []struct {
			vis  []string
			want int
		}{{pub, 5}, {all, 7}, {[]string{storage.VisibilityDirect}, 1}, {nil, 0}} {
			n, err := s.CountAccountStatuses(ctx, alice.ID, tc.vis)
			must(t, err)
			if n != tc.want {
				t.Errorf("CountAccountStatuses(%v) = %d, want %d", tc.vis, n, tc.want)
			}
		}
	}},
}

// testDeleteStatus checks DeleteStatus takes everything hanging off a post
// with it: a deleted clinical post must not linger in timelines or
// notifications, nor be delivered after the author took it back.
func testDeleteStatus(t *testing.T, s storage.Store) {
	ctx := t.Context()
	alice, bob, carol := localAccount(t, s, "alice"), localAccount(t, s, "bob"), localAccount(t, s, "carol")
	root := post(t, s, alice, func(st *storage.Status) { st.MentionIDs, st.Tags = []int64{bob.ID}, []string{"x"} })
	boost := post(t, s, bob, func(st *storage.Status) { st.ReblogOfID = root.ID })
	other := post(t, s, alice, nil)
	reply := post(t, s, carol, func(st *storage.Status) { st.InReplyToID, st.InReplyToAccountID = root.ID, alice.ID })
	must(t, s.CreateFavourite(ctx, &storage.Favourite{AccountID: carol.ID, StatusID: root.ID, URI: "like-1"}))

	notes := map[string]*storage.Notification{
		"mention":    {AccountID: bob.ID, FromAccountID: alice.ID, Type: storage.NotifyMention, StatusID: root.ID},
		"reblog":     {AccountID: alice.ID, FromAccountID: bob.ID, Type: storage.NotifyReblog, StatusID: boost.ID},
		"favourite":  {AccountID: alice.ID, FromAccountID: carol.ID, Type: storage.NotifyFavourite, StatusID: root.ID},
		"unrelated":  {AccountID: bob.ID, FromAccountID: alice.ID, Type: storage.NotifyStatus, StatusID: other.ID},
		"follow":     {AccountID: alice.ID, FromAccountID: carol.ID, Type: storage.NotifyFollow},
		"reply note": {AccountID: alice.ID, FromAccountID: carol.ID, Type: storage.NotifyMention, StatusID: reply.ID},
	}
	for _, n := range notes {
		must(t, s.CreateNotification(ctx, n))
	}
	must(t, s.AddToHome(ctx, []int64{carol.ID}, root.ID))
	must(t, s.AddToHome(ctx, []int64{carol.ID}, boost.ID))
	must(t, s.AddToHome(ctx, []int64{carol.ID}, other.ID))

	job := func(activity string, statusID int64) *storage.DeliveryJob {
		return &storage.DeliveryJob{ActivityID: activity, Inbox: "https://other.example/inbox", Body: []byte(`{}`),
			SignerID: alice.ID, StatusID: statusID, NextAttemptAt: base}
	}
	jobs := []*storage.DeliveryJob{job("create-root", root.ID), job("announce", boost.ID),
		job("create-other", other.ID), job("create-root-done", root.ID)}
	must(t, s.EnqueueDeliveries(ctx, jobs))
	done := jobs[3]
	done.State, done.Attempts = storage.JobDone, 1
	must(t, s.FinishDelivery(ctx, done))

	must(t, s.DeleteStatus(ctx, root.ID))

	for name, id := range map[string]int64{"root": root.ID, "boost": boost.ID} {
		_, err := s.Status(ctx, id)
		wantErr(t, "Status("+name+") after delete", err, storage.ErrNotFound)
	}
	_, err := s.BoostOf(ctx, bob.ID, root.ID)
	wantErr(t, "BoostOf after delete", err, storage.ErrNotFound)
	_, err = s.Favourite(ctx, carol.ID, root.ID)
	wantErr(t, "Favourite after delete", err, storage.ErrNotFound)
	if _, err := s.Status(ctx, reply.ID); err != nil {
		t.Errorf("a reply outlives its parent: %v", err)
	}

	var left []int64
	for _, acct := range []int64{alice.ID, bob.ID} {
		list, err := s.Notifications(ctx, acct, nil, storage.Page{})
		must(t, err)
		for _, n := range list {
			left = append(left, n.ID)
		}
	}
	if want := []int64{notes["unrelated"].ID, notes["follow"].ID, notes["reply note"].ID}; !sameSet(left, want) {
		t.Errorf("notifications left %v, want %v (unrelated, follow, reply)", left, want)
	}

	home, err := s.Home(ctx, carol.ID, storage.Page{})
	must(t, err)
	checkIDs(t, "Home after delete", home, statusID, other.ID)

	cancelled, err := s.Deliveries(ctx, storage.JobDropped, 10)
	must(t, err)
	var ids []int64
	for _, j := range cancelled {
		ids = append(ids, j.ID)
	}
	if !sameSet(ids, []int64{jobs[0].ID, jobs[1].ID}) {
		t.Errorf("cancelled jobs %v, want the root's and the boost's pending ones %v", ids, []int64{jobs[0].ID, jobs[1].ID})
	}
	for state, want := range map[string]int{storage.JobPending: 1, storage.JobDone: 1} {
		n, err := s.CountDeliveries(ctx, state)
		must(t, err)
		if n != want {
			t.Errorf("CountDeliveries(%s) = %d, want %d", state, n, want)
		}
	}
	// The status's own lists went with it; a new status reusing a mentioned
	// account and a tag must not trip over leftovers.
	post(t, s, alice, func(st *storage.Status) { st.MentionIDs, st.Tags = []int64{bob.ID}, []string{"x"} })
}

func sameSet(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

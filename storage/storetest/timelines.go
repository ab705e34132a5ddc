package storetest

import (
	"testing"

	"github.com/rounds-social/rounds/storage"
)

var timelineTests = []test{
	{"Home", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice, bob := localAccount(t, s, "alice"), remoteAccount(t, s, "bob", "other.example", "")
		carol, dave := localAccount(t, s, "carol"), localAccount(t, s, "dave")
		s1 := post(t, s, bob, func(st *storage.Status) { st.MentionIDs, st.Tags = []int64{carol.ID}, []string{"icu"} })
		s2 := post(t, s, alice, nil)
		s3 := post(t, s, bob, nil)
		s4 := post(t, s, alice, nil)
		post(t, s, alice, nil) // never fanned out

		// Fan-out is retried after failures, so adding twice must be harmless.
		must(t, s.AddToHome(ctx, []int64{carol.ID, dave.ID}, s1.ID))
		must(t, s.AddToHome(ctx, []int64{carol.ID}, s1.ID))
		for _, st := range []*storage.Status{s2, s3, s4} {
			must(t, s.AddToHome(ctx, []int64{carol.ID}, st.ID))
		}
		must(t, s.AddToHome(ctx, nil, s4.ID))

		list, err := s.Home(ctx, carol.ID, storage.Page{})
		must(t, err)
		checkIDs(t, "Home", list, statusID, s4.ID, s3.ID, s2.ID, s1.ID)
		// Timelines render mentions and tags, so they come loaded.
		checkEqual(t, "Home status", sorted(list[3]), sorted(s1))
		for _, tc := range []struct {
			name string
			p    storage.Page
			want []int64
		}{
			{"limit", storage.Page{Limit: 2}, []int64{s4.ID, s3.ID}},
			{"max_id", storage.Page{MaxID: s3.ID}, []int64{s2.ID, s1.ID}},
			{"min_id", storage.Page{MinID: s1.ID, Limit: 2}, []int64{s3.ID, s2.ID}},
			{"since_id", storage.Page{SinceID: s1.ID, Limit: 2}, []int64{s4.ID, s3.ID}},
		} {
			list, err := s.Home(ctx, carol.ID, tc.p)
			must(t, err)
			checkIDs(t, "Home "+tc.name, list, statusID, tc.want...)
		}

		// After carol unfollows bob his posts leave her timeline, not dave's.
		must(t, s.RemoveFromHome(ctx, carol.ID, bob.ID))
		list, err = s.Home(ctx, carol.ID, storage.Page{})
		must(t, err)
		checkIDs(t, "Home after RemoveFromHome", list, statusID, s4.ID, s2.ID)
		list, err = s.Home(ctx, dave.ID, storage.Page{})
		must(t, err)
		checkIDs(t, "someone else's Home after RemoveFromHome", list, statusID, s1.ID)
		list, err = s.Home(ctx, alice.ID, storage.Page{})
		must(t, err)
		checkIDs(t, "empty Home", list, statusID)
	}},
	{"Public", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice, bob := localAccount(t, s, "alice"), remoteAccount(t, s, "bob", "other.example", "")
		l1 := post(t, s, alice, nil)
		r1 := post(t, s, bob, nil)
		for _, vis := range []string{storage.VisibilityUnlisted, storage.VisibilityPrivate, storage.VisibilityDirect} {
			post(t, s, alice, func(st *storage.Status) { st.Visibility = vis })
			post(t, s, bob, func(st *storage.Status) { st.Visibility = vis })
		}
		post(t, s, alice, func(st *storage.Status) { st.ReblogOfID = r1.ID }) // boosts stay off public timelines
		l2 := post(t, s, alice, nil)
		r2 := post(t, s, bob, nil)

		for _, tc := range []struct {
			name          string
			local, remote bool
			p             storage.Page
			want          []int64
		}{
			{"federated", false, false, storage.Page{}, []int64{r2.ID, l2.ID, r1.ID, l1.ID}},
			{"local", true, false, storage.Page{}, []int64{l2.ID, l1.ID}},
			{"remote", false, true, storage.Page{}, []int64{r2.ID, r1.ID}},
			{"limit", false, false, storage.Page{Limit: 1}, []int64{r2.ID}},
			{"max_id", false, false, storage.Page{MaxID: l2.ID, Limit: 1}, []int64{r1.ID}},
			{"min_id", false, false, storage.Page{MinID: l1.ID, Limit: 2}, []int64{l2.ID, r1.ID}},
			{"local min_id", true, false, storage.Page{MinID: l1.ID}, []int64{l2.ID}},
		} {
			list, err := s.Public(ctx, tc.local, tc.remote, tc.p)
			must(t, err)
			checkIDs(t, "Public "+tc.name, list, statusID, tc.want...)
		}
	}},
}

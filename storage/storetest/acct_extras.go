package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

func listID(l *storage.List) int64         { return l.ID }
func muteID(m *storage.Mute) int64         { return m.ID }
func blockID(b *storage.Block) int64       { return b.ID }
func memberID(m *storage.ListMember) int64 { return m.AccountID }

var accountExtraTests = []test{
	{"prefs default then saved", func(t *testing.T, s storage.Store) {
		ctx, a := t.Context(), localAccount(t, s, "alice")
		got, err := s.AccountPrefs(ctx, a.ID)
		must(t, err)
		checkEqual(t, "default prefs", got, storage.DefaultPrefs(a.ID))
		want := &storage.AccountPrefs{AccountID: a.ID, Privacy: storage.VisibilityPrivate, Sensitive: true, Language: "en",
			NoteText: "ICU nurse", Fields: []storage.Field{{Name: "Ward", Value: "4B"}}}
		must(t, s.PutAccountPrefs(ctx, want))
		got, err = s.AccountPrefs(ctx, a.ID)
		must(t, err)
		checkEqual(t, "saved prefs", got, want)
	}},
	{"mutes expire and replace", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		a, b, c := localAccount(t, s, "alice"), localAccount(t, s, "bob"), localAccount(t, s, "carol")
		m := &storage.Mute{AccountID: a.ID, TargetAccountID: b.ID, Notifications: true}
		must(t, s.PutMute(ctx, m))
		first := m.ID
		m2 := &storage.Mute{AccountID: a.ID, TargetAccountID: b.ID, Notifications: false}
		must(t, s.PutMute(ctx, m2))
		if m2.ID != first || m2.Notifications {
			t.Errorf("re-mute: %+v, want id %d without notifications", m2, first)
		}
		must(t, s.PutMute(ctx, &storage.Mute{AccountID: a.ID, TargetAccountID: c.ID, Notifications: true, ExpiresAt: base.Add(time.Hour)}))
		list, err := s.Mutes(ctx, a.ID, base, storage.Page{Limit: 10})
		must(t, err)
		if len(list) != 2 {
			t.Fatalf("mutes before expiry: %d", len(list))
		}
		list, err = s.Mutes(ctx, a.ID, base.Add(2*time.Hour), storage.Page{Limit: 10})
		must(t, err)
		checkIDs(t, "mutes after expiry", list, muteID, first)
		_, err = s.Mute(ctx, a.ID, c.ID, base.Add(2*time.Hour))
		wantErr(t, "expired mute", err, storage.ErrNotFound)
		ids, err := s.MutedAccountIDs(ctx, a.ID, base, true)
		must(t, err)
		if len(ids) != 1 || ids[0] != c.ID {
			t.Errorf("notification mutes %v, want [%d]", ids, c.ID)
		}
		must(t, s.DeleteMute(ctx, a.ID, b.ID))
		_, err = s.Mute(ctx, a.ID, b.ID, base)
		wantErr(t, "deleted mute", err, storage.ErrNotFound)
	}},
	{"blocks listed newest first", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		a, b, c := localAccount(t, s, "alice"), localAccount(t, s, "bob"), localAccount(t, s, "carol")
		b1 := &storage.Block{AccountID: a.ID, TargetAccountID: b.ID, URI: "https://rounds.example/b1"}
		b2 := &storage.Block{AccountID: a.ID, TargetAccountID: c.ID, URI: "https://rounds.example/b2"}
		must(t, s.CreateBlock(ctx, b1))
		must(t, s.CreateBlock(ctx, b2))
		list, err := s.Blocks(ctx, a.ID, storage.Page{Limit: 10})
		must(t, err)
		checkIDs(t, "blocks", list, blockID, b2.ID, b1.ID)
		list, err = s.Blocks(ctx, a.ID, storage.Page{Limit: 10, MaxID: b2.ID})
		must(t, err)
		checkIDs(t, "blocks below cursor", list, blockID, b1.ID)
	}},
	{"lists and members", testLists},
	{"markers bump versions", func(t *testing.T, s storage.Store) {
		ctx, a := t.Context(), localAccount(t, s, "alice")
		m := &storage.Marker{AccountID: a.ID, Timeline: "home", LastReadID: 5}
		must(t, s.PutMarker(ctx, m))
		m = &storage.Marker{AccountID: a.ID, Timeline: "home", LastReadID: 9}
		must(t, s.PutMarker(ctx, m))
		if m.Version != 1 {
			t.Errorf("version after two saves = %d, want 1", m.Version)
		}
		list, err := s.Markers(ctx, a.ID, []string{"home", "notifications"})
		must(t, err)
		if len(list) != 1 || list[0].LastReadID != 9 || list[0].Version != 1 {
			t.Errorf("markers %+v", list)
		}
	}},
	{"filters with keywords", func(t *testing.T, s storage.Store) {
		ctx, a := t.Context(), localAccount(t, s, "alice")
		f := &storage.Filter{AccountID: a.ID, Title: "Spoilers", Context: []string{"home"}, Action: storage.FilterHide,
			Keywords: []storage.FilterKeyword{{Keyword: "finale", WholeWord: true}, {Keyword: "ending"}}}
		must(t, s.CreateFilter(ctx, f))
		got, err := s.Filter(ctx, f.ID)
		must(t, err)
		checkEqual(t, "filter", got, f)
		must(t, s.DeleteFilter(ctx, f.ID))
		_, err = s.Filter(ctx, f.ID)
		wantErr(t, "deleted filter", err, storage.ErrNotFound)
		wantErr(t, "delete again", s.DeleteFilter(ctx, f.ID), storage.ErrNotFound)
	}},
	{"known domains", func(t *testing.T, s storage.Store) {
		localAccount(t, s, "alice")
		remoteAccount(t, s, "bob", "b.example", "")
		remoteAccount(t, s, "carl", "b.example", "")
		remoteAccount(t, s, "dee", "a.example", "")
		got, err := s.KnownDomains(t.Context())
		must(t, err)
		if !slices.Equal(got, []string{"a.example", "b.example"}) {
			t.Errorf("known domains %v", got)
		}
	}},
	{"profile statuses filters", testProfileStatuses},
}

func testLists(t *testing.T, s storage.Store) {
	ctx := t.Context()
	a, b, c := localAccount(t, s, "alice"), localAccount(t, s, "bob"), localAccount(t, s, "carol")
	l := &storage.List{AccountID: a.ID, Title: "Cardiology"}
	must(t, s.CreateList(ctx, l))
	if l.RepliesPolicy != storage.RepliesList {
		t.Errorf("default replies policy %q", l.RepliesPolicy)
	}
	follow(t, s, a, b, storage.FollowAccepted)
	must(t, s.AddListAccounts(ctx, l.ID, []int64{b.ID, c.ID, b.ID}))
	members, err := s.ListMembers(ctx, l.ID, storage.Page{Limit: 10})
	must(t, err)
	checkIDs(t, "members", members, memberID, c.ID, b.ID)
	ids, err := s.ListAccountIDs(ctx, l.ID)
	must(t, err)
	if !slices.Equal(ids, []int64{b.ID}) {
		t.Errorf("list account ids %v, want only the followed %d", ids, b.ID)
	}
	in, err := s.ListsContaining(ctx, a.ID, c.ID)
	must(t, err)
	checkIDs(t, "lists containing carol", in, listID, l.ID)
	must(t, s.RemoveFromOwnedLists(ctx, a.ID, c.ID))
	must(t, s.RemoveListAccounts(ctx, l.ID, []int64{b.ID}))
	members, err = s.ListMembers(ctx, l.ID, storage.Page{Limit: 10})
	must(t, err)
	checkIDs(t, "members after removal", members, memberID)
	l.Title, l.Exclusive = "Cardio", true
	must(t, s.UpdateList(ctx, l))
	got, err := s.List(ctx, l.ID)
	must(t, err)
	checkEqual(t, "updated list", got, l)
	must(t, s.DeleteList(ctx, l.ID))
	lists, err := s.Lists(ctx, a.ID)
	must(t, err)
	checkIDs(t, "lists after delete", lists, listID)
}

func testProfileStatuses(t *testing.T, s storage.Store) {
	ctx := t.Context()
	a, b := localAccount(t, s, "alice"), localAccount(t, s, "bob")
	plain := post(t, s, a, nil)
	private := post(t, s, a, func(st *storage.Status) { st.Visibility = storage.VisibilityPrivate })
	tagged := post(t, s, a, func(st *storage.Status) { st.Tags = []string{"ecg"} })
	other := post(t, s, b, nil)
	reply := post(t, s, a, func(st *storage.Status) { st.InReplyToID, st.InReplyToAccountID = other.ID, b.ID })
	thread := post(t, s, a, func(st *storage.Status) { st.InReplyToID, st.InReplyToAccountID = plain.ID, a.ID })
	boost := post(t, s, a, func(st *storage.Status) { st.ReblogOfID = other.ID })
	pub := []string{storage.VisibilityPublic, storage.VisibilityUnlisted}
	page := storage.Page{Limit: 20}
	for _, tc := range []struct {
		name string
		f    storage.ProfileFilter
		want []int64
	}{
		{"public", storage.ProfileFilter{Visibilities: pub}, []int64{boost.ID, thread.ID, reply.ID, tagged.ID, plain.ID}},
		{"all", storage.ProfileFilter{Visibilities: append(pub, storage.VisibilityPrivate)},
			[]int64{boost.ID, thread.ID, reply.ID, tagged.ID, private.ID, plain.ID}},
		{"no replies", storage.ProfileFilter{Visibilities: pub, ExcludeReplies: true}, []int64{boost.ID, thread.ID, tagged.ID, plain.ID}},
		{"no reblogs", storage.ProfileFilter{Visibilities: pub, ExcludeReblogs: true}, []int64{thread.ID, reply.ID, tagged.ID, plain.ID}},
		{"tagged", storage.ProfileFilter{Visibilities: pub, Tagged: "#ECG"}, []int64{tagged.ID}},
		{"none", storage.ProfileFilter{}, nil},
	} {
		list, err := s.ProfileStatuses(ctx, a.ID, tc.f, page)
		must(t, err)
		checkIDs(t, tc.name, list, statusID, tc.want...)
	}
}

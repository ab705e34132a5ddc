package federation_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/storage"
)

// editFixture is alice (local) with a remote follower, and local bob and carol.
type editFixture struct {
	svc               *federation.Service
	store             storage.Store
	alice, bob, carol *storage.Account
	remote            *storage.Account
}

func newEditFixture(t *testing.T) *editFixture {
	t.Helper()
	ctx := context.Background()
	svc, st := accountsService(t)
	local := func(name string) *storage.Account {
		a, _, err := svc.CreateLocalAccount(ctx, federation.NewAccount{Username: name, Email: name + "@hospital-a.example"})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	f := &editFixture{svc: svc, store: st, alice: local("alice"), bob: local("bob"), carol: local("carol")}
	f.remote = &storage.Account{ID: storage.NewID(), Username: "dana", Domain: "hospital-b.example",
		URI: "https://hospital-b.example/users/dana", InboxURI: "https://hospital-b.example/users/dana/inbox",
		SharedInboxURI: "https://hospital-b.example/inbox", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := st.CreateAccount(ctx, f.remote); err != nil {
		t.Fatal(err)
	}
	err := st.CreateFollow(ctx, &storage.Follow{ID: storage.NewID(), AccountID: f.remote.ID, TargetAccountID: f.alice.ID,
		URI: "https://hospital-b.example/follows/1", State: storage.FollowAccepted, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// updates returns the bodies of queued Update activities.
func (f *editFixture) updates(t *testing.T) []string {
	t.Helper()
	jobs, err := f.store.Deliveries(context.Background(), storage.JobPending, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, j := range jobs {
		var doc struct{ Type string }
		if json.Unmarshal(j.Body, &doc) == nil && doc.Type == "Update" {
			out = append(out, string(j.Body))
			if j.Inbox != f.remote.SharedInboxURI {
				t.Errorf("Update queued to %s", j.Inbox)
			}
		}
	}
	return out
}

func TestEditStatus(t *testing.T) {
	ctx := context.Background()
	f := newEditFixture(t)
	st, err := f.svc.Post(ctx, f.alice, federation.Draft{Text: "Grand rounds at noon", Visibility: "public", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Boost(ctx, f.bob, st.ID); err != nil {
		t.Fatal(err)
	}
	edited, err := f.svc.EditStatus(ctx, f.alice, st.ID, federation.Draft{Text: "Grand rounds at one, @carol presenting #cardiology",
		SpoilerText: "schedule", Visibility: "direct", InReplyToID: 12345})
	if err != nil {
		t.Fatal(err)
	}
	if edited.EditedAt.IsZero() || edited.Visibility != "public" || edited.InReplyToID != 0 || edited.Language != "en" ||
		!edited.Sensitive || !slices.Equal(edited.Tags, []string{"cardiology"}) || !slices.Equal(edited.MentionIDs, []int64{f.carol.ID}) ||
		!strings.Contains(edited.Content, `class="u-url mention"`) {
		t.Errorf("edited %+v", edited)
	}
	stored, _ := f.store.Status(ctx, st.ID)
	if stored.Text != edited.Text || stored.SpoilerText != "schedule" {
		t.Errorf("stored %+v", stored)
	}
	edits, err := f.store.StatusEdits(ctx, st.ID)
	if err != nil || len(edits) != 1 || edits[0].Text != "Grand rounds at noon" {
		t.Errorf("history %+v, %v", edits, err)
	}
	if ups := f.updates(t); len(ups) != 1 || !strings.Contains(ups[0], "presenting") || !strings.Contains(ups[0], `"updated"`) {
		t.Errorf("Update deliveries: %v", ups)
	}
	wantNotification(t, f.store, f.carol.ID, storage.NotifyMention, st.ID)
	wantNotification(t, f.store, f.bob.ID, storage.NotifyUpdate, st.ID)

	// The same text again changes nothing: no history, no delivery.
	if _, err := f.svc.EditStatus(ctx, f.alice, st.ID, federation.Draft{Text: edited.Text, SpoilerText: "schedule"}); err != nil {
		t.Fatal(err)
	}
	if edits, _ := f.store.StatusEdits(ctx, st.ID); len(edits) != 1 || len(f.updates(t)) != 1 {
		t.Errorf("a no-op edit left %d edits, %d updates", len(edits), len(f.updates(t)))
	}
	// Edits in quick succession each keep their predecessor.
	for _, text := range []string{"third", "fourth"} {
		if _, err := f.svc.EditStatus(ctx, f.alice, st.ID, federation.Draft{Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	if edits, _ := f.store.StatusEdits(ctx, st.ID); len(edits) != 3 || edits[2].Text != "third" {
		t.Errorf("after two quick edits: %d versions kept", len(edits))
	}
}

func wantNotification(t *testing.T, st storage.Store, to int64, typ string, statusID int64) {
	t.Helper()
	list, err := st.Notifications(context.Background(), to, []string{typ}, storage.Page{Limit: 10})
	if err != nil || len(list) != 1 || list[0].StatusID != statusID {
		t.Errorf("%s notifications of %d: %+v, %v", typ, to, list, err)
	}
}

func TestEditStatusRefused(t *testing.T) {
	ctx := context.Background()
	f := newEditFixture(t)
	st, err := f.svc.Post(ctx, f.alice, federation.Draft{Text: "Handover at 7", Visibility: "public"})
	if err != nil {
		t.Fatal(err)
	}
	boost, err := f.svc.Boost(ctx, f.bob, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	var nf *federation.NotFoundError
	for name, c := range map[string]struct {
		who *storage.Account
		id  int64
	}{"someone else's": {f.bob, st.ID}, "a boost": {f.bob, boost.ID}, "missing": {f.alice, 42}} {
		if _, err := f.svc.EditStatus(ctx, c.who, c.id, federation.Draft{Text: "x"}); !errors.As(err, &nf) {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
	if _, err := f.svc.EditStatus(ctx, f.alice, st.ID, federation.Draft{Text: "  "}); !federation.IsInputError(err) {
		t.Errorf("blank text: %v, want an input error", err)
	}
	long := strings.Repeat("x", federation.MaxStatusChars+1)
	if _, err := f.svc.EditStatus(ctx, f.alice, st.ID, federation.Draft{Text: long}); !federation.IsInputError(err) {
		t.Errorf("long text: %v, want an input error", err)
	}
	if edits, _ := f.store.StatusEdits(ctx, st.ID); len(edits) != 0 {
		t.Errorf("refused edits left history: %+v", edits)
	}
}

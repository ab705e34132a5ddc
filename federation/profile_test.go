package federation_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/storage"
)

func TestUpdateProfileRendersAndKeepsSources(t *testing.T) {
	ctx := context.Background()
	svc, st := accountsService(t)
	me, _, err := svc.CreateLocalAccount(ctx, federation.NewAccount{Username: "alice", Email: "alice@hospital-a.example"})
	if err != nil {
		t.Fatal(err)
	}
	prefs, err := st.AccountPrefs(ctx, me.ID)
	if err != nil {
		t.Fatal(err)
	}
	u := federation.ProfileOf(me, prefs)
	u.Note = "On call <b>tonight</b>\n\nPage me"
	u.Fields = []storage.Field{{Name: "Site", Value: `https://h.example/a?x=1&y="2"`}, {}, {Name: " ", Value: " "}}
	acct, saved, err := svc.UpdateProfile(ctx, me, u)
	if err != nil {
		t.Fatal(err)
	}
	if acct.Note != "<p>On call &lt;b&gt;tonight&lt;/b&gt;</p><p>Page me</p>" {
		t.Errorf("note = %q", acct.Note)
	}
	if len(acct.Fields) != 1 || !strings.Contains(acct.Fields[0].Value, `href="https://h.example/a?x=1&amp;y=`) ||
		strings.Contains(acct.Fields[0].Value, `"2"`) {
		t.Errorf("fields = %+v", acct.Fields)
	}
	if saved.NoteText != "On call <b>tonight</b>\n\nPage me" || len(saved.Fields) != 1 {
		t.Errorf("sources = %+v", saved)
	}
	u.Privacy = "everyone"
	if _, _, err := svc.UpdateProfile(ctx, acct, u); !federation.IsInputError(err) {
		t.Errorf("bad privacy: err = %v, want an InputError", err)
	}
}

func TestBlockSeversFollows(t *testing.T) {
	ctx := context.Background()
	svc, _ := accountsService(t)
	a, _, _ := svc.CreateLocalAccount(ctx, federation.NewAccount{Username: "alice", Email: "alice@hospital-a.example"})
	b, _, _ := svc.CreateLocalAccount(ctx, federation.NewAccount{Username: "bob", Email: "bob@hospital-a.example"})
	if _, err := svc.Follow(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Follow(ctx, b, a); err != nil {
		t.Fatal(err)
	}
	if err := svc.Block(ctx, a, b); err != nil {
		t.Fatal(err)
	}
	rel, err := svc.RelationshipWith(ctx, a.ID, b.ID)
	if err != nil || !rel.Blocking || rel.Following || rel.FollowedBy {
		t.Errorf("after block: %+v, %v", rel, err)
	}
	// Expiry is checked in the store suite with explicit times.
	if err := svc.Mute(ctx, a, b, true, time.Hour); err != nil {
		t.Fatal(err)
	}
	if muting, notif, until, err := svc.MuteState(ctx, a.ID, b.ID); err != nil || !muting || !notif || until.IsZero() {
		t.Errorf("mute state: %v %v %v %v", muting, notif, until, err)
	}
	if err := svc.Mute(ctx, a, b, false, -time.Second); !federation.IsInputError(err) {
		t.Errorf("negative duration: %v", err)
	}
}

package postgres

import (
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// These cover the Store methods storetest does not (yet): invites, the
// admin console's reads, erasure. On SQLite they are exercised by the
// packages above storage; here every query must at least run on PostgreSQL,
// whose type checking and parameter counting are stricter.

func mustT(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestInvitesAndSessions(t *testing.T) {
	ctx := t.Context()
	db := open(t, freshSchema(t))
	now := time.Now().UTC()
	inv := &storage.Invite{TokenHash: "h1", Role: storage.RoleMember, MaxUses: 1, CreatedAt: now}
	mustT(t, db.CreateInvite(ctx, inv))
	if got, err := db.InviteByHash(ctx, "h1"); err != nil || got.ID != inv.ID {
		t.Fatalf("InviteByHash = %+v, %v", got, err)
	}
	if list, err := db.Invites(ctx); err != nil || len(list) != 1 {
		t.Fatalf("Invites = %v, %v", list, err)
	}
	mustT(t, db.UseInvite(ctx, inv.ID, now))
	if err := db.UseInvite(ctx, inv.ID, now); err == nil {
		t.Error("second use of a one-use invite succeeded")
	}
	mustT(t, db.ReturnInvite(ctx, inv.ID))
	mustT(t, db.RevokeInvite(ctx, inv.ID, now))
	if err := db.UseInvite(ctx, inv.ID, now); err == nil {
		t.Error("use of a revoked invite succeeded")
	}

	a := &storage.Account{Username: "alice", URI: "https://rounds.example/users/alice"}
	mustT(t, db.CreateAccount(ctx, a))
	u := &storage.User{AccountID: a.ID, Email: "Alice@Example.org", Role: storage.RoleMember}
	mustT(t, db.CreateUser(ctx, u))
	if got, err := db.UserByEmail(ctx, "alice@EXAMPLE.org"); err != nil || got.ID != u.ID {
		t.Fatalf("UserByEmail = %+v, %v", got, err)
	}
	app := &storage.App{Name: "app", ClientID: "c", SecretHash: "s", Scopes: []string{"read"}}
	mustT(t, db.CreateApp(ctx, app))
	tok := &storage.Token{AppID: app.ID, UserID: u.ID, TokenHash: "t1", Scopes: []string{"read"}}
	mustT(t, db.CreateToken(ctx, tok))
	if list, err := db.TokensOfUser(ctx, u.ID, now); err != nil || len(list) != 1 {
		t.Fatalf("TokensOfUser = %v, %v", list, err)
	}
	if ids, err := db.RevokeAppTokens(ctx, u.ID, app.ID, now); err != nil || !slices.Equal(ids, []int64{tok.ID}) {
		t.Fatalf("RevokeAppTokens = %v, %v", ids, err)
	}
	mustT(t, db.CreateWebSession(ctx, &storage.WebSession{IDHash: "keep", UserID: u.ID}))
	mustT(t, db.CreateWebSession(ctx, &storage.WebSession{IDHash: "end", UserID: u.ID}))
	mustT(t, db.DeleteUserWebSessions(ctx, u.ID, "keep"))
	if _, err := db.WebSessionByHash(ctx, "keep"); err != nil {
		t.Errorf("kept session: %v", err)
	}
	if _, err := db.WebSessionByHash(ctx, "end"); err == nil {
		t.Error("ended session still there")
	}
}

func TestAdminReadsAndErasure(t *testing.T) {
	ctx := t.Context()
	db := open(t, freshSchema(t))
	now := time.Now().UTC()
	alice := &storage.Account{Username: "alice", URI: "https://rounds.example/users/alice"}
	bob := &storage.Account{Username: "bob", Domain: "other.example", URI: "https://other.example/users/bob",
		InboxURI: "https://other.example/users/bob/inbox"}
	mustT(t, db.CreateAccount(ctx, alice))
	mustT(t, db.CreateAccount(ctx, bob))
	u := &storage.User{AccountID: alice.ID, Email: "alice@example.org", Role: storage.RoleMember}
	mustT(t, db.CreateUser(ctx, u))
	st := &storage.Status{URI: "https://rounds.example/statuses/1", AccountID: alice.ID,
		Visibility: storage.VisibilityPublic, Local: true, Tags: []string{"Rounds"}, MentionIDs: []int64{bob.ID}}
	mustT(t, db.CreateStatus(ctx, st))
	mustT(t, db.CreateMedia(ctx, &storage.Media{AccountID: alice.ID, Type: storage.MediaImage, FileKey: "k1"}))

	r := &storage.Report{AccountID: alice.ID, TargetID: bob.ID, StatusIDs: []int64{st.ID}, Category: storage.ReportSpam}
	mustT(t, db.CreateReport(ctx, r))
	if got, err := db.Report(ctx, r.ID); err != nil || !slices.Equal(got.StatusIDs, r.StatusIDs) {
		t.Fatalf("Report = %+v, %v", got, err)
	}
	mustT(t, db.ResolveReport(ctx, r.ID, alice.ID, now))
	if open, err := db.Reports(ctx, false, 10); err != nil || len(open) != 0 {
		t.Fatalf("open Reports = %v, %v", open, err)
	}
	if all, err := db.Reports(ctx, true, 10); err != nil || len(all) != 1 {
		t.Fatalf("all Reports = %v, %v", all, err)
	}

	jobs := []*storage.DeliveryJob{
		{ActivityID: "a1", Inbox: "https://other.example/inbox", Body: []byte("{}"), SignerID: alice.ID, StatusID: st.ID},
		{ActivityID: "a2", Inbox: "https://other.example/users/bob/inbox", Body: []byte("{}"), SignerID: alice.ID},
	}
	mustT(t, db.EnqueueDeliveries(ctx, jobs))
	jobs[1].State, jobs[1].Attempts, jobs[1].LastError = storage.JobFailed, 3, "boom"
	mustT(t, db.FinishDelivery(ctx, jobs[1]))
	doms, err := db.DeliveryDomains(ctx)
	mustT(t, err)
	if len(doms) != 1 || doms[0].Domain != "other.example" || doms[0].Failed != 1 || doms[0].Pending != 1 || doms[0].LastError != "boom" {
		t.Errorf("DeliveryDomains = %+v", doms[0])
	}
	if j, err := db.Delivery(ctx, jobs[1].ID); err != nil || j.State != storage.JobFailed {
		t.Fatalf("Delivery = %+v, %v", j, err)
	}
	mustT(t, db.RetryDelivery(ctx, jobs[1].ID, now))
	if p, err := db.PendingDeliveries(ctx, 10); err != nil || len(p) != 2 {
		t.Fatalf("PendingDeliveries = %v, %v", p, err)
	}
	if in, err := db.InboxesOfSigner(ctx, alice.ID); err != nil || len(in) != 2 {
		t.Fatalf("InboxesOfSigner = %v, %v", in, err)
	}

	keys, err := db.EraseAccountContent(ctx, alice.ID)
	mustT(t, err)
	if !slices.Equal(keys, []string{"k1"}) {
		t.Errorf("EraseAccountContent media keys = %v", keys)
	}
	if _, err := db.Status(ctx, st.ID); err == nil {
		t.Error("status survived erasure")
	}
	gone, err := db.Account(ctx, alice.ID)
	mustT(t, err)
	if gone.DeletedAt.IsZero() {
		t.Error("erased account not marked deleted")
	}
	if n, err := db.CountDeliveries(ctx, storage.JobDropped); err != nil || n != 1 {
		t.Errorf("cancelled deliveries after erasure = %d, %v", n, err)
	}
}

// TestClaimsAreExclusive is what several replicas need of the queues: many
// workers claiming at once get every due job exactly once (FOR UPDATE SKIP
// LOCKED), and nobody waits on another's lock.
func TestClaimsAreExclusive(t *testing.T) {
	ctx := t.Context()
	db := open(t, freshSchema(t))
	a := &storage.Account{Username: "alice", URI: "https://rounds.example/users/alice"}
	mustT(t, db.CreateAccount(ctx, a))
	const total, workers = 300, 8
	now := time.Now().UTC()
	var jobs []*storage.DeliveryJob
	for i := range total {
		jobs = append(jobs, &storage.DeliveryJob{ActivityID: "act", Inbox: "https://x.example/" + strconv.Itoa(i),
			Body: []byte("{}"), SignerID: a.ID, NextAttemptAt: now.Add(-time.Minute)})
		mustT(t, db.EnqueueInbox(ctx, &storage.InboxItem{ActivityID: "in-" + strconv.Itoa(i), ActorURI: "x", Body: []byte("{}"),
			ReceivedAt: now.Add(-time.Minute)}))
	}
	mustT(t, db.EnqueueDeliveries(ctx, jobs))

	var mu sync.Mutex
	seenJobs, seenItems := map[int64]int{}, map[int64]int{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for {
				js, err := db.ClaimDeliveries(ctx, now, now.Add(time.Hour), 7)
				if err != nil {
					errs <- err
					return
				}
				its, err := db.ClaimInbox(ctx, now, now.Add(time.Hour), 7)
				if err != nil {
					errs <- err
					return
				}
				if len(js) == 0 && len(its) == 0 {
					return
				}
				mu.Lock()
				for _, j := range js {
					seenJobs[j.ID]++
				}
				for _, it := range its {
					seenItems[it.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for name, seen := range map[string]map[int64]int{"deliveries": seenJobs, "inbox items": seenItems} {
		if len(seen) != total {
			t.Errorf("%s claimed: %d distinct, want %d", name, len(seen), total)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("%s %d claimed %d times", name, id, n)
			}
		}
	}
}

package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

func job(activity, inbox string, due time.Time) *storage.DeliveryJob {
	return &storage.DeliveryJob{ActivityID: activity, Inbox: inbox, Body: []byte(`{"id":"` + activity + `"}`),
		SignerID: 42, StatusID: 7, NextAttemptAt: due}
}

// claim wraps ClaimDeliveries and sorts by ID: the order of one batch is the
// backend's, workers send a batch in parallel anyway.
func claim(t *testing.T, s storage.Store, now, lease time.Time, n int) []*storage.DeliveryJob {
	t.Helper()
	jobs, err := s.ClaimDeliveries(t.Context(), now, lease, n)
	must(t, err)
	if jobs == nil {
		t.Error("ClaimDeliveries returned nil")
	}
	slices.SortFunc(jobs, func(a, b *storage.DeliveryJob) int { return cmp.Compare(a.ID, b.ID) })
	return jobs
}

func jobID(j *storage.DeliveryJob) int64 { return j.ID }
func itemID(it *storage.InboxItem) int64 { return it.ID }

func countDeliveries(t *testing.T, s storage.Store, want map[string]int) {
	t.Helper()
	for state, n := range want {
		got, err := s.CountDeliveries(t.Context(), state)
		must(t, err)
		if got != n {
			t.Errorf("CountDeliveries(%s) = %d, want %d", state, got, n)
		}
	}
}

var deliveryTests = []test{
	{"EnqueueDeduplicates", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		first := []*storage.DeliveryJob{job("act-1", "https://a.example/inbox", base), job("act-1", "https://b.example/inbox", base)}
		must(t, s.EnqueueDeliveries(ctx, first))
		// A crash between writing a post and marking its fan-out done makes
		// the caller enqueue again, with new objects or the same ones.
		again := job("act-1", "https://a.example/inbox", base)
		again.Body = []byte(`{"second":true}`)
		other := job("act-2", "https://a.example/inbox", base)
		must(t, s.EnqueueDeliveries(ctx, []*storage.DeliveryJob{again, other}))
		must(t, s.EnqueueDeliveries(ctx, first))
		must(t, s.EnqueueDeliveries(ctx, nil))
		countDeliveries(t, s, map[string]int{storage.JobPending: 3})

		jobs := claim(t, s, base, base.Add(time.Minute), 10)
		checkIDs(t, "claimed", jobs, jobID, first[0].ID, first[1].ID, other.ID)
		if len(jobs) > 0 && string(jobs[0].Body) != string(first[0].Body) {
			t.Errorf("the first enqueue's body was replaced: %s", jobs[0].Body)
		}
	}},
	{"EnqueueNeverDropsSilently", func(t *testing.T, s storage.Store) {
		// A job the store cannot keep must fail loudly: skipping is only for
		// an (activity, inbox) pair that is already queued.
		j := job("act-1", "https://a.example/inbox", base)
		j.Body = nil
		if err := s.EnqueueDeliveries(t.Context(), []*storage.DeliveryJob{j}); err == nil {
			countDeliveries(t, s, map[string]int{storage.JobPending: 1})
		}
	}},
	{"ClaimLeases", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		j1 := job("act-1", "https://a.example/inbox", base.Add(-time.Minute))
		j2 := job("act-2", "https://a.example/inbox", base)
		j3 := job("act-3", "https://a.example/inbox", base.Add(time.Hour))
		must(t, s.EnqueueDeliveries(ctx, []*storage.DeliveryJob{j1, j2, j3}))

		jobs := claim(t, s, base, base.Add(5*time.Minute), 10)
		checkIDs(t, "first claim (due jobs only)", jobs, jobID, j1.ID, j2.ID)
		got := jobs[0]
		if got.ActivityID != j1.ActivityID || got.Inbox != j1.Inbox || string(got.Body) != string(j1.Body) ||
			got.SignerID != 42 || got.StatusID != 7 || got.State != storage.JobPending || got.Attempts != 0 {
			t.Errorf("claimed job = %+v, want %+v", got, j1)
		}
		// While leased, another worker must not send the same job.
		checkIDs(t, "claim during the lease", claim(t, s, base.Add(4*time.Minute), base.Add(9*time.Minute), 10), jobID)
		// A worker that died mid-send leaves jobs that come due at the lease's end.
		one := claim(t, s, base.Add(5*time.Minute), base.Add(10*time.Minute), 1)
		if len(one) != 1 || (one[0].ID != j1.ID && one[0].ID != j2.ID) {
			t.Fatalf("claim after the lease with n=1 = %v, want j1 or j2", one)
		}
		rest := claim(t, s, base.Add(5*time.Minute), base.Add(10*time.Minute), 10)
		if len(rest) != 1 || rest[0].ID == one[0].ID {
			t.Errorf("second claim after the lease = %v, want the other job", rest)
		}
		checkIDs(t, "claim after everything is due", claim(t, s, base.Add(2*time.Hour), base.Add(3*time.Hour), 10),
			jobID, j1.ID, j2.ID, j3.ID)
	}},
	{"Finish", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		done, failed, retry := job("a1", "https://a.example/inbox", base), job("a2", "https://a.example/inbox", base), job("a3", "https://a.example/inbox", base)
		must(t, s.EnqueueDeliveries(ctx, []*storage.DeliveryJob{done, failed, retry}))
		claim(t, s, base, base.Add(time.Minute), 10)

		done.State, done.Attempts, done.LastStatus = storage.JobDone, 1, 202
		failed.State, failed.Attempts, failed.LastStatus, failed.LastError = storage.JobFailed, 9, 410, "410 Gone"
		retry.Attempts, retry.LastStatus, retry.LastError, retry.NextAttemptAt = 1, 503, "503 Service Unavailable", base.Add(10*time.Minute)
		for _, j := range []*storage.DeliveryJob{done, failed, retry} {
			must(t, s.FinishDelivery(ctx, j))
		}
		countDeliveries(t, s, map[string]int{storage.JobPending: 1, storage.JobDone: 1, storage.JobFailed: 1, storage.JobDropped: 0})

		list, err := s.Deliveries(ctx, storage.JobFailed, 10)
		must(t, err)
		if len(list) != 1 || list[0].ID != failed.ID || list[0].Attempts != 9 || list[0].LastStatus != 410 || list[0].LastError != "410 Gone" {
			t.Errorf("Deliveries(failed) = %+v, want the failed job with its error", list)
		}
		list, err = s.Deliveries(ctx, storage.JobDone, 10)
		must(t, err)
		checkIDs(t, "Deliveries(done)", list, jobID, done.ID)
		list, err = s.Deliveries(ctx, storage.JobDropped, 10)
		must(t, err)
		checkIDs(t, "Deliveries(cancelled)", list, jobID)

		// The retry waits for its backoff; finished jobs never come back.
		checkIDs(t, "claim before the backoff", claim(t, s, base.Add(9*time.Minute), base.Add(20*time.Minute), 10), jobID)
		jobs := claim(t, s, base.Add(24*time.Hour), base.Add(25*time.Hour), 10)
		checkIDs(t, "claim after the backoff", jobs, jobID, retry.ID)
		if len(jobs) == 1 && (jobs[0].Attempts != 1 || jobs[0].LastError != retry.LastError || jobs[0].LastStatus != 503) {
			t.Errorf("retried job = %+v, want attempts and last error kept", jobs[0])
		}
	}},
	{"CancelledIsNotResurrected", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice := localAccount(t, s, "alice")
		st := post(t, s, alice, nil)
		j := job("create", "https://a.example/inbox", base)
		j.SignerID, j.StatusID = alice.ID, st.ID
		must(t, s.EnqueueDeliveries(ctx, []*storage.DeliveryJob{j}))
		claim(t, s, base, base.Add(time.Minute), 10)
		// The author deletes the post while a worker is sending it.
		must(t, s.DeleteStatus(ctx, st.ID))
		j.State, j.Attempts = storage.JobDone, 1
		must(t, s.FinishDelivery(ctx, j))
		j.State, j.NextAttemptAt = storage.JobPending, base.Add(time.Hour)
		must(t, s.FinishDelivery(ctx, j))
		countDeliveries(t, s, map[string]int{storage.JobDropped: 1, storage.JobDone: 0, storage.JobPending: 0})
		checkIDs(t, "claim a cancelled job", claim(t, s, base.Add(48*time.Hour), base.Add(49*time.Hour), 10), jobID)
	}},
}

var inboxTests = []test{
	{"EnqueueClaimFinish", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		var items []*storage.InboxItem
		for i := range 3 {
			it := &storage.InboxItem{ActivityID: fmt.Sprintf("https://other.example/activities/%d", i),
				ActorURI: "https://other.example/users/bob", Body: []byte(fmt.Sprintf(`{"n":%d}`, i)),
				ReceivedAt: base.Add(time.Duration(i-2) * time.Minute)}
			must(t, s.EnqueueInbox(ctx, it))
			items = append(items, it)
		}
		// Peers redeliver; the same activity id must be applied once.
		dup := &storage.InboxItem{ActivityID: items[0].ActivityID, ActorURI: items[0].ActorURI, Body: []byte(`{}`)}
		wantErr(t, "EnqueueInbox(same activity)", s.EnqueueInbox(ctx, dup), storage.ErrConflict)
		countInbox(t, s, map[string]int{storage.JobPending: 3})

		claimInbox := func(now, lease time.Time, n int) []*storage.InboxItem {
			t.Helper()
			got, err := s.ClaimInbox(ctx, now, lease, n)
			must(t, err)
			return got
		}
		// Oldest first: a Create must be applied before the Update that follows it.
		got := claimInbox(base, base.Add(5*time.Minute), 2)
		checkIDs(t, "ClaimInbox n=2", got, itemID, items[0].ID, items[1].ID)
		if len(got) > 0 && (got[0].ActivityID != items[0].ActivityID || got[0].ActorURI != items[0].ActorURI ||
			string(got[0].Body) != `{"n":0}` || !sameTime(got[0].ReceivedAt, items[0].ReceivedAt) || got[0].State != storage.JobPending) {
			t.Errorf("claimed item = %+v, want %+v", got[0], items[0])
		}
		checkIDs(t, "ClaimInbox rest", claimInbox(base, base.Add(5*time.Minute), 10), itemID, items[2].ID)
		checkIDs(t, "ClaimInbox during the lease", claimInbox(base.Add(4*time.Minute), base.Add(9*time.Minute), 10), itemID)

		items[0].State, items[0].Attempts = storage.JobDone, 1
		items[1].State, items[1].Attempts, items[1].LastError = storage.JobFailed, 5, "unknown actor"
		items[2].Attempts, items[2].LastError, items[2].NextAttemptAt = 1, "fetch timed out", base.Add(time.Hour)
		for _, it := range items {
			must(t, s.FinishInbox(ctx, it))
		}
		countInbox(t, s, map[string]int{storage.JobPending: 1, storage.JobDone: 1, storage.JobFailed: 1})
		checkIDs(t, "ClaimInbox before the retry", claimInbox(base.Add(30*time.Minute), base.Add(time.Hour), 10), itemID)
		got = claimInbox(base.Add(time.Hour), base.Add(2*time.Hour), 10)
		checkIDs(t, "ClaimInbox at the retry", got, itemID, items[2].ID)
		if len(got) == 1 && (got[0].Attempts != 1 || got[0].LastError != "fetch timed out") {
			t.Errorf("retried item = %+v, want attempts and last error kept", got[0])
		}
		// Finished items still count as seen.
		dup.ActivityID = items[0].ActivityID
		wantErr(t, "EnqueueInbox(done activity)", s.EnqueueInbox(ctx, dup), storage.ErrConflict)
	}},
}

func countInbox(t *testing.T, s storage.Store, want map[string]int) {
	t.Helper()
	for state, n := range want {
		got, err := s.CountInbox(t.Context(), state)
		must(t, err)
		if got != n {
			t.Errorf("CountInbox(%s) = %d, want %d", state, got, n)
		}
	}
}

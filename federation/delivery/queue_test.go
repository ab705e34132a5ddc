package delivery

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation/fetch"
	"github.com/rounds-social/rounds/storage"
)

// Every server here listens on 127.0.0.1 and every store is a SQLite file
// in t.TempDir(); outcomes are awaited with a deadline, never timed.

func TestDeliversEachJobOnceSigned(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inboxes := []*inbox{e.inbox(nil), e.inbox(nil), e.inbox(nil)}
	const activities = 5
	for a := range activities {
		for i, ib := range inboxes {
			path := []string{"/inbox", "/users/bob/inbox", "/inbox?x=1"}[i] // the signed target carries the path as sent
			e.enqueue(ib.URL+path, fmt.Sprintf("https://rounds.example/activities/%d", a))
		}
	}
	e.start(Options{})

	want := activities * len(inboxes)
	eventually(t, "all jobs done", func() bool { return e.count(storage.JobDone) == want })
	for i, ib := range inboxes {
		for a := range activities {
			body := activity(fmt.Sprintf("https://rounds.example/activities/%d", a))
			if n := ib.received(body); n != 1 {
				t.Errorf("inbox %d got activity %d %d times, want 1", i, a, n)
			}
		}
		if n := ib.hits.Load(); n != activities {
			t.Errorf("inbox %d: %d requests, want %d", i, n, activities)
		}
	}
	done, _ := e.db.Deliveries(context.Background(), storage.JobDone, 100)
	for _, j := range done {
		if j.Attempts != 1 || j.LastStatus != http.StatusAccepted || j.LastError != "" {
			t.Errorf("job %d: attempts %d, status %d, error %q", j.ID, j.Attempts, j.LastStatus, j.LastError)
		}
	}
}

func TestRetriesServerErrorsUntilDelivered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ib := e.inbox(func(n int, w http.ResponseWriter, _ *http.Request) {
		if n <= 2 {
			http.Error(w, "database on fire", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	})
	j := e.enqueue(ib.URL+"/inbox", "https://rounds.example/activities/1")
	e.start(Options{})

	eventually(t, "job done", func() bool { return e.job(j.ID).State == storage.JobDone })
	got := e.job(j.ID)
	if got.Attempts != 3 || got.LastStatus != http.StatusAccepted || got.LastError != "" {
		t.Errorf("job: attempts %d, status %d, error %q; want 3, 202, none", got.Attempts, got.LastStatus, got.LastError)
	}
	if n := ib.received(j.Body); n != 3 {
		t.Errorf("inbox got the activity %d times, want 3 (two refused, one accepted)", n)
	}
}

func TestPermanentStatusFailsAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ib := e.inbox(status(http.StatusGone, "account deleted\n"))
	j := e.enqueue(ib.URL+"/users/gone/inbox", "https://rounds.example/activities/1")
	e.start(Options{})

	eventually(t, "job failed", func() bool { return e.job(j.ID).State == storage.JobFailed })
	got := e.job(j.ID)
	if got.Attempts != 1 || got.LastStatus != http.StatusGone || got.LastError != "HTTP 410 Gone: account deleted" {
		t.Errorf("job: attempts %d, status %d, error %q", got.Attempts, got.LastStatus, got.LastError)
	}
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ib := e.inbox(status(http.StatusServiceUnavailable, "maintenance"))
	j := e.enqueue(ib.URL+"/inbox", "https://rounds.example/activities/1")
	e.start(Options{MaxAttempts: 3, RetryBase: 10 * time.Millisecond})

	eventually(t, "job failed", func() bool { return e.job(j.ID).State == storage.JobFailed })
	got := e.job(j.ID)
	want := "gave up after 3 attempts: HTTP 503 Service Unavailable: maintenance"
	if got.Attempts != 3 || got.LastStatus != http.StatusServiceUnavailable || got.LastError != want {
		t.Errorf("job: attempts %d, status %d, error %q; want 3, 503, %q", got.Attempts, got.LastStatus, got.LastError, want)
	}
	if n := ib.hits.Load(); n != 3 {
		t.Errorf("inbox hit %d times, want 3", n)
	}
}

// A peer that never answers holds one sender until the client's timeout;
// the other sender carries on with the healthy inbox meanwhile.
func TestHangingInboxDoesNotStallOthers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	release := make(chan struct{})
	hang := e.inbox(func(_ int, _ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done(): // the client gave up
		case <-release:
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server closes
	healthy := e.inbox(nil)

	stuck := e.enqueue(hang.URL+"/inbox", "https://rounds.example/activities/0")
	var jobs []*storage.DeliveryJob
	for i := 1; i <= 5; i++ {
		jobs = append(jobs, e.enqueue(healthy.URL+"/inbox", fmt.Sprintf("https://rounds.example/activities/%d", i)))
	}
	// Quick retries: on a loaded machine a healthy send may hit the 300 ms
	// timeout too, and must get another go. The hanging job keeps retrying,
	// so it holds one of the two senders nearly all the time.
	e.start(Options{Workers: 2, MaxAttempts: 1000, Client: testClient(300 * time.Millisecond)})

	eventually(t, "healthy jobs done", func() bool { return e.count(storage.JobDone) == len(jobs) })
	for _, j := range jobs {
		// At least once: a send that timed out after the peer took it is sent again.
		if n := healthy.received(j.Body); n < 1 {
			t.Errorf("healthy inbox never got %s", j.ActivityID)
		}
	}
	eventually(t, "hanging job timed out", func() bool { return e.job(stuck.ID).Attempts >= 1 })
	got := e.job(stuck.ID)
	msg := strings.ToLower(got.LastError) // net/http words a timeout several ways, depending on which timer fires
	timedOut := strings.Contains(msg, "timeout") || strings.Contains(msg, "deadline exceeded")
	if got.State != storage.JobPending || got.LastStatus != 0 || !timedOut {
		t.Errorf("hanging job: state %s, status %d, error %q; want pending with a timeout", got.State, got.LastStatus, got.LastError)
	}
}

// The client reads at most MaxBody of an answer; what the status says still counts.
func TestHugeResponseBodies(t *testing.T) {
	e := newEnv(t)
	huge := func(code int) func(int, http.ResponseWriter, *http.Request) {
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		return func(_ int, w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(code)
			for range 50 << 20 / len(chunk) { // 50 MiB, streamed without Content-Length
				if _, err := w.Write(chunk); err != nil {
					return // the client stopped reading, as it should
				}
			}
		}
	}
	ok := e.enqueue(e.inbox(huge(http.StatusAccepted)).URL+"/inbox", "https://rounds.example/activities/1")
	bad := e.enqueue(e.inbox(huge(http.StatusInternalServerError)).URL+"/inbox", "https://rounds.example/activities/2")

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	e.start(Options{RetryBase: time.Hour})
	eventually(t, "both attempted", func() bool { return e.job(ok.ID).Attempts == 1 && e.job(bad.ID).Attempts == 1 })
	runtime.ReadMemStats(&after)

	if got := e.job(ok.ID); got.State != storage.JobDone || got.LastStatus != http.StatusAccepted {
		t.Errorf("202 with a huge body: state %s, status %d, error %q; want done", got.State, got.LastStatus, got.LastError)
	}
	got := e.job(bad.ID)
	if got.State != storage.JobPending || got.LastStatus != http.StatusInternalServerError ||
		!strings.HasPrefix(got.LastError, "HTTP 500 Internal Server Error") || !strings.Contains(got.LastError, "too large") {
		t.Errorf("500 with a huge body: state %s, status %d, error %q; want a retry", got.State, got.LastStatus, got.LastError)
	}
	// 100 MiB were offered; a capped reader allocates a few MiB at most.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 40<<20 {
		t.Errorf("allocated %d MiB while reading two 50 MiB answers", alloc>>20)
	}
}

// A worker that claimed jobs and died holds their lease; once it ends the
// jobs come due again and another queue sends each exactly once.
func TestJobsOfACrashedWorkerAreDeliveredOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ib := e.inbox(nil)
	var jobs []*storage.DeliveryJob
	for i := range 3 {
		jobs = append(jobs, e.enqueue(ib.URL+"/inbox", fmt.Sprintf("https://rounds.example/activities/%d", i)))
	}
	ctx, now := context.Background(), time.Now()
	claimed, err := e.db.ClaimDeliveries(ctx, now, now.Add(DefaultLease), 10) // ...and then the worker crashed
	if err != nil || len(claimed) != len(jobs) {
		t.Fatalf("claim: %d jobs, %v", len(claimed), err)
	}
	if again, err := e.db.ClaimDeliveries(ctx, now, now.Add(DefaultLease), 10); err != nil || len(again) != 0 {
		t.Fatalf("second claim within the lease: %d jobs, %v; want none", len(again), err)
	}

	later := func() time.Time { return time.Now().Add(DefaultLease + time.Minute) }
	q := e.start(Options{Now: later})
	eventually(t, "jobs done", func() bool { return e.count(storage.JobDone) == len(jobs) })
	q.stop(t)
	for _, j := range jobs {
		if n := ib.received(j.Body); n != 1 {
			t.Errorf("%s received %d times, want 1", j.ActivityID, n)
		}
	}
	if n := ib.hits.Load(); n != int32(len(jobs)) {
		t.Errorf("inbox hit %d times, want %d", n, len(jobs))
	}
}

func TestUnusableSignerFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ib := e.inbox(nil)
	keyless := &storage.Account{Username: "bob", URI: "https://rounds.example/users/bob"}
	if err := e.db.CreateAccount(context.Background(), keyless); err != nil {
		t.Fatal(err)
	}
	broken := &storage.Account{Username: "carol", URI: "https://rounds.example/users/carol",
		PublicKeyID: "https://rounds.example/users/carol#main-key", PrivateKeyPEM: "not a key"}
	if err := e.db.CreateAccount(context.Background(), broken); err != nil {
		t.Fatal(err)
	}
	cases := map[*storage.DeliveryJob]string{
		e.enqueueAs(123456789, ib.URL+"/inbox", "https://rounds.example/activities/1"):  "does not exist",
		e.enqueueAs(keyless.ID, ib.URL+"/inbox", "https://rounds.example/activities/2"): "has no key",
		e.enqueueAs(broken.ID, ib.URL+"/inbox", "https://rounds.example/activities/3"):  "no PEM block",
	}
	e.start(Options{})
	eventually(t, "jobs failed", func() bool { return e.count(storage.JobFailed) == len(cases) })
	for j, want := range cases {
		if got := e.job(j.ID); got.Attempts != 1 || !strings.Contains(got.LastError, want) {
			t.Errorf("signer %d: attempts %d, error %q; want 1 and %q", j.SignerID, got.Attempts, got.LastError, want)
		}
	}
	if n := ib.hits.Load(); n != 0 {
		t.Errorf("inbox hit %d times, want 0", n)
	}
}

func TestRefusedAddressesFail(t *testing.T) {
	t.Parallel()
	for name, tt := range map[string]struct {
		client *fetch.Client
		want   error
	}{
		"private address": {fetch.NewClient(fetch.Options{AllowHTTP: true}), fetch.ErrForbiddenAddress},
		"plain http":      {fetch.NewClient(fetch.Options{AllowPrivate: true}), fetch.ErrScheme},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			ib := e.inbox(nil)
			j := e.enqueue(ib.URL+"/inbox", "https://rounds.example/activities/1")
			e.start(Options{Client: tt.client})
			eventually(t, "job failed", func() bool { return e.job(j.ID).State == storage.JobFailed })
			if got := e.job(j.ID); got.Attempts != 1 || !strings.Contains(got.LastError, tt.want.Error()) {
				t.Errorf("attempts %d, error %q; want 1 and %q", got.Attempts, got.LastError, tt.want)
			}
			if n := ib.hits.Load(); n != 0 {
				t.Errorf("inbox hit %d times, want 0", n)
			}
		})
	}
}

// countingStore counts claims, so a test knows the queue has looked once.
type countingStore struct {
	Store
	claims atomic.Int32
}

func (s *countingStore) ClaimDeliveries(ctx context.Context, now, lease time.Time, n int) ([]*storage.DeliveryJob, error) {
	defer s.claims.Add(1)
	return s.Store.ClaimDeliveries(ctx, now, lease, n)
}

// With an hour between polls, only Notify can get the job out.
func TestNotifyWakesAnIdleQueue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ib := e.inbox(nil)
	store := &countingStore{Store: e.db}
	q := startQueue(t, store, Options{Poll: time.Hour})
	eventually(t, "first claim", func() bool { return store.claims.Load() > 0 })

	j := e.enqueue(ib.URL+"/inbox", "https://rounds.example/activities/1")
	q.Notify()
	q.Notify() // never blocks, even with a wake-up pending
	eventually(t, "job done", func() bool { return e.job(j.ID).State == storage.JobDone })
}

// Cancelling Run lets the send in flight finish and be recorded.
func TestRunWaitsForSendsInFlight(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	started, release := make(chan struct{}), make(chan struct{})
	ib := e.inbox(func(int, http.ResponseWriter, *http.Request) {
		close(started)
		<-release
	})
	j := e.enqueue(ib.URL+"/inbox", "https://rounds.example/activities/1")
	q := e.start(Options{})
	<-started
	q.cancel()
	select {
	case <-q.done:
		t.Fatal("Run returned with a send in flight")
	default:
	}
	close(release)
	q.stop(t)
	if got := e.job(j.ID); got.State != storage.JobDone {
		t.Errorf("job state %s after shutdown, want done", got.State)
	}
}

// Keep-alive connections belong to the client (and fetch's transport does
// not pass CloseIdleConnections on), so this counts the queue's own
// goroutines: those with a Queue method on their stack.
func TestRunReturnsWithoutLeakingGoroutines(t *testing.T) {
	e := newEnv(t)
	ib := e.inbox(nil)
	for i := range 10 {
		e.enqueue(ib.URL+"/inbox", fmt.Sprintf("https://rounds.example/activities/%d", i))
	}
	q := e.start(Options{})
	eventually(t, "jobs done", func() bool { return e.count(storage.JobDone) == 10 })
	if n := queueGoroutines(); n == 0 {
		t.Fatal("no queue goroutine seen while running: the count below would prove nothing")
	}
	q.stop(t)
	if n := queueGoroutines(); n != 0 {
		t.Errorf("%d queue goroutines left after Run returned", n)
	}
}

func queueGoroutines() int {
	buf := make([]byte, 8<<20)
	n := 0
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.Contains(g, "delivery.(*Queue)") {
			n++
		}
	}
	return n
}

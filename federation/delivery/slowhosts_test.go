package delivery

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// A host whose send has run past slowAfter keeps one worker: its other jobs
// are put back, and other hosts' deliveries go ahead meanwhile.
func TestSlowHostKeepsOneWorker(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	release := make(chan struct{})
	var inFlight, most atomic.Int32
	slow := e.inbox(func(_ int, w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	healthy := e.inbox(nil)
	first := e.enqueue(slow.URL+"/users/a/inbox", "https://rounds.example/activities/slow-0")
	q := e.start(Options{Workers: 2, Client: testClient(5 * time.Second)})
	eventually(t, "the first slow send", func() bool { return inFlight.Load() == 1 })
	time.Sleep(slowAfter + 200*time.Millisecond)

	var slowJobs, fastJobs []*storage.DeliveryJob
	for i := 1; i <= 3; i++ {
		slowJobs = append(slowJobs, e.enqueue(fmt.Sprintf("%s/users/%d/inbox", slow.URL, i), fmt.Sprintf("https://rounds.example/activities/slow-%d", i)))
		fastJobs = append(fastJobs, e.enqueue(healthy.URL+"/inbox", fmt.Sprintf("https://rounds.example/activities/fast-%d", i)))
	}
	q.Notify()
	eventually(t, "healthy jobs done", func() bool {
		for _, j := range fastJobs {
			if e.job(j.ID).State != storage.JobDone {
				return false
			}
		}
		return true
	})
	if inFlight.Load() != 1 || most.Load() != 1 {
		t.Errorf("slow host: %d sends in flight, at most %d; want 1 and 1", inFlight.Load(), most.Load())
	}
	for _, j := range slowJobs {
		if got := e.job(j.ID); got.Attempts != 0 || got.State != storage.JobPending {
			t.Errorf("postponed job: attempts %d, state %s; want 0, pending", got.Attempts, got.State)
		}
	}
	close(release)
	eventually(t, "every job done", func() bool {
		for _, j := range append(slowJobs, first) {
			if e.job(j.ID).State != storage.JobDone {
				return false
			}
		}
		return true
	})
}

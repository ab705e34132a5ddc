package delivery

import (
	"context"
	"net/url"
	"sync"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// slowAfter is how long a send may run before its host counts as slow.
// Healthy peers answer well inside it; a peer that hangs or crawls does not.
// A host whose send took longer stays slow for slowFor: it keeps one worker
// at a time until it answers promptly again.
const (
	slowAfter = time.Second
	slowFor   = time.Minute
)

// hostSends tracks the sends in flight per inbox host, so that a host which
// hangs or answers slowly cannot take every worker: while one of its sends
// has been running longer than slowAfter, more jobs for that host are put
// back (see Queue.defer) instead of taking a worker, and the other hosts'
// deliveries go ahead. Fast hosts are never held back, so a fan-out to one
// big instance still uses every worker. (A burst to a host not yet known to
// be slow can still hold every worker once, for up to the request timeout.)
type hostSends struct {
	mu        sync.Mutex
	start     map[string]map[int64]time.Time // host → job id → send start
	slowUntil map[string]time.Time           // hosts whose last slow send ended recently
}

func newHostSends() *hostSends {
	return &hostSends{start: map[string]map[int64]time.Time{}, slowUntil: map[string]time.Time{}}
}

func inboxHost(inbox string) string {
	u, err := url.Parse(inbox)
	if err != nil {
		return inbox
	}
	return u.Host
}

// slow reports whether host has a send in flight that began before now-slowAfter.
func (h *hostSends) slow(host string, now time.Time) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.start[host]) > 0 && now.Before(h.slowUntil[host]) {
		return true
	}
	for _, t := range h.start[host] {
		if now.Sub(t) > slowAfter {
			return true
		}
	}
	return false
}

func (h *hostSends) begin(host string, id int64, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := h.start[host]
	if m == nil {
		m = map[int64]time.Time{}
		h.start[host] = m
	}
	m[id] = now
}

func (h *hostSends) end(host string, id int64, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if now.Sub(h.start[host][id]) > slowAfter {
		h.slowUntil[host] = now.Add(slowFor)
	} else {
		delete(h.slowUntil, host)
	}
	delete(h.start[host], id)
	if len(h.start[host]) == 0 {
		delete(h.start, host)
	}
}

// postpone puts a claimed job back without an attempt, due again once the
// slow send to its host must have ended (it is bounded by the client timeout).
func (q *Queue) postpone(ctx context.Context, j *storage.DeliveryJob, now time.Time) {
	wait := q.opt.Client.HTTP().Timeout
	if wait <= 0 || wait > q.opt.Lease {
		wait = q.opt.Lease / 2
	}
	j.NextAttemptAt = now.Add(wait)
	j.State = storage.JobPending
	if err := q.store.FinishDelivery(ctx, j); err != nil {
		// Still leased: it comes due when the lease ends; nothing is lost.
		q.log.Error("postpone delivery to a slow host", "job", j.ID, "inbox", j.Inbox, "err", err)
	}
}

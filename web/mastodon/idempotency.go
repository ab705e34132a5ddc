package mastodon

import (
	"context"
	"sync"
	"time"
)

// idempotency remembers which status each Idempotency-Key produced, per
// account, for a while: a client that retries a POST whose answer it never
// got (a dropped connection on a ward's Wi-Fi) must not publish twice.
// Memory is bounded: every key has the same lifetime, so insertion order is
// expiry order and the oldest keys go first when the map is full.
type idempotency struct {
	mu    sync.Mutex
	ttl   time.Duration
	size  int
	now   func() time.Time
	byKey map[idemKey]*idemEntry
	order []idemRef
}

type idemKey struct {
	account int64
	key     string
}

// idemEntry is a key's outcome; statusID is 0 while its POST is in flight,
// and done closes when it lands.
type idemEntry struct {
	statusID int64
	at       time.Time
	done     chan struct{}
}

type idemRef struct {
	key   idemKey
	entry *idemEntry
}

func newIdempotency(ttl time.Duration, size int) *idempotency {
	return &idempotency{ttl: ttl, size: size, now: time.Now, byKey: map[idemKey]*idemEntry{}}
}

// claim returns the status an earlier request with k produced (found), or
// reserves k for the caller, who must then call finish. A concurrent request
// with the same key waits for the first one instead of posting too.
func (c *idempotency) claim(ctx context.Context, k idemKey) (statusID int64, found bool, e *idemEntry, err error) {
	for {
		c.mu.Lock()
		c.expire()
		cur := c.byKey[k]
		if cur == nil {
			cur = &idemEntry{at: c.now(), done: make(chan struct{})}
			c.byKey[k] = cur
			c.order = append(c.order, idemRef{k, cur})
			c.mu.Unlock()
			return 0, false, cur, nil
		}
		if cur.statusID != 0 {
			c.mu.Unlock()
			return cur.statusID, true, nil, nil
		}
		c.mu.Unlock()
		select {
		case <-cur.done:
		case <-ctx.Done():
			return 0, false, nil, ctx.Err()
		}
	}
}

// finish records the status the reserved key produced; 0 means the POST
// failed, and the key is released so a retry can try again.
func (c *idempotency) finish(k idemKey, e *idemEntry, statusID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if statusID == 0 && c.byKey[k] == e {
		delete(c.byKey, k)
	}
	e.statusID = statusID
	close(e.done)
}

// expire drops keys past their lifetime and the oldest beyond size.
func (c *idempotency) expire() {
	cutoff := c.now().Add(-c.ttl)
	for len(c.order) > 0 {
		ref := c.order[0]
		if len(c.order) <= c.size && ref.entry.at.After(cutoff) {
			return
		}
		if c.byKey[ref.key] == ref.entry {
			delete(c.byKey, ref.key)
		}
		c.order[0] = idemRef{}
		c.order = c.order[1:]
	}
}

package ratelimit

import (
	"sync"
	"time"
)

// Failures counts failed sign-ins per key (an IP, an e-mail) in fixed
// windows. A fixed window is chosen over golang.org/x/time/rate's token
// bucket because the rule is "N failures per window", only failures count,
// and a success must be able to clear a key: a map of counters says that
// directly and needs no new dependency. State is per process; a restart
// forgets it, which only ever errs towards letting a user in.
type Failures struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	hits   map[string]*failWindow
	swept  time.Time
}

type failWindow struct {
	start time.Time
	n     int
}

// NewFailures allows limit failures per key per window d.
func NewFailures(limit int, d time.Duration) *Failures {
	return &Failures{limit: limit, window: d, hits: map[string]*failWindow{}}
}

// Blocked reports whether key has used up its failures, and until when.
func (l *Failures) Blocked(key string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.hits[key]
	if w == nil || now.Sub(w.start) >= l.window {
		return false, time.Time{}
	}
	return w.n >= l.limit, w.start.Add(l.window)
}

// Fail records one failure for key.
func (l *Failures) Fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	w := l.hits[key]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &failWindow{start: now}
		l.hits[key] = w
	}
	w.n++
}

// Reset forgets key's failures (after a successful sign-in).
func (l *Failures) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, key)
}

// sweep drops finished windows once per window, so a flood of distinct
// keys cannot grow the map without bound for long.
func (l *Failures) sweep(now time.Time) {
	if now.Sub(l.swept) < l.window {
		return
	}
	l.swept = now
	for k, w := range l.hits {
		if now.Sub(w.start) >= l.window {
			delete(l.hits, k)
		}
	}
}

package pages

import (
	"sync"
	"time"
)

// failureLimiter counts failed sign-ins per key (an IP, an e-mail) in fixed
// windows: "N failures per window", where a success clears a key. It
// mirrors web/oauth's unexported limiter (same rule, same defaults); the
// two could move to one shared package. State is per process.
type failureLimiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	hits   map[string]*window
	swept  time.Time
}

type window struct {
	start time.Time
	n     int
}

func newFailureLimiter(limit int, d time.Duration) *failureLimiter {
	return &failureLimiter{limit: limit, window: d, hits: map[string]*window{}}
}

// blocked reports whether key has used up its failures, and until when.
func (l *failureLimiter) blocked(key string, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.hits[key]
	if w == nil || now.Sub(w.start) >= l.window {
		return false, time.Time{}
	}
	return w.n >= l.limit, w.start.Add(l.window)
}

// fail records one failure for key.
func (l *failureLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) >= l.window {
		// Drop finished windows once per window, so a flood of distinct
		// keys cannot grow the map without bound for long.
		l.swept = now
		for k, w := range l.hits {
			if now.Sub(w.start) >= l.window {
				delete(l.hits, k)
			}
		}
	}
	w := l.hits[key]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &window{start: now}
		l.hits[key] = w
	}
	w.n++
}

// reset forgets key's failures.
func (l *failureLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.hits, key)
}

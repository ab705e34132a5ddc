// Package ratelimit counts requests per key (a remote host, a token, an IP)
// in fixed windows, with a bound on how many keys it remembers.
//
// A fixed window per key is chosen over golang.org/x/time/rate's token
// bucket: the limits are stated as "N requests per window" (Mastodon's
// 300 per 5 minutes), the X-RateLimit-Remaining and -Reset headers clients
// read are exactly a window's counter and end, and it needs no dependency.
// The price is that a key may spend up to 2N across a window boundary,
// which is acceptable for abuse protection.
//
// Memory is bounded by MaxKeys: when the table is full, finished windows are
// dropped, and if none has finished, an arbitrary key is evicted — evicting
// errs towards letting a request through, never towards refusing one.
package ratelimit

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// DefaultMaxKeys is the key table's size when MaxKeys is zero (about 100
// bytes a key: a few MB at most).
const DefaultMaxKeys = 50_000

// Limiter allows Limit requests per key in each Window. A nil *Limiter, or
// one with Limit <= 0, allows everything.
type Limiter struct {
	limit   int
	window  time.Duration
	maxKeys int

	mu    sync.Mutex
	keys  map[string]*counter
	swept time.Time
}

type counter struct {
	start time.Time
	n     int
}

// New returns a limiter of limit requests per window per key, remembering at
// most maxKeys keys (0 means DefaultMaxKeys). limit <= 0 returns nil: no limit.
func New(limit int, window time.Duration, maxKeys int) *Limiter {
	if limit <= 0 || window <= 0 {
		return nil
	}
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	return &Limiter{limit: limit, window: window, maxKeys: maxKeys, keys: map[string]*counter{}}
}

// Result is one decision and what the client may be told about it.
type Result struct {
	Allowed   bool
	Limit     int
	Remaining int
	Reset     time.Time // when the key's window ends
}

// RetryAfter is how long to wait before the window ends, in whole seconds
// (at least 1).
func (r Result) RetryAfter(now time.Time) int {
	s := int((r.Reset.Sub(now) + time.Second - 1) / time.Second)
	return max(s, 1)
}

// Allow counts one request for key at now and says whether it may proceed.
// A refused request does not count.
func (l *Limiter) Allow(key string, now time.Time) Result {
	if l == nil {
		return Result{Allowed: true}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.keys[key]
	if c == nil || now.Sub(c.start) >= l.window || now.Before(c.start) {
		if c == nil {
			l.makeRoom(now)
		}
		c = &counter{start: now}
		l.keys[key] = c
	}
	res := Result{Limit: l.limit, Reset: c.start.Add(l.window)}
	if c.n >= l.limit {
		return res
	}
	c.n++
	res.Allowed, res.Remaining = true, l.limit-c.n
	return res
}

// Len is how many keys the limiter remembers.
func (l *Limiter) Len() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

// makeRoom keeps the table under maxKeys: sweep finished windows (at most
// once a window, or when full), then evict arbitrary keys if still full.
func (l *Limiter) makeRoom(now time.Time) {
	full := len(l.keys) >= l.maxKeys
	if full || now.Sub(l.swept) >= l.window {
		l.swept = now
		for k, c := range l.keys {
			if now.Sub(c.start) >= l.window {
				delete(l.keys, k)
			}
		}
	}
	for k := range l.keys {
		if len(l.keys) < l.maxKeys {
			break
		}
		delete(l.keys, k)
	}
}

// SetHeaders writes Mastodon's X-RateLimit-Limit, -Remaining and -Reset
// (an ISO 8601 time, as Mastodon sends it).
func (r Result) SetHeaders(h http.Header) {
	if r.Limit == 0 {
		return
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(r.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(r.Remaining))
	h.Set("X-RateLimit-Reset", r.Reset.UTC().Format("2006-01-02T15:04:05.000Z"))
}

// Refuse answers 429 with Retry-After and the rate-limit headers and a JSON
// error body, as every Rounds error is.
func (r Result) Refuse(w http.ResponseWriter, now time.Time) {
	r.SetHeaders(w.Header())
	w.Header().Set("Retry-After", strconv.Itoa(r.RetryAfter(now)))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte(`{"error":"Too many requests"}` + "\n"))
}

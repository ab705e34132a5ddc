package ratelimit

import (
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestAllowCountsPerKeyAndWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(3, time.Minute, 0)
	for i := range 3 {
		r := l.Allow("a", t0.Add(time.Duration(i)*time.Second))
		if !r.Allowed || r.Remaining != 2-i || r.Limit != 3 {
			t.Fatalf("request %d: %+v", i, r)
		}
	}
	r := l.Allow("a", t0.Add(10*time.Second))
	if r.Allowed || r.Remaining != 0 || !r.Reset.Equal(t0.Add(time.Minute)) {
		t.Fatalf("4th request: %+v", r)
	}
	if got := r.RetryAfter(t0.Add(10 * time.Second)); got != 50 {
		t.Errorf("RetryAfter = %d, want 50", got)
	}
	if !l.Allow("b", t0.Add(10*time.Second)).Allowed {
		t.Error("another key is limited too")
	}
	if r := l.Allow("a", t0.Add(time.Minute)); !r.Allowed || r.Remaining != 2 {
		t.Errorf("new window: %+v", r)
	}
}

func TestNilAndZeroLimitAllowEverything(t *testing.T) {
	var l *Limiter
	if !l.Allow("x", time.Now()).Allowed || l.Len() != 0 {
		t.Error("nil limiter refused")
	}
	if New(0, time.Minute, 0) != nil || New(5, 0, 0) != nil {
		t.Error("a zero limit or window should mean no limiter")
	}
}

func TestMemoryIsBounded(t *testing.T) {
	now := time.Now()
	l := New(1, time.Hour, 100)
	for i := range 10_000 {
		l.Allow(fmt.Sprint("k", i), now)
	}
	if n := l.Len(); n > 100 {
		t.Errorf("remembers %d keys, want <= 100", n)
	}
	// Finished windows are swept.
	l.Allow("late", now.Add(2*time.Hour))
	if n := l.Len(); n != 1 {
		t.Errorf("after the window: %d keys, want 1", n)
	}
}

func TestConcurrentAllowNeverExceedsLimit(t *testing.T) {
	l := New(100, time.Hour, 0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if l.Allow("k", time.Now()).Allowed {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if ok != 100 {
		t.Errorf("allowed %d of 400, want exactly 100", ok)
	}
}

func TestRefuseWrites429WithHeaders(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := New(1, 5*time.Minute, 0)
	l.Allow("t", now)
	r := l.Allow("t", now.Add(time.Minute))
	w := httptest.NewRecorder()
	r.Refuse(w, now.Add(time.Minute))
	if w.Code != 429 {
		t.Fatalf("status %d", w.Code)
	}
	for h, want := range map[string]string{"Retry-After": "240", "X-RateLimit-Limit": "1",
		"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2026-01-01T00:05:00.000Z"} {
		if got := w.Header().Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if w.Body.String() != `{"error":"Too many requests"}`+"\n" {
		t.Errorf("body %q", w.Body.String())
	}
}

package storage

import (
	"math"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Clients paginate by comparing IDs, so two goroutines must never get the
// same one and no goroutine may see them go backwards.
func TestNewIDConcurrent(t *testing.T) {
	const workers, each = 8, 20000
	got := make([][]int64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			ids := make([]int64, each)
			for i := range ids {
				ids[i] = NewID()
			}
			got[w] = ids
		})
	}
	wg.Wait()

	seen := make(map[int64]bool, workers*each)
	for w, ids := range got {
		for i, id := range ids {
			if i > 0 && id <= ids[i-1] {
				t.Fatalf("goroutine %d: id %d after %d", w, id, ids[i-1])
			}
			if seen[id] {
				t.Fatalf("duplicate id %d", id)
			}
			seen[id] = true
		}
	}
	if len(seen) != workers*each {
		t.Errorf("%d distinct ids, want %d", len(seen), workers*each)
	}
}

func TestIDTimeRoundTrip(t *testing.T) {
	before := time.Now()
	id := NewID()
	after := time.Now()
	at := IDTime(id)
	if at.Before(before.Truncate(time.Millisecond)) || at.After(after) {
		t.Errorf("IDTime(NewID()) = %v, want between %v and %v", at, before, after)
	}
	if at.Location() != time.UTC {
		t.Errorf("IDTime location = %v, want UTC", at.Location())
	}

	ref := time.Date(2025, 3, 14, 9, 30, 0, 123456789, time.UTC)
	if d := ref.Sub(IDTime(IDAt(ref))); d < 0 || d >= time.Millisecond {
		t.Errorf("IDTime(IDAt(t)) is %v off t", d)
	}
	// IDAt is a pagination bound: every ID minted at or after t is >= it.
	var g idGen
	if id := g.next(ref); id < IDAt(ref) || id >= IDAt(ref.Add(time.Millisecond)) {
		t.Errorf("id minted at t = %d, want in [IDAt(t), IDAt(t+1ms))", id)
	}
}

func TestFormatParseID(t *testing.T) {
	for _, id := range []int64{1, 42, NewID(), math.MaxInt64} {
		s := FormatID(id)
		if s != strconv.FormatInt(id, 10) {
			t.Errorf("FormatID(%d) = %q", id, s)
		}
		got, err := ParseID(s)
		if err != nil || got != id {
			t.Errorf("ParseID(%q) = %d, %v; want %d", s, got, err, id)
		}
	}
	for _, s := range []string{"", "-1", "0", "abc", "12x", "1.5", " 1", "9223372036854775808", "99999999999999999999"} {
		if id, err := ParseID(s); err == nil {
			t.Errorf("ParseID(%q) = %d, want an error", s, id)
		}
	}
}

func TestIDsMonotonicWhenClockGoesBack(t *testing.T) {
	var g idGen
	t0 := time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)
	first := g.next(t0)
	// NTP steps the clock back a second: IDs keep increasing anyway.
	back := g.next(t0.Add(-time.Second))
	same := g.next(t0)
	if back <= first || same <= back {
		t.Errorf("ids %d, %d, %d are not increasing", first, back, same)
	}
	// Once the clock passes the last ID's time, IDs follow the clock again.
	later := t0.Add(time.Minute)
	if id := g.next(later); id != IDAt(later) {
		t.Errorf("id after the clock recovered = %d, want IDAt(now) = %d", id, IDAt(later))
	}
	// More than 65536 IDs in one millisecond still never repeat.
	prev := g.next(later)
	for range 70000 {
		id := g.next(later)
		if id <= prev {
			t.Fatalf("id %d after %d within one millisecond", id, prev)
		}
		prev = id
	}
}

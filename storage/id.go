package storage

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// IDs are 64-bit and time-ordered like Mastodon's: the upper 48 bits are
// milliseconds since the Unix epoch, the lower 16 a sequence. Clients sort and
// paginate by comparing them, so they must never go backwards, even when the
// clock does or when many goroutines ask at once.
type idGen struct {
	mu   sync.Mutex
	last int64
}

var ids idGen

// NewID returns a fresh, strictly increasing ID.
func NewID() int64 { return ids.next(time.Now()) }

// IDAt returns the smallest ID that could be minted at t; use it to turn a
// time into a pagination bound.
func IDAt(t time.Time) int64 { return t.UnixMilli() << 16 }

func (g *idGen) next(now time.Time) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	id := IDAt(now)
	if id <= g.last {
		id = g.last + 1
	}
	g.last = id
	return id
}

// IDTime is the time encoded in an ID.
func IDTime(id int64) time.Time { return time.UnixMilli(id >> 16).UTC() }

// FormatID renders an ID as the decimal string the Mastodon API uses.
func FormatID(id int64) string { return strconv.FormatInt(id, 10) }

// ParseID parses a decimal ID from a URL or form.
func ParseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("invalid id %q", s)
	}
	return id, nil
}

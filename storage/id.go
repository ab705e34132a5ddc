package storage

import (
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
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

// idNode is this process's number (1-255) among the processes minting IDs
// for one database, 0 when it is the only one (SQLite).
var idNode atomic.Int64

// SetIDNode makes this process mint IDs that no other process with another
// node number can mint: the low 16 bits become an 8-bit sequence and the
// 8-bit node, so replicas sharing a PostgreSQL database never hand out the
// same ID in the same millisecond. (Within a millisecond a process then
// has 256 IDs before borrowing the next; IDs stay strictly increasing.)
// n must be 1-255; the postgres backend leases one per process.
func SetIDNode(n int64) {
	if n < 1 || n > 255 {
		panic(fmt.Sprintf("storage: ID node %d out of 1-255", n))
	}
	idNode.Store(n)
}

// NewID returns a fresh, strictly increasing ID.
func NewID() int64 { return ids.next(time.Now()) }

// IDAt returns the smallest ID that could be minted at t; use it to turn a
// time into a pagination bound.
func IDAt(t time.Time) int64 { return t.UnixMilli() << 16 }

func (g *idGen) next(now time.Time) int64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	id := IDAt(now)
	if n := idNode.Load(); n != 0 {
		id |= n
		if id <= g.last {
			id = ((g.last>>8)+1)<<8 | n
		}
	} else if id <= g.last {
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

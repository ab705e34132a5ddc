package storage

import (
	"context"
	"time"
)

// AuditEntry is one row of the append-only, hash-chained audit log. The
// federation/audit package computes PrevHash and Hash; storage only keeps them.
type AuditEntry struct {
	Seq     int64 // 1, 2, 3, … with no gaps: a gap means a deleted row
	ID      int64
	At      time.Time // millisecond precision, as stored and hashed
	ActorID int64     // the local account acting, 0 for none
	Actor   string    // username, "system", a CLI operator or a remote actor URI
	Action  string
	Target  string
	IP      string
	// Detail is the canonical JSON of the entry's details, stored as
	// written: the hash covers these exact bytes.
	Detail   string
	PrevHash string // hex SHA-256; 64 zeros for the first entry
	Hash     string // hex SHA-256
}

// AuditFilter selects audit entries. Zero fields match everything.
type AuditFilter struct {
	Action   string
	Actor    string
	Hash     string
	Since    time.Time // inclusive
	Until    time.Time // exclusive
	AfterSeq int64     // only entries with a greater seq
	Limit    int       // 0: no limit
	Newest   bool      // newest first instead of in seq order
}

// Audit is the append-only audit log. The backend refuses updates and
// deletes of its rows, so the application itself cannot rewrite history.
type Audit interface {
	// AuditTail returns the highest seq ever assigned (rows removed since
	// included, where the backend can tell) and the hash of the newest row
	// ("" when the log is empty). Called inside the appending transaction.
	AuditTail(ctx context.Context) (highSeq int64, lastHash string, err error)
	// AppendAudit inserts e as given, Seq and hashes included. A taken seq
	// is an error: entries are never replaced.
	AppendAudit(ctx context.Context, e *AuditEntry) error
	// AuditEntries lists entries matching f.
	AuditEntries(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)
}

package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// Filter selects entries for List and Export. Zero fields match everything.
type Filter struct {
	Action string
	Actor  string
	Since  time.Time // inclusive
	Until  time.Time // exclusive
	Limit  int       // 0: no limit
}

func (f Filter) storage() storage.AuditFilter {
	return storage.AuditFilter{Action: f.Action, Actor: f.Actor, Since: f.Since, Until: f.Until, Limit: f.Limit}
}

// List returns matching entries, newest first: what an admin looking at
// recent activity wants.
func List(ctx context.Context, st storage.Store, f Filter) ([]*storage.AuditEntry, error) {
	sf := f.storage()
	sf.Newest = true
	list, err := st.AuditEntries(ctx, sf)
	if err != nil {
		return nil, fmt.Errorf("list audit log: %w", err)
	}
	return list, nil
}

// Line is one exported entry: the fields a SIEM indexes, plus seq and the
// hashes so the receiving side can check the chain itself.
type Line struct {
	TS       string          `json:"ts"` // RFC 3339, UTC, milliseconds
	Seq      int64           `json:"seq"`
	ID       string          `json:"id"`
	Action   string          `json:"action"`
	Actor    string          `json:"actor"`
	ActorID  string          `json:"actor_id,omitempty"`
	Target   string          `json:"target"`
	IP       string          `json:"ip"`
	Detail   json.RawMessage `json:"detail"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// tsFormat is RFC 3339 with milliseconds, the precision entries are kept at.
const tsFormat = "2006-01-02T15:04:05.000Z07:00"

// NewLine converts an entry to its exported form.
func NewLine(e *storage.AuditEntry) Line {
	detail := json.RawMessage(e.Detail)
	if !json.Valid(detail) {
		// Only a tampered row holds invalid JSON; export it as a string
		// rather than fail the whole export.
		b, _ := json.Marshal(e.Detail)
		detail = b
	}
	l := Line{TS: e.At.UTC().Format(tsFormat), Seq: e.Seq, ID: storage.FormatID(e.ID), Action: e.Action,
		Actor: e.Actor, Target: e.Target, IP: e.IP, Detail: detail, PrevHash: e.PrevHash, Hash: e.Hash}
	if e.ActorID != 0 {
		l.ActorID = storage.FormatID(e.ActorID)
	}
	return l
}

// exportPage is how many entries Export reads at a time, so a six-year log
// streams out without being held in memory.
const exportPage = 500

// Export writes matching entries to w as JSON lines, one entry per line, in
// seq order (oldest first).
func Export(ctx context.Context, st storage.Store, w io.Writer, f Filter) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	sf := f.storage()
	written := 0
	for {
		sf.Limit = exportPage
		if f.Limit > 0 {
			sf.Limit = min(exportPage, f.Limit-written)
		}
		page, err := st.AuditEntries(ctx, sf)
		if err != nil {
			return fmt.Errorf("export audit log: %w", err)
		}
		for _, e := range page {
			if err := enc.Encode(NewLine(e)); err != nil {
				return fmt.Errorf("export audit log: entry %d: %w", e.Seq, err)
			}
			sf.AfterSeq = e.Seq
		}
		written += len(page)
		if len(page) < sf.Limit || (f.Limit > 0 && written >= f.Limit) {
			return nil
		}
	}
}

package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// Problem names how the chain is broken.
type Problem string

// What Verify can find.
const (
	// Edited: an entry's fields no longer match its hash, or an entry was
	// rewritten with a fresh hash that the next entry does not link to.
	Edited Problem = "edited"
	// Deleted: the seq numbers have a gap; the entry after it is named.
	Deleted Problem = "deleted"
	// Reordered: an entry links to an entry other than the one before it.
	Reordered Problem = "reordered"
)

// Report is what Verify found.
type Report struct {
	OK      bool
	Entries int // entries checked: all of them when OK
	// Where the chain breaks, when not OK.
	Seq     int64
	At      time.Time // zero when the broken entry is gone (the newest ones removed)
	Action  string
	Problem Problem
}

// String is the one-line verdict the CLI prints.
func (r Report) String() string {
	if r.OK {
		return fmt.Sprintf("audit chain intact: %d entries", r.Entries)
	}
	if r.At.IsZero() {
		return fmt.Sprintf("audit chain broken at entry %d (the newest entries are missing): %s", r.Seq, r.Problem)
	}
	return fmt.Sprintf("audit chain broken at entry %d (at %s, action %s): %s", r.Seq,
		r.At.UTC().Format(time.RFC3339), r.Action, r.Problem)
}

// verifyPage is how many entries Verify reads at a time.
const verifyPage = 1000

// Verify walks the whole chain in seq order and reports the first entry
// where it breaks. An error means the log could not be read, not that it
// was tampered with.
func Verify(ctx context.Context, st storage.Store) (Report, error) {
	// The high-water mark is read first: entries appended during the walk
	// only raise the last seq seen, so they never look like removals.
	high, _, err := st.AuditTail(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("verify audit log: %w", err)
	}
	w := walker{st: st, prevHash: genesisHash, high: high}
	for {
		page, err := st.AuditEntries(ctx, storage.AuditFilter{AfterSeq: w.lastSeq(), Limit: verifyPage})
		if err != nil {
			return Report{}, fmt.Errorf("verify audit log: %w", err)
		}
		for _, e := range page {
			if r, err := w.check(ctx, e); err != nil || !r.OK {
				return r, err
			}
		}
		if len(page) < verifyPage {
			break
		}
	}
	if w.lastSeq() < high {
		return Report{Seq: w.lastSeq() + 1, Problem: Deleted, Entries: w.n}, nil
	}
	return Report{OK: true, Entries: w.n}, nil
}

// walker carries the chain's state from one entry to the next.
type walker struct {
	st       storage.Store
	prev     *storage.AuditEntry // the last entry that checked out
	prevHash string
	high     int64 // the highest seq ever assigned
	n        int
}

func (w *walker) lastSeq() int64 {
	if w.prev == nil {
		return 0
	}
	return w.prev.Seq
}

// check tests e against the entry before it. The order matters: a gap is
// reported as such before its broken link, and a broken link before a hash
// mismatch, because a moved entry's hash (computed with its old seq) also
// mismatches and "edited" would hide that it was moved.
func (w *walker) check(ctx context.Context, e *storage.AuditEntry) (Report, error) {
	if e.Seq != w.lastSeq()+1 {
		return w.broken(e, Deleted), nil
	}
	if e.PrevHash != w.prevHash {
		return w.brokenLink(ctx, e)
	}
	if entryHash(e) != e.Hash {
		return w.broken(e, Edited), nil
	}
	w.prev, w.prevHash = e, e.Hash
	w.n++
	return Report{OK: true}, nil
}

// brokenLink tells apart the ways e can link to the wrong entry:
//   - it links to an entry that sits elsewhere: moved (reordered);
//   - its fields hash correctly: the entry before it was rewritten with a
//     freshly computed hash (edited), or, at the start, removed (deleted);
//   - its fields hash correctly under a later seq: entries before it were
//     removed and the rest renumbered to close the gap (deleted);
//   - none of these: its own prev_hash was changed (edited).
func (w *walker) brokenLink(ctx context.Context, e *storage.AuditEntry) (Report, error) {
	others, err := w.st.AuditEntries(ctx, storage.AuditFilter{Hash: e.PrevHash, Limit: 1})
	if err != nil {
		return Report{}, fmt.Errorf("verify audit log: %w", err)
	}
	switch {
	case len(others) > 0:
		return w.broken(e, Reordered), nil
	case entryHash(e) == e.Hash && w.prev == nil:
		return w.broken(e, Deleted), nil
	case entryHash(e) == e.Hash:
		return w.broken(w.prev, Edited), nil
	case w.hashesAtLaterSeq(e):
		return w.broken(e, Deleted), nil
	}
	return w.broken(e, Edited), nil
}

// maxRenumber bounds the search for an entry's original seq: a few
// milliseconds of hashing per 10,000 seqs.
const maxRenumber = 1_000_000

// hashesAtLaterSeq reports whether e's fields match its hash under a seq
// above its own (up to the highest ever assigned): it was moved down.
func (w *walker) hashesAtLaterSeq(e *storage.AuditEntry) bool {
	moved := *e
	for moved.Seq = e.Seq + 1; moved.Seq <= min(w.high, e.Seq+maxRenumber); moved.Seq++ {
		if entryHash(&moved) == e.Hash {
			return true
		}
	}
	return false
}

func (w *walker) broken(e *storage.AuditEntry, p Problem) Report {
	return Report{Seq: e.Seq, At: e.At, Action: e.Action, Problem: p, Entries: w.n}
}

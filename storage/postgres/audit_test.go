package postgres

import (
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

func appendAudit(t *testing.T, db *DB, seq int64, action string, at time.Time) *storage.AuditEntry {
	t.Helper()
	e := &storage.AuditEntry{Seq: seq, At: at, Actor: "alice", Action: action, Target: "bob", Detail: "{}",
		PrevHash: strings.Repeat("0", 64), Hash: strings.Repeat(string(rune('a'+seq%6)), 64)}
	if err := db.AppendAudit(t.Context(), e); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestAuditAppendAndTail(t *testing.T) {
	db := open(t, freshSchema(t))
	if high, hash, err := db.AuditTail(t.Context()); err != nil || high != 0 || hash != "" {
		t.Fatalf("empty tail: %d %q %v", high, hash, err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	appendAudit(t, db, 1, "account.create", now)
	last := appendAudit(t, db, 2, "token.grant", now.Add(time.Second))
	if high, hash, err := db.AuditTail(t.Context()); err != nil || high != 2 || hash != last.Hash {
		t.Fatalf("tail: %d %q %v", high, hash, err)
	}
	err := db.AppendAudit(t.Context(), &storage.AuditEntry{Seq: 2, Actor: "x", Action: "x", PrevHash: "p", Hash: "h"})
	if err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Fatalf("duplicate seq: %v", err)
	}
	got, err := db.AuditEntries(t.Context(), storage.AuditFilter{Since: now.Add(time.Millisecond)})
	if err != nil || len(got) != 1 || *got[0] != *last {
		t.Fatalf("since: %v %+v, want %+v", err, got, last)
	}
}

// The application's own connection cannot change or remove entries.
func TestAuditIsAppendOnly(t *testing.T) {
	db := open(t, freshSchema(t))
	appendAudit(t, db, 1, "account.create", time.Now())
	for _, q := range []string{"UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log",
		"TRUNCATE audit_log",
		"INSERT INTO audit_log (seq, id, at, actor, action, prev_hash, hash) VALUES (1, 1, 1, 'm', 'm', 'p', 'h')",
		"INSERT INTO audit_log (seq, id, at, actor, action, prev_hash, hash) VALUES (1, 1, 1, 'm', 'm', 'p', 'h') ON CONFLICT (seq) DO UPDATE SET actor = 'm'",
	} {
		if _, err := db.w.ExecContext(t.Context(), q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", q, err)
		}
	}
	got, _ := db.AuditEntries(t.Context(), storage.AuditFilter{})
	if len(got) != 1 || got[0].Actor != "alice" {
		t.Fatalf("entries after refused writes: %+v", got)
	}
}

func TestAuditEntriesFilters(t *testing.T) {
	db := open(t, freshSchema(t))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := int64(1); i <= 6; i++ {
		appendAudit(t, db, i, []string{"signin.success", "token.grant"}[i%2], base.Add(time.Duration(i)*time.Hour))
	}
	cases := []struct {
		f    storage.AuditFilter
		seqs []int64
	}{
		{storage.AuditFilter{Action: "token.grant"}, []int64{1, 3, 5}},
		{storage.AuditFilter{Action: "token.grant", Newest: true, Limit: 2}, []int64{5, 3}},
		{storage.AuditFilter{AfterSeq: 4}, []int64{5, 6}},
		{storage.AuditFilter{Since: base.Add(2 * time.Hour), Until: base.Add(4 * time.Hour)}, []int64{2, 3}},
		{storage.AuditFilter{Actor: "bob"}, nil},
	}
	for _, c := range cases {
		got, err := db.AuditEntries(t.Context(), c.f)
		if err != nil {
			t.Fatal(err)
		}
		var seqs []int64
		for _, e := range got {
			seqs = append(seqs, e.Seq)
		}
		if len(seqs) != len(c.seqs) || (len(seqs) > 0 && seqs[0] != c.seqs[0] || len(seqs) > 1 && seqs[len(seqs)-1] != c.seqs[len(c.seqs)-1]) {
			t.Errorf("%+v: got %v, want %v", c.f, seqs, c.seqs)
		}
	}
}

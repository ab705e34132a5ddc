package audit

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rounds-social/rounds/storage"
)

func TestVerifyFindsEditedDetail(t *testing.T) {
	l := newLog(t)
	l.fill(t, 6)
	l.tamper(t, `UPDATE audit_log SET detail_json = '{"n":2,"role":"admin"}' WHERE seq = 3`)
	r := l.verify(t)
	wantBroken(t, r, 3, Edited)
	want := fmt.Sprintf("audit chain broken at entry 3 (at %s, action %s): edited", r.At.Format("2006-01-02T15:04:05Z"), Actions[2])
	if r.String() != want || r.Entries != 2 {
		t.Errorf("got %q (%d checked), want %q", r, r.Entries, want)
	}
}

func TestVerifyFindsEditedTimeAndActor(t *testing.T) {
	for col, val := range map[string]string{"at": "at - 3600000", "actor": "'mallory'", "ip": "''", "action": "'token.grant'"} {
		t.Run(col, func(t *testing.T) {
			l := newLog(t)
			l.fill(t, 4)
			l.tamper(t, "UPDATE audit_log SET "+col+" = "+val+" WHERE seq = 2")
			wantBroken(t, l.verify(t), 2, Edited)
		})
	}
}

// An attacker who knows the algorithm rewrites an entry and its hash; the
// next entry still links to the old hash, and Verify names the rewritten one.
func TestVerifyFindsEditWithRecomputedHash(t *testing.T) {
	l := newLog(t)
	l.fill(t, 5)
	e := entry(t, l, 3)
	e.Target = "someone-else"
	l.tamper(t, fmt.Sprintf("UPDATE audit_log SET target = '%s', hash = '%s' WHERE seq = 3", e.Target, entryHash(e)))
	wantBroken(t, l.verify(t), 3, Edited)
}

func TestVerifyFindsDeletedEntry(t *testing.T) {
	l := newLog(t)
	l.fill(t, 6)
	l.tamper(t, "DELETE FROM audit_log WHERE seq = 3")
	r := l.verify(t)
	wantBroken(t, r, 4, Deleted)
	if !strings.HasSuffix(r.String(), "action "+Actions[3]+"): deleted") {
		t.Errorf("message %q", r)
	}
	// The log keeps working, and the break stays reported.
	l.fill(t, 1)
	wantBroken(t, l.verify(t), 4, Deleted)
}

func TestVerifyFindsDeletedFirstEntry(t *testing.T) {
	l := newLog(t)
	l.fill(t, 3)
	l.tamper(t, "DELETE FROM audit_log WHERE seq = 1")
	wantBroken(t, l.verify(t), 2, Deleted)
}

// Removing the newest entries leaves no gap between rows, but SQLite's
// sequence counter remembers them.
func TestVerifyFindsDeletedNewestEntries(t *testing.T) {
	l := newLog(t)
	l.fill(t, 5)
	l.tamper(t, "DELETE FROM audit_log WHERE seq >= 4")
	r := l.verify(t)
	wantBroken(t, r, 4, Deleted)
	if r.String() != "audit chain broken at entry 4 (the newest entries are missing): deleted" {
		t.Errorf("message %q", r)
	}
	// The next entry continues after the gap rather than hiding it.
	l.fill(t, 1)
	wantBroken(t, l.verify(t), 6, Deleted)
}

func TestVerifyFindsSwappedEntries(t *testing.T) {
	for _, pair := range [][2]int{{3, 4}, {1, 2}, {2, 5}} {
		t.Run(fmt.Sprint(pair), func(t *testing.T) {
			l := newLog(t)
			l.fill(t, 6)
			a, b := pair[0], pair[1]
			cols := "id, at, actor_id, actor, action, target, ip, detail_json, prev_hash, hash"
			l.tamper(t,
				fmt.Sprintf("CREATE TEMP TABLE saved AS SELECT * FROM audit_log WHERE seq IN (%d, %d)", a, b),
				fmt.Sprintf("UPDATE audit_log SET (%s) = (SELECT %s FROM saved WHERE saved.seq = %d - audit_log.seq) WHERE seq IN (%d, %d)",
					cols, cols, a+b, a, b))
			if e := entry(t, l, int64(a)); e.Target == "user"+string(rune('a'+a-1)) {
				t.Fatal("rows were not swapped")
			}
			wantBroken(t, l.verify(t), int64(a), Reordered)
		})
	}
}

func TestVerifyFindsRenumberedEntries(t *testing.T) {
	l := newLog(t)
	l.fill(t, 5)
	// Delete entry 3 and close the gap by moving 4 and 5 down.
	l.tamper(t, "DELETE FROM audit_log WHERE seq = 3",
		"UPDATE audit_log SET seq = seq - 1 WHERE seq > 3")
	wantBroken(t, l.verify(t), 3, Deleted)
}

func TestVerifyFindsRemovedFirstEntriesRenumbered(t *testing.T) {
	l := newLog(t)
	l.fill(t, 4)
	l.tamper(t, "DELETE FROM audit_log WHERE seq = 1", "UPDATE audit_log SET seq = seq - 1")
	wantBroken(t, l.verify(t), 1, Deleted)
}

// Changing the link itself breaks the entry's own hash too.
func TestVerifyFindsEditedLink(t *testing.T) {
	l := newLog(t)
	l.fill(t, 4)
	l.tamper(t, "UPDATE audit_log SET prev_hash = '"+strings.Repeat("ab", 32)+"' WHERE seq = 3")
	wantBroken(t, l.verify(t), 3, Edited)
}

func entry(t *testing.T, l *testLog, seq int64) *storage.AuditEntry {
	t.Helper()
	list, err := l.st.AuditEntries(t.Context(), storage.AuditFilter{AfterSeq: seq - 1, Limit: 1})
	if err != nil || len(list) != 1 || list[0].Seq != seq {
		t.Fatalf("entry %d: %v %+v", seq, err, list)
	}
	return list[0]
}

package audit

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/sqlite"
)

// testLog is a store on a real SQLite file, with the file's path for tampering.
type testLog struct {
	st   storage.Store
	path string
}

func newLog(t *testing.T) *testLog {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rounds.db")
	db, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &testLog{st: db, path: path}
}

// fill records n entries, cycling through the actions.
func (l *testLog) fill(t *testing.T, n int) {
	t.Helper()
	for i := range n {
		e := Entry{Actor: "admin", ActorID: 7, Action: Actions[i%len(Actions)], Target: "user" + string(rune('a'+i%26)),
			IP: "10.0.0.1", Detail: map[string]any{"n": i, "role": "member"}}
		if err := Record(t.Context(), l.st, e); err != nil {
			t.Fatal(err)
		}
	}
}

// tamper edits the database file through a separate connection, as someone
// with access to the file would: first dropping the triggers that stop the
// application itself.
func (l *testLog) tamper(t *testing.T, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+l.path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // temp tables live on one connection
	stmts = append([]string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete",
		"DROP TRIGGER audit_log_no_replace"}, stmts...)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func (l *testLog) verify(t *testing.T) Report {
	t.Helper()
	r, err := Verify(t.Context(), l.st)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func wantBroken(t *testing.T, r Report, seq int64, p Problem) {
	t.Helper()
	if r.OK || r.Seq != seq || r.Problem != p {
		t.Fatalf("report %+v (%s), want broken at %d: %s", r, r, seq, p)
	}
}

func TestEveryActionRecordsExactlyOneEntry(t *testing.T) {
	l := newLog(t)
	for _, a := range Actions {
		if err := Record(t.Context(), l.st, Entry{Actor: "alice", ActorID: 1, Action: a, Target: "t-" + a}); err != nil {
			t.Fatalf("record %s: %v", a, err)
		}
	}
	for _, a := range Actions {
		got, err := List(t.Context(), l.st, Filter{Action: a})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Target != "t-"+a || got[0].Actor != "alice" || got[0].Detail != "{}" {
			t.Errorf("action %s: want one entry targeting t-%s, got %d: %+v", a, a, len(got), got)
		}
	}
	if r := l.verify(t); !r.OK || r.Entries != len(Actions) || r.String() != fmt.Sprintf("audit chain intact: %d entries", len(Actions)) {
		t.Errorf("verify: %+v %q", r, r)
	}
}

func TestChainStartsAtZerosAndLinks(t *testing.T) {
	l := newLog(t)
	l.fill(t, 3)
	all, err := l.st.AuditEntries(t.Context(), storage.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if all[0].Seq != 1 || all[0].PrevHash != strings.Repeat("0", 64) {
		t.Errorf("first entry: seq %d prev %q", all[0].Seq, all[0].PrevHash)
	}
	for i, e := range all {
		if e.Hash != entryHash(e) || len(e.Hash) != 64 {
			t.Errorf("entry %d: stored hash %s, recomputed %s", e.Seq, e.Hash, entryHash(e))
		}
		if i > 0 && e.PrevHash != all[i-1].Hash {
			t.Errorf("entry %d does not link to %d", e.Seq, all[i-1].Seq)
		}
	}
}

func TestRecordJoinsCallerTransaction(t *testing.T) {
	l := newLog(t)
	boom := errors.New("boom")
	err := l.st.Tx(t.Context(), func(tx storage.Store) error {
		if err := Record(t.Context(), tx, Entry{Action: AccountSuspend, Target: "bob"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if got, _ := List(t.Context(), l.st, Filter{}); len(got) != 0 {
		t.Fatalf("entry of a rolled-back action was kept: %+v", got)
	}
	err = l.st.Tx(t.Context(), func(tx storage.Store) error {
		return Record(t.Context(), tx, Entry{Action: AccountSuspend, Target: "bob"})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := List(t.Context(), l.st, Filter{})
	if len(got) != 1 || got[0].Actor != SystemActor || got[0].Seq != 1 {
		t.Fatalf("want one entry by system at seq 1, got %+v", got)
	}
}

func TestRecordRefusesUnknownActionsAndText(t *testing.T) {
	l := newLog(t)
	cases := []Entry{
		{Action: "account.creat"},
		{Action: PHIBlock, Detail: map[string]any{"text": "John Smith MRN 123"}},
		{Action: PHIWarn, Detail: map[string]any{"Match": "555-12-3456"}},
		{Action: AccountCreate, Detail: map[string]any{"blob": strings.Repeat("x", maxDetailBytes)}},
	}
	for _, e := range cases {
		if err := Record(t.Context(), l.st, e); err == nil {
			t.Errorf("recorded %+v", e)
		}
	}
	ok := Entry{Action: PHIBlock, Detail: map[string]any{"category": "mrn", "content_sha256": ContentHash("x")}}
	if err := Record(t.Context(), l.st, ok); err != nil {
		t.Fatal(err)
	}
}

// The triggers stop the application's own connections from rewriting rows.
func TestTriggersRefuseUpdateAndDelete(t *testing.T) {
	l := newLog(t)
	l.fill(t, 2)
	db, err := sql.Open("sqlite3", "file:"+l.path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range []string{"UPDATE audit_log SET target = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 2"} {
		if _, err := db.Exec(s); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", s, err)
		}
	}
	if r := l.verify(t); !r.OK || r.Entries != 2 {
		t.Errorf("verify: %s", r)
	}
}

func TestVerifyEmptyLog(t *testing.T) {
	if r := newLog(t).verify(t); !r.OK || r.Entries != 0 {
		t.Errorf("verify of an empty log: %s", r)
	}
}

package main

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rounds-social/rounds/federation/audit"
)

// auditedInstance runs each audited admin command once: 6 entries.
func auditedInstance(t *testing.T) *instance {
	t.Helper()
	in := newInstance(t)
	in.createAccount(t, "alice", "--role", "admin")
	in.token(t, "alice")
	in.mustCLI(t, "admin", "account", "suspend", "alice")
	in.mustCLI(t, "admin", "federation", "allow", "hospital-b.example", "--note", "partner")
	in.mustCLI(t, "admin", "federation", "block", "spam.example")
	in.mustCLI(t, "admin", "federation", "remove", "spam.example")
	return in
}

func TestAdminCommandsAreAudited(t *testing.T) {
	in := auditedInstance(t)
	want := map[string]string{audit.AccountCreate: "alice", audit.TokenGrant: "alice", audit.AccountSuspend: "alice",
		audit.FederationAllow: "hospital-b.example", audit.FederationBlock: "spam.example",
		audit.FederationRemove: "spam.example"}
	for action, target := range want {
		out := in.mustCLI(t, "admin", "audit", "list", "--action", action).stdout
		rows := strings.Split(strings.TrimSpace(out), "\n")
		if len(rows) != 2 || !strings.Contains(rows[1], " "+action+" ") || !strings.Contains(rows[1], target) ||
			!strings.Contains(rows[1], "cli:") {
			t.Errorf("audit list --action %s: want one row for %s by cli:…, got:\n%s", action, target, out)
		}
	}
	out := in.mustCLI(t, "admin", "audit", "list", "--limit", "2").stdout
	if rows := strings.Split(strings.TrimSpace(out), "\n"); len(rows) != 3 || !strings.HasPrefix(rows[1], "6 ") {
		t.Errorf("audit list --limit 2: want the two newest, got:\n%s", out)
	}
	r := in.mustCLI(t, "admin", "audit", "verify")
	if strings.TrimSpace(r.stdout) != "audit chain intact: 6 entries" {
		t.Errorf("verify: %s", r)
	}
}

func TestAuditVerifyReportsTampering(t *testing.T) {
	cases := []struct {
		name  string
		stmts []string
		want  string
	}{
		{"edited", []string{`UPDATE audit_log SET detail_json = '{"scopes":["admin"]}' WHERE seq = 2`},
			`audit chain broken at entry 2 \(at \S+Z, action token.grant\): edited`},
		{"deleted", []string{"DELETE FROM audit_log WHERE seq = 3"},
			`audit chain broken at entry 4 \(at \S+Z, action federation.allow\): deleted`},
		{"reordered", []string{"CREATE TEMP TABLE s AS SELECT * FROM audit_log WHERE seq IN (4, 5)",
			"UPDATE audit_log SET (id, at, actor_id, actor, action, target, ip, detail_json, prev_hash, hash) = " +
				"(SELECT id, at, actor_id, actor, action, target, ip, detail_json, prev_hash, hash FROM s WHERE s.seq = 9 - audit_log.seq) WHERE seq IN (4, 5)"},
			`audit chain broken at entry 4 \(at \S+Z, action federation.block\): reordered`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := auditedInstance(t)
			tamperFile(t, in.db, c.stmts...)
			r := in.cli(t, "admin", "audit", "verify")
			wantExit(t, r, 1)
			if !regexp.MustCompile(c.want).MatchString(r.stderr) || r.stdout != "" {
				t.Errorf("want stderr matching %q:\n%s", c.want, r)
			}
		})
	}
}

// tamperFile edits the database file as someone with access to it would:
// through their own connection, dropping the append-only triggers first.
func tamperFile(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // temp tables live on one connection
	drop := []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete", "DROP TRIGGER audit_log_no_replace"}
	for _, s := range append(drop, stmts...) {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestAuditExport(t *testing.T) {
	in := auditedInstance(t)
	stdout := in.mustCLI(t, "admin", "audit", "export").stdout
	out := filepath.Join(in.dir, "audit.jsonl")
	in.mustCLI(t, "admin", "audit", "export", "--out", out)
	file, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(file) != stdout {
		t.Errorf("--out wrote something else than stdout:\n%s\n---\n%s", file, stdout)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
		t.Errorf("export file mode %v, want 0600", st.Mode().Perm())
	}
	sc := bufio.NewScanner(strings.NewReader(stdout))
	var seq int64
	for sc.Scan() {
		var l audit.Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil || l.Seq != seq+1 || l.TS == "" || l.Hash == "" {
			t.Fatalf("line %d: %v: %s", seq+1, err, sc.Text())
		}
		seq = l.Seq
	}
	if seq != 6 {
		t.Errorf("exported %d entries, want 6", seq)
	}
	one := in.mustCLI(t, "admin", "audit", "export", "--action", "federation.allow").stdout
	if strings.Count(one, "\n") != 1 || !strings.Contains(one, `"detail":{"note":"partner"}`) {
		t.Errorf("filtered export:\n%s", one)
	}
}

func TestAuditCommandsRefuseBadFlags(t *testing.T) {
	in := newInstance(t)
	wantExit(t, in.cli(t, "admin", "audit", "list", "--action", "account.creat"), 2, "not an audit action")
	wantExit(t, in.cli(t, "admin", "audit", "list", "--since", "yesterday"), 2, "expected a date")
	wantExit(t, in.cli(t, "admin", "audit", "verify", "extra"), 2, "unexpected arguments")
	wantExit(t, in.cli(t, "admin", "audit", "purge"), 2, "unknown admin command")
	r := in.mustCLI(t, "admin", "audit", "verify")
	if strings.TrimSpace(r.stdout) != "audit chain intact: 0 entries" {
		t.Errorf("verify of a new instance: %s", r)
	}
}

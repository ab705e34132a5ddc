package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-social/rounds/config"
	"github.com/rounds-social/rounds/storage/testdb"
)

// pgFreshSchema is an empty PostgreSQL schema for one test (storage/testdb).
func pgFreshSchema(t *testing.T) string { return testdb.Schema(t) }

func getJSON(t *testing.T, u string, out any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Accept", "application/activity+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode == 200 && out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("GET %s: %v: %s", u, err, b)
		}
	}
	return resp.StatusCode
}

type actorDoc struct {
	ID        string
	PublicKey struct{ ID, PublicKeyPem string }
}

// TestMigrateToPostgres builds a SQLite instance with real data through the
// API and CLI (accounts, keys, follows across instances, posts, pending
// deliveries, audit entries), moves it to PostgreSQL and runs it there.
func TestMigrateToPostgres(t *testing.T) {
	pg := pgFreshSchema(t)
	hostA, hostB := fedFreeHost(t), fedFreeHost(t)
	dbA, dbB := sqliteDB(t, "a"), sqliteDB(t, "b") // the source of the migration is SQLite
	a := fedStart(t, hostA, dbA)
	b := fedStart(t, hostB, dbB)
	alice, carol := a.user("alice", false), a.user("carol", false)
	bob := b.user("bob", false)

	// bob@B follows alice@A; carol follows alice locally.
	id := bob.resolve("alice@" + hostA)
	bob.do("POST", "/api/v1/accounts/"+id+"/follow", url.Values{}, nil)
	eventually(t, "bob follows alice", func() bool { return bob.relationship(id)["following"] == true })
	cid := carol.resolve("alice")
	carol.do("POST", "/api/v1/accounts/"+cid+"/follow", url.Values{}, nil)
	alice.post("before the move", "public")
	eventually(t, "bob sees the first post", func() bool { return hasContent(bob.home(), "before the move") == 1 })

	// B goes down: alice's next post waits in the delivery queue.
	b.stop()
	alice.post("queued during the move", "public")
	var before actorDoc
	getJSON(t, "http://"+hostA+"/users/alice", &before)
	if before.PublicKey.PublicKeyPem == "" {
		t.Fatalf("actor has no key: %+v", before)
	}
	a.admin("federation", "block", "spam.example")
	a.stop()

	// The move.
	r := runWith(t, nil, "admin", "migrate-to-postgres", "--from", dbA, "--to", pg)
	if r.code != 0 {
		t.Fatalf("migrate-to-postgres: %s", r)
	}
	for _, want := range []string{"accounts", "statuses", "follows", "delivery_jobs", "audit_log", "account_stats", "All "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "MISMATCH") {
		t.Errorf("verification mismatch:\n%s", r.stdout)
	}
	t.Logf("migrate-to-postgres:\n%s", r.stdout)
	// A second run refuses the now non-empty target.
	if r := runWith(t, nil, "admin", "migrate-to-postgres", "--from", dbA, "--to", pg); r.code == 0 || !strings.Contains(r.stderr, "not empty") {
		t.Errorf("second migrate into the same database: %s", r)
	}

	// A runs on PostgreSQL, same host.
	media := t.TempDir()
	a2 := fedStartWith(t, hostA, pg, func(c *config.Config) { c.MediaDir = media })
	var wf struct{ Subject string }
	if code := getJSON(t, "http://"+hostA+"/.well-known/webfinger?resource=acct:alice@"+hostA, &wf); code != 200 || wf.Subject == "" {
		t.Errorf("webfinger after the move: HTTP %d %+v", code, wf)
	}
	var after actorDoc
	getJSON(t, "http://"+hostA+"/users/alice", &after)
	if after.PublicKey != before.PublicKey || after.ID != before.ID {
		t.Errorf("actor changed in the move:\nbefore %+v\nafter  %+v", before, after)
	}
	alice.base, carol.base = "http://"+hostA, "http://"+hostA
	if n := hasContent(carol.home(), "before the move"); n != 1 {
		t.Errorf("carol's home timeline after the move has the post %d times", n)
	}
	if n := hasContent(alice.home(), "queued during the move"); n != 1 {
		t.Errorf("alice's home timeline after the move has her post %d times", n)
	}
	a2.admin("audit", "verify") // fails the test unless the hash chain verifies
	if out := a2.admin("federation", "list"); !strings.Contains(out, "spam.example") {
		t.Errorf("federation rules after the move: %s", out)
	}
	// The post queued while B was down is delivered from PostgreSQL.
	b2 := fedStart(t, hostB, dbB)
	_ = b2
	eventually(t, "bob gets the queued post", func() bool { return hasContent(bob.home(), "queued during the move") == 1 })
	// New writes work (sequences and ids continue).
	alice.post("after the move", "public")
	eventually(t, "bob gets a post made on PostgreSQL", func() bool { return hasContent(bob.home(), "after the move") == 1 })
}

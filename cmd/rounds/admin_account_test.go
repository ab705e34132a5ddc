package main

import (
	"strings"
	"testing"

	"github.com/rounds-social/rounds/federation"
)

func TestAccountCreatePrintsGeneratedPassword(t *testing.T) {
	in := newInstance(t)
	r := in.mustCLI(t, "admin", "account", "create", "--username", "alice", "--email", "alice@test.example", "--role", "admin")
	for _, want := range []string{"created alice (alice@test.example) with role admin", "actor: " + in.baseURL() + "/users/alice", "password: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout does not contain %q:\n%s", want, r.stdout)
		}
	}
	_, pw, _ := strings.Cut(r.stdout, "password: ")
	pw, _, _ = strings.Cut(pw, "\n")
	if len(pw) < federation.MinPasswordLength {
		t.Errorf("generated password %q is shorter than %d", pw, federation.MinPasswordLength)
	}

	list := in.mustCLI(t, "admin", "account", "list")
	if !strings.Contains(list.stdout, "alice") || !strings.Contains(list.stdout, "admin") || !strings.Contains(list.stdout, "active") {
		t.Errorf("account list does not show alice as an active admin:\n%s", list.stdout)
	}
}

func TestAccountCreateWithPasswordDoesNotPrintIt(t *testing.T) {
	in := newInstance(t)
	r := in.mustCLI(t, "admin", "account", "create", "--username", "bob", "--email", "bob@test.example", "--password", "correct horse battery")
	if strings.Contains(r.stdout, "password") || strings.Contains(r.stdout, "correct horse") {
		t.Errorf("a password the admin chose was echoed:\n%s", r.stdout)
	}
}

func TestAccountListHidesInstanceActor(t *testing.T) {
	in := newInstance(t)
	in.createAccount(t, "alice")
	in.createAccount(t, "bob", "--role", "moderator")
	// A server start creates the instance actor; the list must still show
	// people only.
	startServer(t, in).stop()

	out := in.mustCLI(t, "admin", "account", "list").stdout
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("want a header and two accounts, got:\n%s", out)
	}
	if !strings.HasPrefix(lines[1], "alice") || !strings.HasPrefix(lines[2], "bob") || !strings.Contains(lines[2], "moderator") {
		t.Errorf("unexpected rows:\n%s", out)
	}
	if strings.Contains(out, "instance.actor") {
		t.Errorf("account list shows the internal instance actor:\n%s", out)
	}
}

func TestAccountCreateRefusesBadInput(t *testing.T) {
	in := newInstance(t)
	in.createAccount(t, "alice")
	before := in.mustCLI(t, "admin", "account", "list").stdout

	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"duplicate username", []string{"--username", "alice", "--email", "other@test.example"}, 1, `username "alice" is already taken`},
		{"duplicate username, other case", []string{"--username", "Alice", "--email", "other@test.example"}, 1, "already taken"},
		{"duplicate email", []string{"--username", "alice2", "--email", "alice@test.example"}, 1, `email "alice@test.example" is already registered`},
		{"duplicate email, other case", []string{"--username", "alice2", "--email", "ALICE@test.example"}, 1, "already registered"},
		{"bad email", []string{"--username", "carol", "--email", "carol"}, 1, `email "carol" is not a valid address`},
		{"email with display name", []string{"--username", "carol", "--email", "Carol <carol@test.example>"}, 1, "not a valid address"},
		{"bad username", []string{"--username", "carol smith", "--email", "carol@test.example"}, 1, "is invalid"},
		{"username too long", []string{"--username", strings.Repeat("c", 31), "--email", "carol@test.example"}, 1, "is invalid"},
		{"instance actor name", []string{"--username", "instance.actor", "--email", "carol@test.example"}, 1, "is invalid"},
		{"bad role", []string{"--username", "carol", "--email", "carol@test.example", "--role", "owner"}, 1, `role "owner" is invalid: use admin, moderator or member`},
		{"short password", []string{"--username", "carol", "--email", "carol@test.example", "--password", "short"}, 1, "password is too short"},
		{"long password", []string{"--username", "carol", "--email", "carol@test.example", "--password", strings.Repeat("p", 73)}, 1, "password is too long"},
		{"missing username", []string{"--email", "carol@test.example"}, 2, "--username and --email are required"},
		{"missing email", []string{"--username", "carol"}, 2, "--username and --email are required"},
		{"unknown flag", []string{"--username", "carol", "--email", "carol@test.example", "--admin"}, 2, "flag provided but not defined: -admin"},
		{"stray argument", []string{"--username", "carol", "--email", "carol@test.example", "extra"}, 2, "unexpected arguments"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := in.cli(t, append([]string{"admin", "account", "create"}, c.args...)...)
			wantExit(t, r, c.code, c.msg)
			if c.code == exitUsage && !strings.Contains(r.stderr, "Usage: rounds admin account create") {
				t.Errorf("usage error without the usage:\n%s", r)
			}
			if r.stdout != "" {
				t.Errorf("a refused create printed to stdout:\n%s", r.stdout)
			}
		})
	}
	if after := in.mustCLI(t, "admin", "account", "list").stdout; after != before {
		t.Errorf("refused creates changed the accounts:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func TestAccountSuspend(t *testing.T) {
	in := newInstance(t)
	in.createAccount(t, "alice")
	in.createAccount(t, "bob")
	srv := startServer(t, in)
	early := in.token(t, "alice")
	if code, _ := srv.get(t, "/api/v1/accounts/verify_credentials", early); code != 200 {
		t.Fatalf("verify_credentials before suspension: %d, want 200", code)
	}

	r := in.mustCLI(t, "admin", "account", "suspend", "alice")
	if !strings.Contains(r.stdout, "suspended alice") {
		t.Errorf("suspend output: %s", r.stdout)
	}
	list := in.mustCLI(t, "admin", "account", "list").stdout
	if !strings.Contains(lineOf(list, "alice"), "suspended") || !strings.Contains(lineOf(list, "bob"), "active") {
		t.Errorf("list after suspending alice:\n%s", list)
	}

	wantExit(t, in.cli(t, "admin", "token", "create", "--username", "alice"), 1, `account "alice" is suspended`)
	code, body := srv.get(t, "/api/v1/accounts/verify_credentials", early)
	if code != 403 || body["error"] == nil {
		t.Errorf("verify_credentials with a token issued before suspension: %d %v, want 403 with an error", code, body)
	}
	// Suspended accounts disappear from discovery and the user count.
	if code, _ := srv.get(t, "/.well-known/webfinger?resource=acct:alice@"+in.host, ""); code != 404 {
		t.Errorf("webfinger for a suspended account: %d, want 404", code)
	}
	if _, inst := srv.get(t, "/api/v1/instance", ""); number(inst, "stats", "user_count") != 1 {
		t.Errorf("user_count after suspending one of two: %v, want 1", inst["stats"])
	}
	// Bob is untouched.
	if code, _ := srv.get(t, "/api/v1/accounts/verify_credentials", in.token(t, "bob")); code != 200 {
		t.Errorf("bob's token: %d, want 200", code)
	}
}

func TestAccountSuspendRefusesBadInput(t *testing.T) {
	in := newInstance(t)
	in.createAccount(t, "alice")
	wantExit(t, in.cli(t, "admin", "account", "suspend", "nobody"), 1, `no local account named "nobody"`)
	wantExit(t, in.cli(t, "admin", "account", "suspend", "instance.actor"), 1, "no local account")
	wantExit(t, in.cli(t, "admin", "account", "suspend"), 2, "exactly one USERNAME")
	wantExit(t, in.cli(t, "admin", "account", "suspend", "alice", "bob"), 2, "exactly one USERNAME")
}

func lineOf(table, prefix string) string {
	for _, l := range strings.Split(table, "\n") {
		if strings.HasPrefix(l, prefix+" ") {
			return l
		}
	}
	return ""
}

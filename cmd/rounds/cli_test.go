package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestCommandLineUsage(t *testing.T) {
	in := newInstance(t)
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring of stdout, if any
		stderr string // substring of stderr, if any
	}{
		{"no command", nil, 2, "", "Usage:"},
		{"unknown command", []string{"serv"}, 2, "", `unknown command "serv"`},
		{"help", []string{"--help"}, 0, "rounds serve", ""},
		{"help word", []string{"help"}, 0, "rounds admin", ""},
		{"version", []string{"version"}, 0, "rounds " + version, ""},
		{"--version", []string{"--version"}, 0, "rounds " + version, ""},
		{"serve help", []string{"serve", "--help"}, 0, "", "Usage: rounds serve"},
		{"serve unknown flag", []string{"serve", "--port", "80"}, 2, "", "flag provided but not defined: -port"},
		{"serve stray argument", []string{"serve", "now"}, 2, "", "serve takes no arguments"},
		{"admin alone", []string{"admin"}, 2, "", "Commands:"},
		{"admin help", []string{"admin", "--help"}, 0, "account create", ""},
		{"admin missing subcommand", []string{"admin", "account"}, 2, "", "admin account needs a subcommand"},
		{"admin unknown command", []string{"admin", "account", "delete"}, 2, "", `unknown admin command "account delete"`},
		{"admin create help", []string{"admin", "account", "create", "--help"}, 0, "", "--username"},
		{"token create unknown flag", []string{"admin", "token", "create", "--user", "x"}, 2, "", "flag provided but not defined: -user"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := in.cli(t, c.args...)
			wantExit(t, r, c.code)
			if c.stdout != "" && !strings.Contains(r.stdout, c.stdout) {
				t.Errorf("stdout does not contain %q\n%s", c.stdout, r)
			}
			if c.stderr != "" && !strings.Contains(r.stderr, c.stderr) {
				t.Errorf("stderr does not contain %q\n%s", c.stderr, r)
			}
		})
	}
	if fileExists(in.db) {
		t.Errorf("usage errors and help created the database %s", in.db)
	}
}

func TestVersionOfTheBuiltBinary(t *testing.T) {
	out, err := exec.Command(binary, "version").Output()
	if err != nil || string(out) != "rounds "+version+"\n" {
		t.Errorf("rounds version: %q, %v", out, err)
	}
}

func TestTokenCreateRefusals(t *testing.T) {
	in := newInstance(t)
	in.createAccount(t, "alice")
	wantExit(t, in.cli(t, "admin", "token", "create", "--username", "nobody"), 1, `no local account named "nobody"`)
	wantExit(t, in.cli(t, "admin", "token", "create", "--username", "instance.actor"), 1, "no local account")
	r := in.cli(t, "admin", "token", "create", "--username", "alice", "--scopes", "read launch-missiles")
	wantExit(t, r, 2, `unknown scope "launch-missiles"`, "Usage: rounds admin token create")
	wantExit(t, in.cli(t, "admin", "token", "create"), 2, "--username is required")
	if r.stdout != "" {
		t.Errorf("a refused token create printed %q", r.stdout)
	}
}

func TestTokenCreatePrintsOneToken(t *testing.T) {
	in := newInstance(t)
	in.createAccount(t, "alice")
	r := in.mustCLI(t, "admin", "token", "create", "--username", "alice", "--scopes", "read")
	tok := strings.TrimSpace(r.stdout)
	if tok == "" || strings.ContainsAny(tok, " \n\t") || len(tok) < 40 {
		t.Errorf("token output %q: want one long token on one line", r.stdout)
	}
	if again := in.token(t, "alice"); again == tok {
		t.Error("two token creates printed the same token")
	}
}

func TestFederationRules(t *testing.T) {
	in := newInstance(t)
	list := func() string { return in.mustCLI(t, "admin", "federation", "list").stdout }
	if got := strings.TrimSpace(list()); got != "DOMAIN  POLICY  NOTE" {
		t.Errorf("empty list: %q", got)
	}

	r := in.mustCLI(t, "admin", "federation", "allow", "Hospital-B.example", "--note", "data-sharing agreement 2024")
	if !strings.Contains(r.stdout, "hospital-b.example: allowed") {
		t.Errorf("allow output: %s", r.stdout)
	}
	in.mustCLI(t, "admin", "federation", "block", "spam.example")
	in.mustCLI(t, "admin", "federation", "allow", "127.0.0.1:9001")

	out := list()
	for _, want := range []string{"hospital-b.example", "allow", "data-sharing agreement 2024", "spam.example", "block", "127.0.0.1:9001"} {
		if !strings.Contains(out, want) {
			t.Errorf("list does not show %q:\n%s", want, out)
		}
	}
	// Changing a rule replaces it.
	in.mustCLI(t, "admin", "federation", "block", "hospital-b.example")
	if l := lineOf(list(), "hospital-b.example"); !strings.Contains(l, "block") || strings.Contains(l, "allow") {
		t.Errorf("after blocking an allowed domain: %q", l)
	}

	in.mustCLI(t, "admin", "federation", "remove", "spam.example")
	if strings.Contains(list(), "spam.example") {
		t.Errorf("removed rule still listed:\n%s", list())
	}
	wantExit(t, in.cli(t, "admin", "federation", "remove", "spam.example"), 1, "no rule for spam.example")
}

func TestFederationRulesRefuseBadDomains(t *testing.T) {
	in := newInstance(t)
	for _, d := range []string{"https://hospital-b.example", "hospital-b.example/users", "alice@hospital-b.example",
		"", ".example", "example.", "hospital b.example", "host:port", "host:", "host:99999"} {
		t.Run(d, func(t *testing.T) {
			wantExit(t, in.cli(t, "admin", "federation", "allow", d), 2, "is not a domain")
		})
	}
	wantExit(t, in.cli(t, "admin", "federation", "block"), 2, "exactly one DOMAIN")
	wantExit(t, in.cli(t, "admin", "federation", "block", "a.example", "b.example"), 2, "exactly one DOMAIN")
	if fileExists(in.db) {
		t.Error("refused federation commands created the database")
	}
}

func TestBadConfigurationChangesNothing(t *testing.T) {
	in := newInstance(t)
	badYAML := filepath.Join(in.dir, "bad.yaml")
	writeFile(t, badYAML, "host: [unclosed\n")
	unknownKey := filepath.Join(in.dir, "unknown.yaml")
	writeFile(t, unknownKey, "host: a.example\nfederaton:\n  mode: allowlist\n")
	badValue := filepath.Join(in.dir, "badvalue.yaml")
	writeFile(t, badValue, "federation:\n  mode: closed\n")

	cases := []struct {
		name    string
		environ []string
		flags   []string
		msg     []string
	}{
		{"misspelt environment variable", []string{"ROUNDS_FEDERATON_MODE=allowlist"}, nil,
			[]string{"ROUNDS_FEDERATON_MODE", "ROUNDS_FEDERATION_MODE"}},
		{"bad value in environment", []string{"ROUNDS_REGISTRATIONS=sometimes"}, nil, []string{"registrations", "sometimes"}},
		{"broken YAML", nil, []string{"--config", badYAML}, []string{badYAML, "line 1"}},
		{"unknown YAML key", nil, []string{"--config", unknownKey}, []string{"federaton"}},
		{"bad YAML value", nil, []string{"--config", badValue}, []string{"federation.mode", "closed"}},
		{"missing config file", nil, []string{"--config", filepath.Join(in.dir, "nope.yaml")}, []string{"nope.yaml"}},
		{"config file from environment", []string{"ROUNDS_CONFIG=" + unknownKey}, nil, []string{"federaton"}},
		{"bad --set", nil, []string{"--set", "federation.mode"}, []string{"expected key=value"}},
	}
	commands := [][]string{
		{"admin", "account", "create", "--username", "alice", "--email", "alice@test.example"},
		{"admin", "account", "list"},
		{"admin", "federation", "allow", "a.example"},
		{"serve"},
	}
	for _, c := range cases {
		for _, cmd := range commands {
			t.Run(c.name+"/"+strings.Join(cmd[:min(2, len(cmd))], " "), func(t *testing.T) {
				r := runWith(t, append(in.environ(), c.environ...), append(cmd, c.flags...)...)
				wantExit(t, r, 1, c.msg...)
				if r.stdout != "" {
					t.Errorf("stdout: %q", r.stdout)
				}
			})
		}
	}
	if fileExists(in.db) {
		t.Errorf("a command with a bad configuration created the database")
	}

	// And on an existing database nothing changes either.
	in.createAccount(t, "bob")
	before := in.mustCLI(t, "admin", "account", "list").stdout
	r := runWith(t, append(in.environ(), "ROUNDS_FEDERATON_MODE=allowlist"), "admin", "account", "create", "--username", "carol", "--email", "carol@test.example")
	wantExit(t, r, 1, "ROUNDS_FEDERATON_MODE")
	if after := in.mustCLI(t, "admin", "account", "list").stdout; after != before {
		t.Errorf("accounts changed:\n%s\n%s", before, after)
	}
}

func TestDatabaseFlag(t *testing.T) {
	in := newInstance(t)
	other := filepath.Join(in.dir, "other", "rounds.db")
	in.mustCLI(t, "admin", "account", "create", "--username", "alice", "--email", "alice@test.example", "--database", other)
	if !fileExists(other) {
		t.Fatalf("--database %s was not used", other)
	}
	if out := in.mustCLI(t, "admin", "account", "list").stdout; strings.Contains(out, "alice") {
		t.Errorf("--database wrote to ROUNDS_DATABASE instead:\n%s", out)
	}
	if out := in.mustCLI(t, "admin", "account", "list", "--database", other).stdout; !strings.Contains(out, "alice") {
		t.Errorf("alice not in %s:\n%s", other, out)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestFlagsMayFollowArguments(t *testing.T) {
	in := newInstance(t)
	other := filepath.Join(in.dir, "other.db")
	in.mustCLI(t, "admin", "account", "create", "--username", "alice", "--email", "alice@test.example", "--database", other)
	// "account suspend alice --database …", as people type it.
	in.mustCLI(t, "admin", "account", "suspend", "alice", "--database", other)
	if l := lineOf(in.mustCLI(t, "admin", "account", "list", "--database", other).stdout, "alice"); !strings.Contains(l, "suspended") {
		t.Errorf("alice in %s: %q", other, l)
	}
	in.mustCLI(t, "admin", "federation", "block", "spam.example", "--note", "spam", "--database", other)
	if l := lineOf(in.mustCLI(t, "admin", "federation", "list", "--database", other).stdout, "spam.example"); !strings.Contains(l, "spam") {
		t.Errorf("rule in %s: %q", other, l)
	}
	// After "--" everything is an argument.
	wantExit(t, in.cli(t, "admin", "account", "suspend", "--", "--database"), 1, `no local account named "--database"`)
}

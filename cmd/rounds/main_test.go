package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// binary is the rounds executable TestMain builds for the tests that run it
// as a real process (signals, exit codes).
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "rounds-test-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "rounds")
	// exec inherits the environment, so GOFLAGS (e.g. -race, -mod) applies.
	build := exec.Command(goTool(), "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "build rounds: %v\n", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// syncBuffer is a bytes.Buffer safe to write from a server goroutine while a
// test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// instance is one Rounds instance's settings for a test: a SQLite file in a
// temp dir and a free loopback port that host and listen share, so the CLI
// and the server agree on every actor id.
type instance struct {
	dir, db, host string
	extra         []string // more ROUNDS_* settings
}

func newInstance(t *testing.T, extra ...string) *instance {
	t.Helper()
	dir := t.TempDir()
	return &instance{dir: dir, db: filepath.Join(dir, "rounds.db"), host: freeAddr(t), extra: extra}
}

// freeAddr returns 127.0.0.1:PORT for a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func (in *instance) environ() []string {
	return append([]string{"ROUNDS_DATABASE=" + in.db, "ROUNDS_PROTOCOL=http", "ROUNDS_HOST=" + in.host,
		"ROUNDS_LISTEN=" + in.host, "ROUNDS_INSTANCE_NAME=Test General", "ROUNDS_INSTANCE_CONTACT_EMAIL=it@test.example",
		"ROUNDS_REGISTRATIONS=closed", "ROUNDS_LIMITS_MAX_BODY_BYTES=4096"}, in.extra...)
}

func (in *instance) baseURL() string { return "http://" + in.host }

// result is what one CLI invocation did.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// runWith runs the CLI in-process, as main does, with environ.
func runWith(t *testing.T, environ []string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, env{stdout: &out, stderr: &errOut, environ: environ})
	return result{code, out.String(), errOut.String()}
}

// cli runs the CLI against this instance.
func (in *instance) cli(t *testing.T, args ...string) result {
	t.Helper()
	return runWith(t, in.environ(), args...)
}

// mustCLI runs the CLI and fails the test unless it exits 0.
func (in *instance) mustCLI(t *testing.T, args ...string) result {
	t.Helper()
	r := in.cli(t, args...)
	if r.code != 0 {
		t.Fatalf("rounds %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// createAccount creates a member account and returns its generated password.
func (in *instance) createAccount(t *testing.T, username string, more ...string) string {
	t.Helper()
	args := append([]string{"admin", "account", "create", "--username", username, "--email", username + "@test.example"}, more...)
	r := in.mustCLI(t, args...)
	_, pw, _ := strings.Cut(r.stdout, "password: ")
	pw, _, _ = strings.Cut(pw, "\n")
	return pw
}

// token issues a bearer token for username with the CLI.
func (in *instance) token(t *testing.T, username string, more ...string) string {
	t.Helper()
	r := in.mustCLI(t, append([]string{"admin", "token", "create", "--username", username}, more...)...)
	return strings.TrimSpace(r.stdout)
}

// wantExit fails unless r exited with code and its stderr holds every part.
func wantExit(t *testing.T, r result, code int, stderrParts ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\n%s", r.code, code, r)
	}
	for _, p := range stderrParts {
		if !strings.Contains(r.stderr, p) {
			t.Errorf("stderr does not mention %q\n%s", p, r)
		}
	}
}

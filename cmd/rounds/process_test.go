package main

import (
	"errors"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// process is `rounds serve` running as a real child process.
type process struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan error
}

func startProcess(t *testing.T, in *instance) *process {
	t.Helper()
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(environWithoutRounds(), in.environ()...)
	p := &process{cmd: cmd, stderr: &syncBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.stderr, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	p.waitHealthy(t, in)
	return p
}

func environWithoutRounds() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ROUNDS_") {
			out = append(out, kv)
		}
	}
	return out
}

func (p *process) waitHealthy(t *testing.T, in *instance) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-p.done:
			p.done <- err
			t.Fatalf("rounds serve exited before answering /healthz: %v\n%s", err, p.stderr)
		default:
		}
		resp, err := http.Get(in.baseURL() + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("rounds serve did not answer /healthz within 30s\n%s", p.stderr)
}

// terminate sends SIGTERM and returns the exit code and the log.
func (p *process) terminate(t *testing.T) (int, string) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatal(err)
		}
		return p.cmd.ProcessState.ExitCode(), p.stderr.String()
	case <-time.After(10 * time.Second):
		t.Fatalf("rounds serve still running 10s after SIGTERM\n%s", p.stderr)
		return 0, ""
	}
}

func TestServeShutsDownOnSIGTERM(t *testing.T) {
	in := newInstance(t)
	p := startProcess(t, in)
	code, log := p.terminate(t)
	if code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0\n%s", code, log)
	}
	for _, want := range []string{"rounds started", "shutting down", "stopped"} {
		if !strings.Contains(log, want) {
			t.Errorf("log does not contain %q:\n%s", want, log)
		}
	}
	if strings.Index(log, "shutting down") > strings.Index(log, "stopped") {
		t.Errorf("log says stopped before shutting down:\n%s", log)
	}
}

func TestServeHintsAtCreatingTheFirstAdmin(t *testing.T) {
	const hint = "rounds admin account create"
	in := newInstance(t)

	_, log := startProcess(t, in).terminate(t)
	if !strings.Contains(log, hint) {
		t.Errorf("first start without an admin does not say how to create one:\n%s", log)
	}

	// A member is not an admin: the hint stays.
	in.createAccount(t, "alice")
	if _, log := startProcess(t, in).terminate(t); !strings.Contains(log, hint) {
		t.Errorf("start with only a member lacks the hint:\n%s", log)
	}

	in.createAccount(t, "root", "--role", "admin")
	if _, log := startProcess(t, in).terminate(t); strings.Contains(log, hint) {
		t.Errorf("start with an admin still prints the hint:\n%s", log)
	}
}

func TestServeRefusesBadConfigAsAProcess(t *testing.T) {
	in := newInstance(t)
	cmd := exec.Command(binary, "serve")
	cmd.Env = append(environWithoutRounds(), append(in.environ(), "ROUNDS_FEDERATON_MODE=allowlist")...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("rounds serve with a misspelt variable: %v, want exit 1\n%s", err, out)
	}
	if !strings.Contains(string(out), "ROUNDS_FEDERATON_MODE") {
		t.Errorf("the message does not name the variable:\n%s", out)
	}
	if fileExists(in.db) {
		t.Error("the database was created")
	}
}

func TestHealthcheckCommand(t *testing.T) {
	in := newInstance(t)
	wantExit(t, in.cli(t, "healthcheck"), 1, "healthcheck")
	startServer(t, in)
	if r := in.mustCLI(t, "healthcheck"); strings.TrimSpace(r.stdout) != "ok" {
		t.Errorf("healthcheck printed %q", r.stdout)
	}
}

func TestServeReportsABusyPort(t *testing.T) {
	in := newInstance(t)
	startServer(t, in)
	r := in.cli(t, "serve")
	wantExit(t, r, 1, "listen on "+in.host)
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// server is the Rounds instance under test: a child process this tool
// started (pid known, so memory can be sampled) or one it attached to.
type server struct {
	bin, db, host, base string
	cmd                 *exec.Cmd
	done                chan error
	pid                 int
	coldStart           time.Duration
	log                 *os.File
}

// freeAddr picks a free loopback port.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServer runs `rounds serve` on a fresh port with db, and waits for the
// first 200 on /healthz; the time from exec to that answer is the cold start.
func startServer(bin, db string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	return startServerAt(bin, db, addr)
}

// startServerAt is startServer on a given address, which is also the
// instance's host (a seeded database's accounts were made for one host).
func startServerAt(bin, db, addr string) (*server, error) {
	var err error
	s := &server{bin: bin, db: db, host: addr, base: "http://" + addr, done: make(chan error, 1)}
	if s.log, err = os.Create(db + ".server.log"); err != nil {
		return nil, err
	}
	args := append([]string{"serve", "--listen", addr}, s.configArgs()...)
	args = append(args, "--set", "delivery.retry_base=1s")
	s.cmd = exec.Command(bin, args...)
	s.cmd.Env = environWithoutRounds()
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	start := time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s.pid = s.cmd.Process.Pid
	go func() { s.done <- s.cmd.Wait() }()
	if err := s.waitHealthy(start, 30*time.Second); err != nil {
		s.stop()
		return nil, err
	}
	s.coldStart = time.Since(start)
	return s, nil
}

// attach uses a server someone else started; admin commands still need its
// database (SQLite allows the CLI to write beside the running server).
func attach(bin, target, db string) *server {
	host := strings.TrimPrefix(strings.TrimPrefix(target, "http://"), "https://")
	return &server{bin: bin, db: db, host: strings.TrimSuffix(host, "/"), base: strings.TrimSuffix(target, "/")}
}

func (s *server) configArgs() []string {
	return []string{"--host", s.host, "--protocol", "http", "--database", s.db, "--set", "allow_private_addresses=true"}
}

func (s *server) waitHealthy(start time.Time, limit time.Duration) error {
	c := &http.Client{Timeout: time.Second}
	for time.Since(start) < limit {
		select {
		case err := <-s.done:
			s.done <- err
			return fmt.Errorf("rounds serve exited before answering /healthz: %v (log %s)", err, s.log.Name())
		default:
		}
		if resp, err := c.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(time.Millisecond)
	}
	return fmt.Errorf("rounds serve did not answer /healthz within %s", limit)
}

// stop ends the child with SIGINT (graceful), then kills it after 10 s.
func (s *server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.log.Close()
	s.cmd = nil
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

// admin runs `rounds admin ARGS` on the server's database.
func (s *server) admin(args ...string) (string, error) {
	full := append([]string{"admin"}, args...)
	full = append(full, s.configArgs()...)
	cmd := exec.Command(s.bin, full...)
	cmd.Env = environWithoutRounds()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("rounds admin %s: %v: %s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), nil
}

// createUser makes a local member and returns a read/write/follow token.
func (s *server) createUser(name string) (string, error) {
	if _, err := s.admin("account", "create", "--username", name, "--email", name+"@bench.example",
		"--password", "bench-password-"+name); err != nil {
		return "", err
	}
	out, err := s.admin("token", "create", "--username", name)
	if err != nil {
		return "", err
	}
	lines := strings.Fields(out)
	if len(lines) == 0 {
		return "", fmt.Errorf("token create for %s printed nothing", name)
	}
	return lines[len(lines)-1], nil
}

// createUsers makes n users prefix0…prefixN-1 (two at a time: each is a
// process that opens the database).
func (s *server) createUsers(prefix string, n int) ([]string, error) {
	tokens := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	if n > 0 { // the first one alone: it may migrate a fresh database
		if tokens[0], errs[0] = s.createUser(prefix + "0"); errs[0] != nil {
			return nil, errs[0]
		}
	}
	for i := 1; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			tokens[i], errs[i] = s.createUser(prefix + strconv.Itoa(i))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return tokens, nil
}

// memKB reads VmRSS and VmHWM (kB) of pid from /proc.
func memKB(pid int) (rss, hwm int64) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = n
		case "VmHWM":
			hwm = n
		}
	}
	return rss, hwm
}

// sampler records the largest VmRSS seen while a scenario runs.
type sampler struct {
	pid    int
	cancel context.CancelFunc
	done   chan int64
}

func sampleRSS(pid int) *sampler {
	ctx, cancel := context.WithCancel(context.Background())
	sm := &sampler{pid: pid, cancel: cancel, done: make(chan int64, 1)}
	go func() {
		var peak int64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if rss, _ := memKB(pid); rss > peak {
				peak = rss
			}
			select {
			case <-ctx.Done():
				sm.done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return sm
}

// stop returns the peak VmRSS sampled and the kernel's VmHWM, in MB.
func (sm *sampler) stop() (peakMB, hwmMB float64) {
	if sm == nil || sm.pid == 0 {
		return 0, 0
	}
	sm.cancel()
	peak := <-sm.done
	_, hwm := memKB(sm.pid)
	return float64(peak) / 1024, float64(hwm) / 1024
}

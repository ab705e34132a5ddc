package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/config"
)

// server is a Rounds instance running in-process through serve().
type server struct {
	in   *instance
	url  string
	log  *syncBuffer
	stop func() // cancels serve's ctx and waits for it to return; idempotent
}

// startServer runs serve() for in until the test ends (or stop is called).
func startServer(t *testing.T, in *instance) *server {
	t.Helper()
	cfg, err := config.Load(config.Source{Environ: in.environ()})
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, cfg, env{stdout: log, stderr: log, environ: in.environ()}, func(addr string) { ready <- addr })
	}()
	select {
	case addr := <-ready:
		if addr != in.host {
			t.Fatalf("server bound %s, want %s", addr, in.host)
		}
	case err := <-done:
		cancel()
		t.Fatalf("serve returned before it was ready: %v\n%s", err, log)
	}
	stopped := false
	s := &server{in: in, url: in.baseURL(), log: log}
	s.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, log)
		}
	}
	t.Cleanup(s.stop)
	return s
}

var client = &http.Client{Timeout: 10 * time.Second}

// do sends a request and returns the response with its body read.
func (s *server) do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL, err)
	}
	return resp, body
}

func (s *server) request(t *testing.T, method, path, token string, body io.Reader) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return s.do(t, req)
}

// get fetches path (with a bearer token if not "") and decodes a JSON object.
func (s *server) get(t *testing.T, path, token string) (int, map[string]any) {
	t.Helper()
	resp, body := s.request(t, http.MethodGet, path, token, nil)
	var v map[string]any
	if strings.Contains(resp.Header.Get("Content-Type"), "json") {
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("GET %s: %d, body is not a JSON object: %v\n%s", path, resp.StatusCode, err, body)
		}
	}
	return resp.StatusCode, v
}

// field walks nested JSON objects: field(v, "stats", "user_count").
func field(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// number is field as an int (-1 when it is not a number).
func number(v any, path ...string) int {
	f, ok := field(v, path...).(float64)
	if !ok {
		return -1
	}
	return int(f)
}

// wantJSONError checks a Mastodon-style error response.
func wantJSONError(t *testing.T, what string, resp *http.Response, body []byte, status int) {
	t.Helper()
	if resp.StatusCode != status {
		t.Errorf("%s: status %d, want %d (%s)", what, resp.StatusCode, status, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q, want application/json", what, ct)
	}
	var e struct {
		Error string `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Errorf("%s: body %q is not {\"error\": …}", what, body)
	}
}

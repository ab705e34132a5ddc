package delivery

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation/fetch"
	"github.com/rounds-social/rounds/storage"
)

func TestDelay(t *testing.T) {
	opt := Options{}.withDefaults() // 1m doubling, capped at 12h
	tests := []struct {
		name       string
		attempts   int
		retryAfter time.Duration
		r          float64 // 0.5 is no jitter
		want       time.Duration
	}{
		{"first retry", 1, 0, 0.5, time.Minute},
		{"doubles", 2, 0, 0.5, 2 * time.Minute},
		{"doubles again", 3, 0, 0.5, 4 * time.Minute},
		{"tenth", 10, 0, 0.5, 512 * time.Minute},
		{"capped", 11, 0, 0.5, 12 * time.Hour},
		{"last default attempt", 16, 0, 0.5, 12 * time.Hour},
		{"no overflow", 10000, 0, 0.5, 12 * time.Hour},
		{"jitter low", 1, 0, 0, 54 * time.Second},
		{"jitter high", 3, 0, 0.75, 4*time.Minute + 12*time.Second},
		{"retry-after longer", 3, 10 * time.Minute, 0.5, 10 * time.Minute},
		{"retry-after shorter", 3, 30 * time.Second, 0.5, 4 * time.Minute},
		{"retry-after capped", 3, 48 * time.Hour, 0.5, 12 * time.Hour},
		{"retry-after beats jitter", 1, 65 * time.Second, 0.75, 65 * time.Second},
	}
	for _, tt := range tests {
		if got := opt.delay(tt.attempts, tt.retryAfter, tt.r); got != tt.want {
			t.Errorf("%s: delay(%d, %v, %v) = %v, want %v", tt.name, tt.attempts, tt.retryAfter, tt.r, got, tt.want)
		}
	}
}

func TestDelayJitterBounds(t *testing.T) {
	opt := Options{RetryBase: time.Second, MaxBackoff: time.Hour}
	nominal := time.Second
	for attempts := 1; attempts <= 20; attempts++ {
		for _, r := range []float64{0, 0.1, 0.5, 0.9, math.Nextafter(1, 0)} {
			got := opt.delay(attempts, 0, r)
			lo, hi := time.Duration(float64(nominal)*0.9), min(time.Duration(float64(nominal)*1.1), opt.MaxBackoff)
			if got < lo || got > hi {
				t.Errorf("delay(%d, r=%v) = %v, want within [%v, %v]", attempts, r, got, lo, hi)
			}
		}
		nominal = min(2*nominal, opt.MaxBackoff)
	}
	// Absurd settings must still give a positive, capped delay.
	huge := Options{RetryBase: time.Hour, MaxBackoff: math.MaxInt64 / 4}
	if got := huge.delay(200, 0, 0.5); got <= 0 || got > huge.MaxBackoff {
		t.Errorf("huge MaxBackoff: delay = %v", got)
	}
	if got := (Options{RetryBase: time.Hour, MaxBackoff: time.Minute}).delay(1, 0, 0.5); got != time.Minute {
		t.Errorf("RetryBase above MaxBackoff: delay = %v, want the cap", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{"0", 0},
		{"-30", 0},
		{"soon", 0},
		{"1.5", 0},
		{"99999999999999999999", 0}, // not an int64: malformed
		{"9223372036", maxRetryAfter},
		{"Sat, 01 Mar 2025 12:10:00 GMT", 10 * time.Minute},
		{"Sat, 01 Mar 2025 11:00:00 GMT", 0}, // past
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.header, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestVerdictFor(t *testing.T) {
	want := map[verdict][]int{
		delivered: {200, 201, 202, 204},
		permanent: {400, 404, 405, 410, 413, 415, 422},
		retry:     {401, 403, 408, 425, 429, 500, 502, 503, 504, 302, 100},
	}
	for v, codes := range want {
		for _, code := range codes {
			if got := verdictFor(code); got != v {
				t.Errorf("verdictFor(%d) = %v, want %v", code, got, v)
			}
		}
	}
}

func TestClassify(t *testing.T) {
	now := time.Now()
	tooLarge := fmt.Errorf("fetch x: %w: over 1048576 bytes", fetch.ErrTooLarge)
	timeout := fmt.Errorf("fetch x: %w", &net.OpError{Op: "dial", Err: errors.New("i/o timeout")})
	retryIn := http.Header{"Retry-After": {"300"}}
	tests := []struct {
		name       string
		status     int
		header     http.Header
		body       string
		err        error
		verdict    verdict
		message    string
		retryAfter time.Duration
	}{
		{"accepted", 202, nil, "", nil, delivered, "", 0},
		{"accepted, body too large", 202, nil, "", tooLarge, delivered, "", 0},
		{"gone", 410, nil, "bye", nil, permanent, "HTTP 410 Gone: bye", 0},
		{"error, body too large", 500, nil, "", tooLarge, retry,
			"HTTP 500 Internal Server Error (reading the response: " + tooLarge.Error() + ")", 0},
		{"rate limited", 429, retryIn, "", nil, retry, "HTTP 429 Too Many Requests", 5 * time.Minute},
		{"unavailable", 503, retryIn, "", nil, retry, "HTTP 503 Service Unavailable", 5 * time.Minute},
		{"retry-after ignored on 500", 500, retryIn, "", nil, retry, "HTTP 500 Internal Server Error", 0},
		{"forbidden address", 0, nil, "", fmt.Errorf("fetch x: %w", fetch.ErrForbiddenAddress), permanent,
			"fetch x: forbidden address", 0},
		{"scheme", 0, nil, "", fmt.Errorf("fetch x: %w", fetch.ErrScheme), permanent, "fetch x: scheme not allowed", 0},
		{"invalid url", 0, nil, "", fmt.Errorf("fetch x: %w", fetch.ErrInvalidURL), permanent, "fetch x: invalid url", 0},
		{"network", 0, nil, "", timeout, retry, timeout.Error(), 0},
	}
	for _, tt := range tests {
		o := classify(tt.status, tt.header, []byte(tt.body), tt.err, now)
		if o.verdict != tt.verdict || o.status != tt.status || o.message() != tt.message || o.retryAfter != tt.retryAfter {
			t.Errorf("%s: got verdict %v, status %d, message %q, retry-after %v; want %v, %d, %q, %v", tt.name,
				o.verdict, o.status, o.message(), o.retryAfter, tt.verdict, tt.status, tt.message, tt.retryAfter)
		}
	}
}

func TestRecord(t *testing.T) {
	q := New(nil, Options{MaxAttempts: 3, RetryBase: time.Minute, Client: testClient(time.Second)})
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	fail := outcome{verdict: retry, status: 500, err: errors.New("HTTP 500 Internal Server Error"), snippet: "oops"}

	j := &storage.DeliveryJob{State: storage.JobPending}
	q.record(j, fail, now, 0.5)
	if j.State != storage.JobPending || j.Attempts != 1 || !j.NextAttemptAt.Equal(now.Add(time.Minute)) ||
		j.LastStatus != 500 || j.LastError != "HTTP 500 Internal Server Error: oops" {
		t.Errorf("first failure: %+v", j)
	}
	q.record(j, fail, now, 0.5)
	if j.State != storage.JobPending || !j.NextAttemptAt.Equal(now.Add(2*time.Minute)) {
		t.Errorf("second failure: %+v", j)
	}
	q.record(j, fail, now, 0.5)
	if j.State != storage.JobFailed || j.Attempts != 3 ||
		j.LastError != "gave up after 3 attempts: HTTP 500 Internal Server Error: oops" {
		t.Errorf("third failure: %+v", j)
	}

	j = &storage.DeliveryJob{State: storage.JobPending, Attempts: 1, LastError: "earlier"}
	q.record(j, outcome{verdict: delivered, status: 202}, now, 0.5)
	if j.State != storage.JobDone || j.Attempts != 2 || j.LastStatus != 202 || j.LastError != "" {
		t.Errorf("success: %+v", j)
	}
}

func TestSnippet(t *testing.T) {
	tests := []struct{ body, want string }{
		{"", ""},
		{"  Not\tFound\r\n", "Not Found"},
		{"bad\x00byte \xff here", "bad byte here"},
		{`{"error":"Record not found"}`, `{"error":"Record not found"}`},
		{strings.Repeat("a", 500), strings.Repeat("a", maxSnippet)},
		{strings.Repeat("a", maxSnippet-1) + "é", strings.Repeat("a", maxSnippet-1)}, // é cut in half is dropped
	}
	for _, tt := range tests {
		if got := snippet([]byte(tt.body)); got != tt.want {
			t.Errorf("snippet(%.40q) = %.40q, want %.40q", tt.body, got, tt.want)
		}
	}
	long := outcome{err: errors.New(strings.Repeat("é", maxLastError))}
	if m := long.message(); len(m) > maxLastError || !strings.HasPrefix(m, "éé") || strings.ContainsRune(m, '\uFFFD') {
		t.Errorf("message of a long error: %d bytes", len(m))
	}
}

func TestKeyCache(t *testing.T) {
	e := newEnv(t)
	c := newKeyCache(2)
	k1, err := c.get(1, e.signer.PrivateKeyPEM)
	if err != nil || !k1.Equal(e.key) {
		t.Fatalf("get: %v", err)
	}
	if k, _ := c.get(1, e.signer.PrivateKeyPEM); k != k1 {
		t.Error("second get parsed again, want the cached key")
	}
	if _, err := c.get(1, "rotated but broken"); err == nil {
		t.Error("a changed PEM was served from the cache")
	}
	c.get(2, e.signer.PrivateKeyPEM)
	c.get(3, e.signer.PrivateKeyPEM)
	if len(c.m) > 2 {
		t.Errorf("cache holds %d keys, bound is 2", len(c.m))
	}
}

package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Every server in these tests listens on loopback only; URLs naming other
// addresses are refused before any connection is attempted.

// dev is what tests and the demo run with.
var dev = Options{AllowPrivate: true, AllowHTTP: true}

// countingServer starts a loopback server that counts the requests it sees.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func ok(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "hello") }

func get(t *testing.T, c *Client, url string) (int, http.Header, []byte, error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatalf("new request %s: %v", url, err)
	}
	return c.Do(req)
}

func TestLoopbackRefusedWithoutConnecting(t *testing.T) {
	srv, hits := countingServer(t, ok)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	c := NewClient(Options{AllowHTTP: true})

	for _, u := range []string{
		srv.URL,                                  // http://127.0.0.1:PORT, refused by CheckURL
		"http://localhost:" + strconv.Itoa(port), // a name: refused by the dial guard
	} {
		if _, _, _, err := get(t, c, u); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("Do(%s) error = %v, want ErrForbiddenAddress", u, err)
		}
		resp, err := c.HTTP().Get(u)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("HTTP().Get(%s) error = %v, want ErrForbiddenAddress", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("handler hit %d times, want 0", n)
	}
}

// localhost passes the cheap pre-check; only the dial guard stops it.
func TestLocalhostStoppedByDialGuard(t *testing.T) {
	srv, hits := countingServer(t, ok)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	u := "http://localhost:" + strconv.Itoa(port) + "/actor"
	opt := Options{AllowHTTP: true}
	if _, err := CheckURL(u, opt); err != nil {
		t.Fatalf("CheckURL(%s) = %v, want nil (names are checked at dial time)", u, err)
	}
	_, _, _, err := get(t, NewClient(opt), u)
	if !errors.Is(err, ErrForbiddenAddress) || !strings.Contains(err.Error(), "dial") {
		t.Errorf("Do(%s) error = %v, want a dial-time ErrForbiddenAddress", u, err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("handler hit %d times, want 0", n)
	}
}

func TestIPv6LoopbackRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	var hits atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
	}))
	srv.Listener = ln
	srv.Start()
	defer srv.Close()

	if _, _, _, err := get(t, NewClient(Options{AllowHTTP: true}), srv.URL); !errors.Is(err, ErrForbiddenAddress) {
		t.Errorf("Do(%s) error = %v, want ErrForbiddenAddress", srv.URL, err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("handler hit %d times, want 0", n)
	}
	if status, _, _, err := get(t, NewClient(dev), srv.URL); err != nil || status != http.StatusOK {
		t.Errorf("Do(%s) with AllowPrivate = %d, %v; want 200", srv.URL, status, err)
	}
}

// Literal private IPs are refused by the pre-check, before the transport
// is involved, so these requests never touch the network.
func TestLiteralPrivateRefused(t *testing.T) {
	c := NewClient(Options{AllowHTTP: true})
	for _, u := range []string{
		"http://169.254.169.254/latest/meta-data/",
		"http://10.0.0.1/inbox",
		"http://192.168.1.1/",
		"http://0.0.0.0:8080/",
		"http://[::ffff:127.0.0.1]/",
		"https://[fe80::1%25eth0]/",
	} {
		if _, _, _, err := get(t, c, u); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("Do(%s) error = %v, want ErrForbiddenAddress", u, err)
		}
	}
}

func TestSchemeAndUserinfoRefused(t *testing.T) {
	srv, hits := countingServer(t, ok)
	c := NewClient(Options{AllowPrivate: true}) // https only
	if _, _, _, err := get(t, c, srv.URL); !errors.Is(err, ErrScheme) {
		t.Errorf("Do(%s) error = %v, want ErrScheme", srv.URL, err)
	}
	resp, err := c.HTTP().Get(srv.URL)
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, ErrScheme) {
		t.Errorf("HTTP().Get(%s) error = %v, want ErrScheme", srv.URL, err)
	}
	withUser := strings.Replace(srv.URL, "http://", "http://alice:secret@", 1)
	if _, _, _, err := get(t, NewClient(dev), withUser); !errors.Is(err, ErrInvalidURL) {
		t.Errorf("Do(userinfo URL) error = %v, want ErrInvalidURL", err)
	} else if strings.Contains(err.Error(), "secret") {
		t.Errorf("error leaks the password: %v", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("handler hit %d times, want 0", n)
	}
}

func TestAllowPrivateReachesLoopback(t *testing.T) {
	var gotUA atomic.Value
	srv, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		gotUA.Store(r.UserAgent())
		w.Header().Set("Content-Type", "application/activity+json")
		w.WriteHeader(http.StatusTeapot)
		fmt.Fprint(w, `{"id":"x"}`)
	})
	status, header, body, err := get(t, NewClient(dev), srv.URL)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if status != http.StatusTeapot || string(body) != `{"id":"x"}` || header.Get("Content-Type") != "application/activity+json" {
		t.Errorf("Do = %d %v %q", status, header, body)
	}
	if hits.Load() != 1 || gotUA.Load() != DefaultUserAgent {
		t.Errorf("hits = %d, User-Agent = %v", hits.Load(), gotUA.Load())
	}

	c := NewClient(Options{AllowPrivate: true, AllowHTTP: true, UserAgent: "Rounds/test"})
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	if _, _, _, err := c.Do(req); err != nil || gotUA.Load() != "Rounds/test" {
		t.Errorf("configured User-Agent: err %v, got %v", err, gotUA.Load())
	}
	req, _ = http.NewRequest(http.MethodGet, srv.URL, nil)
	req.Header.Set("User-Agent", "caller")
	if _, _, _, err := c.Do(req); err != nil || gotUA.Load() != "caller" {
		t.Errorf("caller User-Agent: err %v, got %v", err, gotUA.Load())
	}
}

func TestBodyCap(t *testing.T) {
	const mib = 1 << 20
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	stream := func(w http.ResponseWriter, r *http.Request) {
		// No Content-Length: the cap must hold while streaming.
		for i := 0; i < 5*mib/len(chunk); i++ {
			if _, err := w.Write(chunk); err != nil {
				return // client gave up, as it should
			}
		}
	}
	declared := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(5*mib))
		stream(w, r)
	}
	exact := func(w http.ResponseWriter, r *http.Request) { w.Write(bytes.Repeat([]byte("a"), mib)) }

	opt := dev
	opt.MaxBody = mib
	c := NewClient(opt)
	for name, h := range map[string]http.HandlerFunc{"streamed": stream, "declared": declared} {
		srv, _ := countingServer(t, h)
		status, _, body, err := get(t, c, srv.URL)
		if !errors.Is(err, ErrTooLarge) || body != nil || status != http.StatusOK {
			t.Errorf("%s 5 MiB: status %d, %d bytes, err %v; want ErrTooLarge", name, status, len(body), err)
		}
	}
	srv, _ := countingServer(t, exact)
	if _, _, body, err := get(t, c, srv.URL); err != nil || len(body) != mib {
		t.Errorf("exactly MaxBody: %d bytes, err %v; want %d, nil", len(body), err, mib)
	}
}

func TestTimeout(t *testing.T) {
	released := make(chan struct{})
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		defer close(released)
		select {
		case <-r.Context().Done(): // the client hung up
		case <-time.After(30 * time.Second): // never hang the test binary
		}
	})
	opt := dev
	opt.Timeout = 300 * time.Millisecond
	_, _, _, err := get(t, NewClient(opt), srv.URL)
	if err == nil {
		t.Fatal("Do against a hanging server succeeded")
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("error = %v, want a timeout", err)
	}
	select {
	case <-released:
	case <-time.After(10 * time.Second):
		t.Error("handler still held after the client timed out")
	}
}

func TestRequestContextHonoured(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if _, _, _, err := NewClient(dev).Do(req); !errors.Is(err, context.Canceled) {
		t.Errorf("Do with cancelled context: %v, want context.Canceled", err)
	}
}

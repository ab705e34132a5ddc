package fetch

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// chain builds a redirect chain as net/http hands it to CheckRedirect:
// the next request plus the requests that led to it. Nothing is sent.
func chain(t *testing.T, urls ...string) (*http.Request, []*http.Request) {
	t.Helper()
	reqs := make([]*http.Request, len(urls))
	for i, u := range urls {
		r, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatalf("new request %s: %v", u, err)
		}
		reqs[i] = r
	}
	return reqs[len(reqs)-1], reqs[:len(reqs)-1]
}

func TestRedirectPolicy(t *testing.T) {
	strict := Options{}
	tests := []struct {
		name string
		opt  Options
		urls []string
		want error // nil means followed
	}{
		{"public to public", strict, []string{"https://a.example/", "https://b.example/"}, nil},
		{"to metadata", strict, []string{"https://a.example/", "https://169.254.169.254/"}, ErrForbiddenAddress},
		{"to loopback", strict, []string{"https://a.example/", "https://127.0.0.1:8080/"}, ErrForbiddenAddress},
		{"to mapped loopback", strict, []string{"https://a.example/", "https://[::ffff:127.0.0.1]/"}, ErrForbiddenAddress},
		{"to rfc1918", strict, []string{"https://a.example/", "https://b.example/", "https://10.0.0.1/"}, ErrForbiddenAddress},
		{"downgrade", strict, []string{"https://a.example/", "http://a.example/"}, ErrScheme},
		{"downgrade allowed", Options{AllowHTTP: true}, []string{"https://a.example/", "http://a.example/"}, nil},
		{"to file", strict, []string{"https://a.example/", "file:///etc/passwd"}, ErrScheme},
		{"to userinfo", strict, []string{"https://a.example/", "https://u:p@b.example/"}, ErrInvalidURL},
		{"private allowed", Options{AllowPrivate: true}, []string{"https://a.example/", "https://10.0.0.1/"}, nil},
		{"third hop", strict, []string{"https://a/", "https://b/", "https://c/", "https://d/"}, nil},
		{"fourth hop", strict, []string{"https://a/", "https://b/", "https://c/", "https://d/", "https://e/"}, errTooManyRedirects},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, via := chain(t, tt.urls...)
			err := redirectPolicy(tt.opt)(req, via)
			if tt.want == nil && err != nil {
				t.Errorf("redirect refused: %v", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("redirect error = %v, want %v", err, tt.want)
			}
		})
	}
}

// End to end on loopback (AllowPrivate): a server that redirects to itself
// n times; three hops are followed, a fourth is refused.
func TestRedirectLimitOnLoopback(t *testing.T) {
	for _, tt := range []struct {
		hops  int
		fails bool
	}{{3, false}, {4, true}} {
		srv, hits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
			n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
			if n < tt.hops {
				http.Redirect(w, r, "/"+strconv.Itoa(n+1), http.StatusFound)
				return
			}
			w.Write([]byte("end"))
		})
		_, _, body, err := get(t, NewClient(dev), srv.URL+"/0")
		if tt.fails {
			if !errors.Is(err, errTooManyRedirects) {
				t.Errorf("%d hops: err %v, want too many redirects", tt.hops, err)
			}
			if n := hits.Load(); n != 4 {
				t.Errorf("%d hops: %d requests, want 4", tt.hops, n)
			}
			continue
		}
		if err != nil || string(body) != "end" {
			t.Errorf("%d hops: body %q, err %v", tt.hops, body, err)
		}
	}
}

// A redirected POST (a delivery) must not be followed as a GET: the caller
// sees the 3xx and retries, rather than counting a GET's 200 as delivered.
func TestRedirectedPostIsNotFollowed(t *testing.T) {
	hits := 0
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer target.Close()
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/inbox", http.StatusFound)
	}))
	defer src.Close()
	c := NewClient(Options{AllowPrivate: true, AllowHTTP: true})
	req, _ := http.NewRequest(http.MethodPost, src.URL+"/inbox", strings.NewReader("{}"))
	status, _, _, err := c.Do(req)
	if err != nil || status != http.StatusFound || hits != 0 {
		t.Fatalf("POST redirect: status %d, err %v, target hits %d; want 302, nil, 0", status, err, hits)
	}
}

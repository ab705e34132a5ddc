// Package fetch is the one way Rounds makes outbound HTTP requests to URLs a
// remote server supplied (actor documents, inboxes, key ids, WebFinger). It
// refuses private addresses at dial time, enforces the scheme, bounds every
// request in time, and reads responses through a size limit.
package fetch

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Defaults for zero-valued Options fields.
const (
	DefaultTimeout   = 10 * time.Second
	DefaultMaxBody   = 1 << 20 // 1 MiB
	DefaultUserAgent = "Rounds"
	maxRedirects     = 3
)

// Options configures a Client. The zero value is the safe production
// setting: https only, public addresses only, default limits.
type Options struct {
	AllowPrivate bool          // allow loopback/private/link-local targets (dev/test only)
	AllowHTTP    bool          // allow plain http:// URLs (dev/test); otherwise only https
	Timeout      time.Duration // whole-request timeout, default 10s
	MaxBody      int64         // response body cap, default 1 MiB
	UserAgent    string        // sent when the request has none, default "Rounds"
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.UserAgent == "" {
		o.UserAgent = DefaultUserAgent
	}
	return o
}

// Client sends guarded requests. It is safe for concurrent use.
type Client struct {
	opt  Options
	http *http.Client
}

// NewClient builds a Client whose transport refuses forbidden addresses at
// dial time, ignores proxy settings from the environment and limits headers,
// handshakes and idle connections.
func NewClient(opt Options) *Client {
	opt = opt.withDefaults()
	hc := &http.Client{
		Transport:     &guardTransport{opt: opt, next: newTransport(opt)},
		CheckRedirect: redirectPolicy(opt),
		Timeout:       opt.Timeout,
	}
	return &Client{opt: opt, http: hc}
}

func newTransport(opt Options) *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}
	if !opt.AllowPrivate {
		d.Control = dialControl
	}
	return &http.Transport{
		// No proxy: a proxy would dial on our behalf and bypass the guard.
		Proxy:       nil,
		DialContext: d.DialContext,
		// A custom DialContext turns HTTP/2 off unless forced back on.
		ForceAttemptHTTP2:      true,
		MaxResponseHeaderBytes: 64 << 10,
		TLSHandshakeTimeout:    5 * time.Second,
		ResponseHeaderTimeout:  opt.Timeout,
		ExpectContinueTimeout:  1 * time.Second,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConns:           100,
		MaxIdleConnsPerHost:    8,
	}
}

// HTTP returns the guarded *http.Client, for callers that build their own
// requests (signed GETs and POSTs). Its transport runs CheckURL on every
// request and redirect, so the scheme and literal-IP rules hold there too;
// the caller must still bound how much of the body it reads.
func (c *Client) HTTP() *http.Client { return c.http }

// Do sends req and returns the status, header and body, the body read
// through the MaxBody cap. A body over the cap yields ErrTooLarge (wrapped);
// a non-2xx status is returned as is, not turned into an error.
func (c *Client) Do(req *http.Request) (status int, header http.Header, body []byte, err error) {
	u := req.URL.Redacted()
	// Pre-check so that a forbidden URL never reaches the transport at all.
	if err := checkParsed(req.URL, c.opt); err != nil {
		return 0, nil, nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, err = readCapped(resp, c.opt.MaxBody)
	if err != nil {
		return resp.StatusCode, resp.Header, nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	return resp.StatusCode, resp.Header, body, nil
}

// readCapped reads at most max bytes and fails rather than truncating: a
// cut-off JSON document is worse than none. It reads one byte past the cap
// to tell "exactly max" from "more than max" without buffering the rest.
func readCapped(resp *http.Response, max int64) ([]byte, error) {
	if resp.ContentLength > max {
		return nil, fmt.Errorf("%w: content-length %d > %d", ErrTooLarge, resp.ContentLength, max)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("%w: over %d bytes", ErrTooLarge, max)
	}
	return body, nil
}

// guardTransport runs CheckURL on every request before it reaches the
// network, so requests sent through HTTP() get the same scheme and
// literal-IP checks as Do, and sets the User-Agent.
type guardTransport struct {
	opt  Options
	next http.RoundTripper
}

func (t *guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := checkParsed(req.URL, t.opt); err != nil {
		if req.Body != nil {
			req.Body.Close() // RoundTrip must close the body, even on error
		}
		return nil, err
	}
	if req.Header.Get("User-Agent") == "" {
		// RoundTrip must not modify the caller's request.
		req = req.Clone(req.Context())
		req.Header.Set("User-Agent", t.opt.UserAgent)
	}
	return t.next.RoundTrip(req)
}

var errTooManyRedirects = errors.New("too many redirects")

// redirectPolicy allows at most maxRedirects hops, each re-checked by
// CheckURL (the dialer checks the resolved address as well). CheckURL
// refuses http unless AllowHTTP, which covers an https→http downgrade; the
// explicit check keeps that rule visible should CheckURL ever loosen.
func redirectPolicy(opt Options) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		// Go re-issues a redirected POST as a bodyless GET; a 200 to that would
		// look like a delivery that never happened. Hand the 3xx back instead.
		if len(via) > 0 && via[0].Method != http.MethodGet && via[0].Method != http.MethodHead {
			return http.ErrUseLastResponse
		}
		if len(via) > maxRedirects {
			return fmt.Errorf("redirect to %s: %w: stopped after %d", req.URL.Redacted(), errTooManyRedirects, maxRedirects)
		}
		if len(via) > 0 && !opt.AllowHTTP && via[len(via)-1].URL.Scheme == "https" && req.URL.Scheme != "https" {
			return fmt.Errorf("redirect to %s: %w: https to %s downgrade", req.URL.Redacted(), ErrScheme, req.URL.Scheme)
		}
		if err := checkParsed(req.URL, opt); err != nil {
			return fmt.Errorf("redirect: %w", err)
		}
		return nil
	}
}

// Options returns the options the client was built with (defaults filled in).
func (c *Client) Options() Options { return c.opt }

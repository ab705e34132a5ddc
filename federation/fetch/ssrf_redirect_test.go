package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
)

// publicName is a host name this test pretends is a public peer: the
// transport below dials it to a loopback server without the guard, as DNS
// would send a real name to a public address. Every other address goes
// through the production dialer and its guard.
const publicName = "peer.public.example"

// withPublicPeer returns a production client (AllowPrivate false) whose
// dialer sends publicName to addr and everything else through dialControl.
func withPublicPeer(t *testing.T, addr string) *Client {
	t.Helper()
	c := NewClient(Options{AllowHTTP: true})
	gt := c.http.Transport.(*guardTransport)
	tr := gt.next.(*http.Transport).Clone()
	guarded := &net.Dialer{Control: dialControl}
	tr.DialContext = func(ctx context.Context, network, address string) (net.Conn, error) {
		if host, _, _ := net.SplitHostPort(address); host == publicName {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}
		return guarded.DialContext(ctx, network, address)
	}
	gt.next = tr
	return c
}

// TestSSRFRedirectToPrivateRefused: a "public" peer answers a fetch with a
// redirect to loopback, localhost, a private or a metadata address. The
// redirect is refused and the private target never sees a connection.
func TestSSRFRedirectToPrivateRefused(t *testing.T) {
	target, targetHits := countingServer(t, ok)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(target.URL, "http://"))
	var where string
	peer, peerHits := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/final" {
			ok(w, r)
			return
		}
		http.Redirect(w, r, where, http.StatusFound)
	})
	c := withPublicPeer(t, strings.TrimPrefix(peer.URL, "http://"))
	_, peerPort, _ := net.SplitHostPort(strings.TrimPrefix(peer.URL, "http://"))
	start := "http://" + publicName + ":" + peerPort + "/users/alice"

	// Control: a redirect that stays on the public peer is followed.
	where = "http://" + publicName + ":" + peerPort + "/final"
	status, _, body, err := get(t, c, start)
	if err != nil || status != 200 || string(body) != "hello" {
		t.Fatalf("control redirect: %d %q %v", status, body, err)
	}

	for _, to := range []string{
		"http://127.0.0.1:" + port + "/",
		"http://localhost:" + port + "/",
		"http://[::ffff:127.0.0.1]:" + port + "/",
		"http://10.0.0.7/",
		"http://172.16.3.4/",
		"http://192.168.0.10/",
		"http://169.254.169.254/latest/meta-data/",
		"http://[fe80::1]/",
		"file:///etc/passwd",
	} {
		where = to
		before, beforePeer := targetHits.Load(), peerHits.Load()
		_, _, _, err := get(t, c, start)
		if err == nil {
			t.Errorf("redirect to %s followed", to)
			continue
		}
		if !errors.Is(err, ErrForbiddenAddress) && !errors.Is(err, ErrScheme) {
			t.Errorf("redirect to %s: %v, want ErrForbiddenAddress", to, err)
		}
		if peerHits.Load() == beforePeer {
			t.Errorf("redirect to %s: the public peer was never asked", to)
		}
		if n := targetHits.Load() - before; n != 0 {
			t.Errorf("redirect to %s reached the private target %d times", to, n)
		}
	}
}

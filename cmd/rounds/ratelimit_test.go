package main

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/rounds-social/rounds/config"
)

// wantLimited checks a 429 carries Retry-After (whole seconds, > 0) and a
// JSON error.
func wantLimited(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("%s: HTTP %d, want 429", what, resp.StatusCode)
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s <= 0 {
		t.Errorf("%s: Retry-After %q", what, resp.Header.Get("Retry-After"))
	}
	var e struct{ Error string }
	if json.NewDecoder(resp.Body).Decode(&e) != nil || e.Error == "" {
		t.Errorf("%s: no JSON error body", what)
	}
}

func TestRateLimitInboxPerRemoteHost(t *testing.T) {
	host := fedFreeHost(t)
	fedStartWith(t, host, fedDB(t, "a"), func(c *config.Config) { c.Limits.InboxPerHostPerMinute = 3 })
	sims := newSimNet(t, 1)
	noisy, quiet := sims.addHost(1, ""), sims.addHost(1, "")
	inbox := "http://" + host + "/inbox"
	send := func(a *simActor, n int) *http.Response {
		doc, _ := json.Marshal(map[string]any{"@context": simAS, "type": "Like", "actor": a.uri,
			"id": a.uri + "#likes/" + strconv.Itoa(n), "object": "http://" + host + "/users/nobody/statuses/1"})
		req, err := signedReq(a, inbox, doc)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := sims.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	na, qa := noisy.actors["doc0"], quiet.actors["doc0"]
	for i := range 3 {
		resp := send(na, i)
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			t.Fatalf("request %d of 3 limited", i+1)
		}
	}
	wantLimited(t, "4th inbox POST from one host", send(na, 3))
	// Refused before any key fetch: an unknown actor on the limited host is
	// not looked up.
	ghost := &simActor{name: "ghost", uri: "http://" + noisy.host + "/users/ghost", key: na.key, host: noisy}
	wantLimited(t, "inbox POST from an unknown actor on the limited host", send(ghost, 4))
	if n := noisy.gets("/users/ghost"); n != 0 {
		t.Errorf("a limited request still fetched the key (%d fetches)", n)
	}
	if resp := send(qa, 0); resp.StatusCode == http.StatusTooManyRequests {
		t.Errorf("another host is limited too")
	} else {
		resp.Body.Close()
	}
}

func TestRateLimitAPIPerToken(t *testing.T) {
	host := fedFreeHost(t)
	in := fedStartWith(t, host, fedDB(t, "a"), func(c *config.Config) { c.Limits.APIPerTokenPer5Min = 5 })
	alice, bob := in.user("alice", false), in.user("bob", false)
	get := func(c *fedClient) *http.Response {
		req, _ := http.NewRequest("GET", c.base+"/api/v1/accounts/verify_credentials", nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for i := range 5 {
		resp := get(alice)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("call %d: HTTP %d", i+1, resp.StatusCode)
		}
		h := resp.Header
		if h.Get("X-RateLimit-Limit") != "5" || h.Get("X-RateLimit-Remaining") != strconv.Itoa(4-i) {
			t.Errorf("call %d: X-RateLimit-Limit %q Remaining %q", i+1, h.Get("X-RateLimit-Limit"), h.Get("X-RateLimit-Remaining"))
		}
		if reset, err := time.Parse(time.RFC3339, h.Get("X-RateLimit-Reset")); err != nil ||
			reset.Before(time.Now()) || reset.After(time.Now().Add(5*time.Minute+time.Second)) {
			t.Errorf("call %d: X-RateLimit-Reset %q", i+1, h.Get("X-RateLimit-Reset"))
		}
	}
	resp := get(alice)
	if resp.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("429 without X-RateLimit-Remaining: 0")
	}
	wantLimited(t, "6th API call with one token", resp)
	if resp := get(bob); resp.StatusCode != 200 {
		t.Errorf("another token is limited too: HTTP %d", resp.StatusCode)
	} else {
		resp.Body.Close()
	}
}

func TestRateLimitTokenEndpointPerIP(t *testing.T) {
	host := fedFreeHost(t)
	fedStartWith(t, host, fedDB(t, "a"), func(c *config.Config) { c.Limits.TokenPerIPPerMinute = 3 })
	from := func(ip string) *http.Client {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
		return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}, Timeout: 10 * time.Second}
	}
	post := func(c *http.Client) *http.Response {
		resp, err := c.PostForm("http://"+host+"/oauth/token", url.Values{"grant_type": {"client_credentials"},
			"client_id": {"nope"}, "client_secret": {"nope"}})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	first := from("127.0.0.1")
	for i := range 3 {
		resp := post(first)
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			t.Fatalf("token request %d of 3 limited", i+1)
		}
	}
	wantLimited(t, "4th token request from one IP", post(first))
	resp := post(from("127.0.0.2"))
	resp.Body.Close()
	if resp.StatusCode == http.StatusTooManyRequests {
		t.Errorf("another IP is limited too")
	}
}

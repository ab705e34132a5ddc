package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestHealthz(t *testing.T) {
	srv := startServer(t, newInstance(t))
	code, body := srv.get(t, "/healthz", "")
	if code != 200 || body["status"] != "ok" {
		t.Errorf("/healthz: %d %v", code, body)
	}
}

func TestInstanceEndpoints(t *testing.T) {
	in := newInstance(t)
	in.createAccount(t, "alice")
	in.createAccount(t, "bob")
	srv := startServer(t, in)
	wantVersion := "4.2.0 (compatible; Rounds 0.1.0)"

	code, v1 := srv.get(t, "/api/v1/instance", "")
	if code != 200 {
		t.Fatalf("/api/v1/instance: %d", code)
	}
	for key, want := range map[string]any{"uri": in.host, "title": "Test General", "email": "it@test.example",
		"version": wantVersion, "registrations": false} {
		if v1[key] != want {
			t.Errorf("v1 %s = %#v, want %#v", key, v1[key], want)
		}
	}
	if n := number(v1, "stats", "user_count"); n != 2 {
		t.Errorf("v1 stats.user_count = %d, want 2 (alice and bob, not the instance actor)", n)
	}

	code, v2 := srv.get(t, "/api/v2/instance", "")
	if code != 200 {
		t.Fatalf("/api/v2/instance: %d", code)
	}
	for path, want := range map[string]any{"domain": in.host, "title": "Test General", "version": wantVersion,
		"contact.email": "it@test.example", "registrations.enabled": false, "usage.users.active_month": 2.0} {
		if got := field(v2, strings.Split(path, ".")...); got != want {
			t.Errorf("v2 %s = %#v, want %#v", path, got, want)
		}
	}
	if got := field(v2, "configuration", "urls", "streaming"); got != "ws://"+in.host {
		t.Errorf("v2 streaming URL %v", got)
	}
}

func TestNodeInfo(t *testing.T) {
	in := newInstance(t)
	in.createAccount(t, "alice")
	srv := startServer(t, in)

	code, index := srv.get(t, "/.well-known/nodeinfo", "")
	if code != 200 {
		t.Fatalf("/.well-known/nodeinfo: %d", code)
	}
	links, _ := index["links"].([]any)
	hrefs := map[string]string{}
	for _, l := range links {
		hrefs[field(l, "rel").(string)], _ = field(l, "href").(string)
	}
	for _, ver := range []string{"2.0", "2.1"} {
		rel := "http://nodeinfo.diaspora.software/ns/schema/" + ver
		if hrefs[rel] != srv.url+"/nodeinfo/"+ver {
			t.Errorf("nodeinfo link %s = %q", rel, hrefs[rel])
		}
		resp, body := srv.request(t, http.MethodGet, "/nodeinfo/"+ver, "", nil)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "application/json") ||
			!strings.Contains(resp.Header.Get("Content-Type"), rel) {
			t.Errorf("/nodeinfo/%s: %d %q", ver, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		var doc map[string]any
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc["version"] != ver || field(doc, "software", "name") != "rounds" || field(doc, "software", "version") != version ||
			number(doc, "usage", "users", "total") != 1 || doc["openRegistrations"] != false {
			t.Errorf("/nodeinfo/%s: %s", ver, body)
		}
	}
	if code, _ := srv.get(t, "/nodeinfo/3.0", ""); code != 404 {
		t.Errorf("/nodeinfo/3.0: %d, want 404", code)
	}
}

func TestHostMeta(t *testing.T) {
	srv := startServer(t, newInstance(t))
	resp, body := srv.request(t, http.MethodGet, "/.well-known/host-meta", "", nil)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/xrd+xml") {
		t.Errorf("host-meta: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	want := `<Link rel="lrdd" template="` + srv.url + `/.well-known/webfinger?resource={uri}"/>`
	if !strings.Contains(string(body), want) || !strings.HasPrefix(string(body), "<?xml") {
		t.Errorf("host-meta body lacks %s:\n%s", want, body)
	}
}

func TestWebFinger(t *testing.T) {
	in := newInstance(t)
	in.createAccount(t, "alice")
	srv := startServer(t, in)
	finger := func(resource string) (*http.Response, []byte) {
		return srv.request(t, http.MethodGet, "/.well-known/webfinger?resource="+url.QueryEscape(resource), "", nil)
	}

	for _, res := range []string{"acct:alice@" + in.host, "alice@" + in.host, "acct:ALICE@" + in.host, srv.url + "/users/alice"} {
		resp, body := finger(res)
		if resp.StatusCode != 200 {
			t.Errorf("webfinger %s: %d %s", res, resp.StatusCode, body)
			continue
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/jrd+json") {
			t.Errorf("webfinger %s: Content-Type %q", res, ct)
		}
		var doc struct {
			Subject string `json:"subject"`
			Links   []struct{ Rel, Type, Href string }
		}
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Subject != "acct:alice@"+in.host {
			t.Errorf("webfinger %s: subject %q", res, doc.Subject)
		}
		self := ""
		for _, l := range doc.Links {
			if l.Rel == "self" && l.Type == "application/activity+json" {
				self = l.Href
			}
		}
		if self != srv.url+"/users/alice" {
			t.Errorf("webfinger %s: self link %q, want %s/users/alice\n%s", res, self, srv.url, body)
		}
	}

	for res, status := range map[string]int{
		"acct:bob@" + in.host:               404,
		"acct:alice@other.example":          404,
		"acct:alice@127.0.0.1:1":            404,
		"https://other.example/users/alice": 404,
		"":                                  400,
		"garbage":                           400,
		"acct:@" + in.host:                  400,
		"acct:alice@":                       400,
		"acct:a@b@c":                        400,
	} {
		resp, body := finger(res)
		wantJSONError(t, "webfinger "+res, resp, body, status)
	}
	resp, body := srv.request(t, http.MethodGet, "/.well-known/webfinger", "", nil)
	wantJSONError(t, "webfinger without resource", resp, body, 400)
}

func TestBearerTokens(t *testing.T) {
	in := newInstance(t)
	in.createAccount(t, "alice", "--display-name", "Alice Ng")
	srv := startServer(t, in)
	tok := in.token(t, "alice")

	code, me := srv.get(t, "/api/v1/accounts/verify_credentials", tok)
	if code != 200 || me["username"] != "alice" || me["acct"] != "alice" || me["display_name"] != "Alice Ng" ||
		me["url"] != srv.url+"/@alice" {
		t.Errorf("verify_credentials: %d %v", code, me)
	}
	if field(me, "source", "privacy") == nil {
		t.Errorf("verify_credentials lacks source: %v", me)
	}

	cases := map[string]string{"no token": "", "garbage token": "not-a-token", "long garbage": strings.Repeat("x", 2000)}
	for name, header := range cases {
		req, _ := http.NewRequest(http.MethodGet, srv.url+"/api/v1/accounts/verify_credentials", nil)
		if header != "" {
			req.Header.Set("Authorization", "Bearer "+header)
		}
		resp, body := srv.do(t, req)
		wantJSONError(t, name, resp, body, 401)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.url+"/api/v1/accounts/verify_credentials", nil)
	req.Header.Set("Authorization", "Basic "+tok)
	resp, body := srv.do(t, req)
	wantJSONError(t, "token in a Basic header", resp, body, 401)

	// The scheme is case-insensitive (RFC 9110 §11.1); some clients send "bearer".
	req, _ = http.NewRequest(http.MethodGet, srv.url+"/api/v1/accounts/verify_credentials", nil)
	req.Header.Set("Authorization", "bearer "+tok)
	if resp, body := srv.do(t, req); resp.StatusCode != 200 {
		t.Errorf("lower-case bearer scheme: %d %s", resp.StatusCode, body)
	}

	// Mastodon's legacy query parameter, which megalodon's streaming uses.
	if code, _ := srv.get(t, "/api/v1/accounts/verify_credentials?access_token="+tok, ""); code != 200 {
		t.Errorf("access_token query parameter: %d", code)
	}
	if code, _ := srv.get(t, "/api/v1/accounts/verify_credentials?access_token=nope", ""); code != 401 {
		t.Errorf("garbage access_token query parameter: %d, want 401", code)
	}
	if !strings.Contains(srv.log.String(), "verify_credentials") || strings.Contains(srv.log.String(), tok) {
		t.Error("the access log is missing requests or shows a token")
	}

	revoke(t, in, tok)
	resp, body = srv.request(t, http.MethodGet, "/api/v1/accounts/verify_credentials", tok, nil)
	wantJSONError(t, "revoked token", resp, body, 401)
}

func TestReadOnlyTokenReadsCredentials(t *testing.T) {
	in := newInstance(t)
	in.createAccount(t, "alice")
	srv := startServer(t, in)
	if code, _ := srv.get(t, "/api/v1/accounts/verify_credentials", in.token(t, "alice", "--scopes", "read:accounts")); code != 200 {
		t.Errorf("read:accounts token: %d, want 200", code)
	}
	resp, body := srv.request(t, http.MethodGet, "/api/v1/accounts/verify_credentials", in.token(t, "alice", "--scopes", "write"), nil)
	wantJSONError(t, "write-only token", resp, body, 403)
}

func TestUnknownRoutes(t *testing.T) {
	srv := startServer(t, newInstance(t))
	for _, p := range []string{"/api/v1/nothing-here", "/api/v9/instance", "/no-such-page"} {
		resp, body := srv.request(t, http.MethodGet, p, "", nil)
		wantJSONError(t, p, resp, body, 404)
	}
}

func TestOversizedBodies(t *testing.T) {
	srv := startServer(t, newInstance(t)) // limits.max_body_bytes = 4096
	big := strings.Repeat("x", 64<<10)
	for _, p := range []string{"/api/v1/statuses", "/inbox", "/users/alice/inbox", "/api/v1/instance", "/oauth/token"} {
		resp, body := srv.request(t, http.MethodPost, p, "", strings.NewReader(big))
		wantJSONError(t, "POST "+p+" with Content-Length", resp, body, 413)
	}
	// A body just under the limit passes the middleware (and meets whatever the route says).
	resp, _ := srv.request(t, http.MethodPost, "/api/v1/statuses", "", strings.NewReader(strings.Repeat("x", 4000)))
	if resp.StatusCode == 413 {
		t.Error("a body under the limit was refused as too large")
	}
}

func TestCORSAndRequestIDs(t *testing.T) {
	srv := startServer(t, newInstance(t))
	req, _ := http.NewRequest(http.MethodOptions, srv.url+"/api/v1/instance", nil)
	req.Header.Set("Origin", "https://elk.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "authorization")
	resp, _ := srv.do(t, req)
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(strings.ToLower(resp.Header.Get("Access-Control-Allow-Headers")), "authorization") {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	resp, _ = srv.request(t, http.MethodGet, "/api/v1/instance", "", nil)
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Error("GET /api/v1/instance lacks Access-Control-Allow-Origin")
	}

	seen := map[string]bool{}
	for _, p := range []string{"/healthz", "/api/v1/instance", "/api/v1/nothing", "/.well-known/webfinger", "/nodeinfo/2.0", "/nope"} {
		resp, _ := srv.request(t, http.MethodGet, p, "", nil)
		id := resp.Header.Get("X-Request-Id")
		if id == "" || seen[id] {
			t.Errorf("GET %s: X-Request-Id %q (empty or reused)", p, id)
		}
		seen[id] = true
	}
	resp, _ = srv.request(t, http.MethodPost, "/inbox", "", bytes.NewReader(make([]byte, 8192)))
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("413 response lacks X-Request-Id")
	}
	req, _ = http.NewRequest(http.MethodGet, srv.url+"/healthz", nil)
	req.Header.Set("X-Request-Id", "trace-abc-123")
	if resp, _ := srv.do(t, req); resp.Header.Get("X-Request-Id") != "trace-abc-123" {
		t.Errorf("a sane client request id was not kept: %q", resp.Header.Get("X-Request-Id"))
	}
	if !strings.Contains(srv.log.String(), "trace-abc-123") {
		t.Error("the access log does not carry the request id")
	}
}

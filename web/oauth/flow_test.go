package oauth

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const cb = "https://app.example/callback"

func TestCodeFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp(cb, "read write follow push")
	code := e.code(a, cb, nil)
	r := e.exchange(a, code, cb, nil)
	if r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("exchange: %d %s", r.status, r.body)
	}
	tok := r.json(t)
	if tok["token_type"] != "Bearer" || tok["scope"] != "read write" || tok["created_at"].(float64) <= 0 ||
		tok["refresh_token"] == nil {
		t.Errorf("token response %v", tok)
	}
	r = e.get(nil, "/api/v1/accounts/verify_credentials", "Authorization", "Bearer "+tok["access_token"].(string))
	if r.status != http.StatusOK || r.json(t)["user_id"].(float64) != float64(e.user.ID) {
		t.Errorf("verify_credentials: %d %s", r.status, r.body)
	}
	// A code works once (RFC 6749 §4.1.2).
	if r := e.exchange(a, code, cb, nil); r.status != http.StatusBadRequest || r.json(t)["error"] != "invalid_grant" {
		t.Errorf("reused code: %d %s", r.status, r.body)
	}
	for _, ev := range []string{"oauth.sign_in", "oauth.authorized", "oauth.token_issued"} {
		if !e.sawEvent(ev) {
			t.Errorf("audit hook never heard %q", ev)
		}
	}
}

func TestCodeFlowJSONAndBasicAuth(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp(cb, "read write")
	body := `{"grant_type":"authorization_code","code":"` + e.code(a, cb, nil) + `","client_id":"` + a.id +
		`","client_secret":"` + a.secret + `","redirect_uri":"` + cb + `","scope":"read write"}`
	if r := e.do(nil, http.MethodPost, "/oauth/token", "application/json", body); r.status != http.StatusOK {
		t.Errorf("JSON exchange (Elk, Ice Cubes): %d %s", r.status, r.body)
	}
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(a.id) + ":" + url.QueryEscape(a.secret)))
	v := url.Values{"grant_type": {"authorization_code"}, "code": {e.code(a, cb, nil)}, "redirect_uri": {cb}}
	if r := e.postForm(nil, "/oauth/token", v, "Authorization", "Basic "+basic); r.status != http.StatusOK {
		t.Errorf("client_secret_basic: %d %s", r.status, r.body)
	}
}

func pkcePair() (verifier, challenge string) {
	verifier = NewSecret() + "-pkce"
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestPKCE(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp(cb, "read write")
	verifier, challenge := pkcePair()
	extra := url.Values{"code_challenge": {challenge}, "code_challenge_method": {"S256"}}

	wrong, _ := pkcePair()
	r := e.exchange(a, e.code(a, cb, extra), cb, url.Values{"code_verifier": {wrong}})
	if r.status != http.StatusBadRequest || r.json(t)["error"] != "invalid_grant" {
		t.Errorf("wrong verifier: %d %s", r.status, r.body)
	}
	r = e.exchange(a, e.code(a, cb, extra), cb, nil)
	if r.status != http.StatusBadRequest || r.json(t)["error"] != "invalid_grant" {
		t.Errorf("missing verifier: %d %s", r.status, r.body)
	}
	if r := e.exchange(a, e.code(a, cb, extra), cb, url.Values{"code_verifier": {verifier}}); r.status != http.StatusOK {
		t.Errorf("right verifier: %d %s", r.status, r.body)
	}
	// With PKCE the verifier proves the caller started the flow, so a
	// client that keeps no secret (Phanpy without one) may leave it out.
	r = e.exchange(a, e.code(a, cb, extra), cb, url.Values{"code_verifier": {verifier}, "client_secret": {""}})
	if r.status != http.StatusOK {
		t.Errorf("PKCE without a secret: %d %s", r.status, r.body)
	}
	// Without PKCE the secret is required.
	r = e.exchange(a, e.code(a, cb, nil), cb, url.Values{"client_secret": {""}})
	if r.status != http.StatusUnauthorized || r.json(t)["error"] != "invalid_client" {
		t.Errorf("no secret, no PKCE: %d %s", r.status, r.body)
	}
	// Only S256 challenges are accepted; the refusal goes back to the app.
	r = e.get(nil, authorizePath(a, cb, url.Values{"code_challenge": {challenge}, "code_challenge_method": {"plain"}}))
	if loc := r.header.Get("Location"); r.status != http.StatusFound || !strings.Contains(loc, "error=invalid_request") {
		t.Errorf("plain PKCE: %d %q", r.status, loc)
	}
}

func TestCodeExchangeErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp(cb+" https://app.example/other", "read write")
	other := e.registerApp(cb, "read write")

	r := e.exchange(a, e.code(a, cb, nil), "https://app.example/other", nil)
	if r.status != http.StatusBadRequest || r.json(t)["error"] != "invalid_grant" {
		t.Errorf("wrong redirect_uri: %d %s", r.status, r.body)
	}
	r = e.exchange(app{a.id, "not-the-secret"}, e.code(a, cb, nil), cb, nil)
	if r.status != http.StatusUnauthorized || r.json(t)["error"] != "invalid_client" || r.header.Get("WWW-Authenticate") == "" {
		t.Errorf("wrong secret: %d %s", r.status, r.body)
	}
	r = e.exchange(app{"no-such-client", a.secret}, e.code(a, cb, nil), cb, nil)
	if r.status != http.StatusUnauthorized || r.json(t)["error"] != "invalid_client" {
		t.Errorf("unknown client: %d %s", r.status, r.body)
	}
	r = e.exchange(other, e.code(a, cb, nil), cb, nil)
	if r.status != http.StatusBadRequest || r.json(t)["error"] != "invalid_grant" {
		t.Errorf("another app's code: %d %s", r.status, r.body)
	}
	r = e.exchange(a, "made-up", cb, nil)
	if r.status != http.StatusBadRequest || r.json(t)["error"] != "invalid_grant" {
		t.Errorf("made-up code: %d %s", r.status, r.body)
	}
	for gt, want := range map[string]string{"password": "unsupported_grant_type", "": "invalid_request", "implicit": "unsupported_grant_type"} {
		r := e.postForm(nil, "/oauth/token", url.Values{"grant_type": {gt}, "client_id": {a.id}, "client_secret": {a.secret}})
		if r.status != http.StatusBadRequest || r.json(t)["error"] != want {
			t.Errorf("grant_type %q: %d %s, want 400 %s", gt, r.status, r.body, want)
		}
	}
}

func TestDenyAndAuthorizeRequestErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp(cb, "read")
	c := e.browser()
	f := e.signIn(c, authorizePath(a, cb, url.Values{"scope": {"read"}}))
	f.Set("decision", "deny")
	r := e.postForm(c, "/oauth/authorize", f)
	if loc := r.header.Get("Location"); r.status != http.StatusFound || !strings.HasPrefix(loc, cb+"?") ||
		!strings.Contains(loc, "error=access_denied") || !strings.Contains(loc, "state=xyz") {
		t.Errorf("deny: %d %q", r.status, loc)
	}
	// Scopes beyond the app's registration go back as invalid_scope.
	r = e.get(c, authorizePath(a, cb, url.Values{"scope": {"read write"}}))
	if loc := r.header.Get("Location"); r.status != http.StatusFound || !strings.Contains(loc, "error=invalid_scope") {
		t.Errorf("scope beyond the app's: %d %q", r.status, loc)
	}
	// Granular scopes within a registered top-level one are fine.
	r = e.get(c, authorizePath(a, cb, url.Values{"scope": {"read:statuses"}}))
	if r.status != http.StatusOK || !strings.Contains(r.body, "read:statuses") {
		t.Errorf("granular scope: %d %s", r.status, r.body)
	}
	// An unregistered redirect URI or client is never redirected to.
	for name, path := range map[string]string{
		"foreign redirect": authorizePath(a, "https://evil.example/cb", nil),
		"unknown client":   authorizePath(app{id: "nope"}, cb, nil),
	} {
		r := e.get(c, path)
		if r.status != http.StatusBadRequest || r.header.Get("Location") != "" || !strings.Contains(r.header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: %d %q", name, r.status, r.header.Get("Location"))
		}
	}
}

func TestOOBShowsCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp(OOB, "read")
	c := e.browser()
	f := e.signIn(c, authorizePath(a, OOB, url.Values{"scope": {"read"}}))
	f.Set("decision", "approve")
	r := e.postForm(c, "/oauth/authorize", f)
	if r.status != http.StatusOK || r.header.Get("Location") != "" {
		t.Fatalf("oob: %d %s", r.status, r.body)
	}
	i := strings.Index(r.body, `id="code">`)
	if i < 0 {
		t.Fatalf("no code on the page: %s", r.body)
	}
	code, _, _ := strings.Cut(r.body[i+len(`id="code">`):], "<")
	if r := e.exchange(a, code, OOB, nil); r.status != http.StatusOK {
		t.Errorf("exchange the shown code: %d %s", r.status, r.body)
	}
}

func TestCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp(cb, "read")
	c := e.browser()
	path := authorizePath(a, cb, url.Values{"scope": {"read"}})

	// Sign-in form: missing and wrong tokens are refused.
	f := formFields(t, e.get(c, path).body)
	f.Set("email", "alice@hospital.example")
	f.Set("password", testPassword)
	for _, tok := range []string{"", "forged"} {
		g := url.Values{}
		for k, v := range f {
			g[k] = v
		}
		g.Set("csrf_token", tok)
		if r := e.postForm(c, "/oauth/sign_in", g); r.status != http.StatusForbidden {
			t.Errorf("sign-in with CSRF token %q: %d", tok, r.status)
		}
	}
	// Another browser's valid token is no good without its cookie.
	if r := e.postForm(e.browser(), "/oauth/sign_in", f); r.status != http.StatusForbidden {
		t.Errorf("sign-in from a browser without the cookie: %d", r.status)
	}

	// Authorize form: the same.
	consent := e.signIn(c, path)
	consent.Set("decision", "approve")
	for _, tok := range []string{"", "forged", f.Get("csrf_token")} {
		g := url.Values{}
		for k, v := range consent {
			g[k] = v
		}
		g.Set("csrf_token", tok)
		if r := e.postForm(c, "/oauth/authorize", g); r.status != http.StatusForbidden {
			t.Errorf("authorize with CSRF token %q: %d %q", tok, r.status, r.header.Get("Location"))
		}
	}
	if r := e.postForm(c, "/oauth/authorize", consent); r.status != http.StatusFound {
		t.Errorf("authorize with the right token: %d", r.status)
	}
}

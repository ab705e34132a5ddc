package oauth

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
)

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp(cb, "read write")
	grant := func(scope string, secret string) resp {
		return e.postForm(nil, "/oauth/token", url.Values{"grant_type": {"client_credentials"},
			"client_id": {a.id}, "client_secret": {secret}, "scope": {scope}})
	}
	r := grant("", a.secret)
	tok := r.json(t)
	if r.status != http.StatusOK || tok["scope"] != "read" || tok["refresh_token"] != nil {
		t.Fatalf("client_credentials: %d %s", r.status, r.body)
	}
	// An app token is not a user: user endpoints refuse it.
	r = e.get(nil, "/api/v1/accounts/verify_credentials", "Authorization", "Bearer "+tok["access_token"].(string))
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("user endpoint with an app token: %d %s", r.status, r.body)
	}
	if r := grant("read follow", a.secret); r.status != http.StatusBadRequest || r.json(t)["error"] != "invalid_scope" {
		t.Errorf("scope beyond the app's: %d %s", r.status, r.body)
	}
	if r := grant("read", "wrong"); r.status != http.StatusUnauthorized || r.json(t)["error"] != "invalid_client" {
		t.Errorf("wrong secret: %d %s", r.status, r.body)
	}
}

func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp(cb, "read write")
	first := e.exchange(a, e.code(a, cb, nil), cb, nil).json(t)
	refresh := func(tok string, secret string, scope string) resp {
		v := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok}, "client_id": {a.id}, "client_secret": {secret}}
		if scope != "" {
			v.Set("scope", scope)
		}
		return e.postForm(nil, "/oauth/token", v)
	}
	if r := refresh(first["refresh_token"].(string), "wrong", ""); r.status != http.StatusUnauthorized {
		t.Errorf("refresh with a wrong secret: %d %s", r.status, r.body)
	}
	if r := refresh(first["refresh_token"].(string), a.secret, "read write follow"); r.status != http.StatusBadRequest ||
		r.json(t)["error"] != "invalid_scope" {
		t.Errorf("widening scope on refresh: %d %s", r.status, r.body)
	}
	r := refresh(first["refresh_token"].(string), a.secret, "read")
	second := r.json(t)
	if r.status != http.StatusOK || second["scope"] != "read" || second["refresh_token"] == first["refresh_token"] {
		t.Fatalf("refresh: %d %s", r.status, r.body)
	}
	// The old pair is dead, the new one works.
	if r := refresh(first["refresh_token"].(string), a.secret, ""); r.status != http.StatusBadRequest || r.json(t)["error"] != "invalid_grant" {
		t.Errorf("old refresh token again: %d %s", r.status, r.body)
	}
	if r := e.get(nil, "/api/v1/accounts/verify_credentials", "Authorization", "Bearer "+first["access_token"].(string)); r.status != http.StatusUnauthorized {
		t.Errorf("old access token after refresh: %d", r.status)
	}
	if r := e.get(nil, "/api/v1/accounts/verify_credentials", "Authorization", "Bearer "+second["access_token"].(string)); r.status != http.StatusOK {
		t.Errorf("new access token: %d %s", r.status, r.body)
	}
	// Another app cannot use this app's refresh token.
	b := e.registerApp(cb, "read write")
	v := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {second["refresh_token"].(string)},
		"client_id": {b.id}, "client_secret": {b.secret}}
	if r := e.postForm(nil, "/oauth/token", v); r.status != http.StatusBadRequest {
		t.Errorf("another app's refresh token: %d %s", r.status, r.body)
	}
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp(cb, "read")
	tok := e.exchange(a, e.code(a, cb, url.Values{"scope": {"read"}}), cb, nil).json(t)
	access := tok["access_token"].(string)
	revoke := func(token, secret string) resp {
		return e.postForm(nil, "/oauth/revoke", url.Values{"token": {token}, "client_id": {a.id}, "client_secret": {secret}})
	}
	if r := revoke(access, "wrong"); r.status != http.StatusUnauthorized {
		t.Errorf("revoke with a wrong secret: %d", r.status)
	}
	if r := revoke(access, a.secret); r.status != http.StatusOK || strings.TrimSpace(r.body) != "{}" {
		t.Errorf("revoke: %d %s", r.status, r.body)
	}
	if r := e.get(nil, "/api/v1/accounts/verify_credentials", "Authorization", "Bearer "+access); r.status != http.StatusUnauthorized {
		t.Errorf("revoked token still works: %d", r.status)
	}
	v := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok["refresh_token"].(string)}, "client_id": {a.id}, "client_secret": {a.secret}}
	if r := e.postForm(nil, "/oauth/token", v); r.status != http.StatusBadRequest {
		t.Errorf("refresh of a revoked token: %d", r.status)
	}
	for _, unknown := range []string{NewSecret(), "", access} {
		if r := revoke(unknown, a.secret); r.status != http.StatusOK {
			t.Errorf("revoke unknown/already revoked %q: %d", unknown, r.status)
		}
	}
	if !e.sawEvent("oauth.token_revoked") {
		t.Error("audit hook never heard of the revocation")
	}
}

func TestSignInRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{SignInLimit: 3, SignInWindow: time.Hour})
	a := e.registerApp(cb, "read")
	c := e.browser()
	path := authorizePath(a, cb, url.Values{"scope": {"read"}})
	f := formFields(t, e.get(c, path).body)
	f.Set("email", "alice@hospital.example")
	f.Set("password", "wrong password")
	for i := range 3 {
		r := e.postForm(c, "/oauth/sign_in", f)
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Invalid e-mail or password") {
			t.Fatalf("failure %d: %d %s", i+1, r.status, r.body)
		}
	}
	// Now even the right password is refused, with a readable reason.
	f.Set("password", testPassword)
	r := e.postForm(c, "/oauth/sign_in", f)
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Too many failed sign-in attempts") ||
		r.header.Get("Retry-After") == "" {
		t.Errorf("after the limit: %d %s", r.status, r.body)
	}
	if !e.sawEvent("oauth.sign_in_failed") {
		t.Error("audit hook never heard of the failures")
	}
}

func TestSignInUnknownAndDisabled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp(cb, "read")
	c := e.browser()
	f := formFields(t, e.get(c, authorizePath(a, cb, url.Values{"scope": {"read"}})).body)
	f.Set("email", "nobody@hospital.example")
	f.Set("password", testPassword)
	if r := e.postForm(c, "/oauth/sign_in", f); r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Invalid e-mail or password") {
		t.Errorf("unknown e-mail: %d", r.status)
	}
	e.user.Disabled = true
	if err := e.store.UpdateUser(t.Context(), e.user); err != nil {
		t.Fatal(err)
	}
	f.Set("email", "alice@hospital.example")
	if r := e.postForm(c, "/oauth/sign_in", f); r.status != http.StatusForbidden || !strings.Contains(r.body, "disabled") {
		t.Errorf("disabled user: %d %s", r.status, r.body)
	}
	// A return_to off the authorize page is never followed.
	f.Set("return_to", "https://evil.example/oauth/authorize?x")
	if r := e.postForm(c, "/oauth/sign_in", f); r.status != http.StatusBadRequest || r.header.Get("Location") != "" {
		t.Errorf("foreign return_to: %d %q", r.status, r.header.Get("Location"))
	}
}

func TestSessionCookieAndIdleExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp(cb, "read")
	c := e.browser()
	path := authorizePath(a, cb, url.Values{"scope": {"read"}})
	f := formFields(t, e.get(c, path).body)
	f.Set("email", "alice@hospital.example")
	f.Set("password", testPassword)
	r := e.postForm(c, "/oauth/sign_in", f)
	sc := r.header.Get("Set-Cookie")
	if !strings.Contains(sc, sessionCookie+"=") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") ||
		strings.Contains(sc, "Secure") {
		t.Errorf("session cookie over http: %q", sc)
	}
	if r := e.get(c, path); !strings.Contains(r.body, `value="approve"`) {
		t.Fatalf("signed in: %d %s", r.status, r.body)
	}
	// force_login (Elk sends it) asks for the password even when signed in.
	if r := e.get(c, path+"&force_login=true"); !strings.Contains(r.body, `action="/oauth/sign_in"`) {
		t.Errorf("force_login: %d %s", r.status, r.body)
	}
	// Backdate the session past the idle timeout: the sign-in page is back.
	u, _ := url.Parse(e.srv.URL + "/oauth/authorize")
	var hash string
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookie {
			hash = HashToken(ck.Value)
		}
	}
	if err := e.store.TouchWebSession(t.Context(), hash, time.Now().Add(-DefaultSessionIdle-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if r := e.get(c, path); !strings.Contains(r.body, `action="/oauth/sign_in"`) {
		t.Errorf("idle session still signed in: %d", r.status)
	}
	if _, err := e.store.WebSessionByHash(t.Context(), hash); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("expired session row: %v, want it deleted", err)
	}
}

func TestExpiredCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp(cb, "read")
	stored, _ := e.store.AppByClientID(t.Context(), a.id)
	code := NewSecret()
	past := time.Now().Add(-CodeLifetime - time.Minute)
	if err := e.store.CreateAuthCode(t.Context(), &storage.AuthCode{CodeHash: HashToken(code), AppID: stored.ID,
		UserID: e.user.ID, RedirectURI: cb, Scopes: []string{"read"}, CreatedAt: past.Add(-time.Minute), ExpiresAt: past}); err != nil {
		t.Fatal(err)
	}
	if r := e.exchange(a, code, cb, nil); r.status != http.StatusBadRequest || r.json(t)["error"] != "invalid_grant" {
		t.Errorf("expired code: %d %s", r.status, r.body)
	}
}

func TestCookieSecureOverHTTPS(t *testing.T) {
	t.Parallel()
	s := &Server{base: uris.New("https", "hospital.example")}
	rec := httptest.NewRecorder()
	s.setCookie(rec, sessionCookie, NewSecret(), 0)
	if sc := rec.Header().Get("Set-Cookie"); !strings.Contains(sc, "Secure") || !strings.Contains(sc, "HttpOnly") {
		t.Errorf("cookie on an https instance: %q", sc)
	}
}

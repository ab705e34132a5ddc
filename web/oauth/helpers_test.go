package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/testdb"
	"github.com/rounds-social/rounds/web/httpx"
)

const testPassword = "correct horse battery"

// env is an authorization server on 127.0.0.1 over a fresh SQLite file, with
// one clinician who can sign in.
type env struct {
	t      *testing.T
	srv    *httptest.Server
	store  storage.Store
	user   *storage.User
	mu     sync.Mutex
	events []string
}

func newEnv(t *testing.T, opt Options) *env {
	t.Helper()
	db := testdb.Open(t) // SQLite, or PostgreSQL with ROUNDS_TEST_BACKEND=postgres
	e := &env{t: t, store: db}
	srv := httptest.NewUnstartedServer(nil)
	svc := federation.New(db, federation.Options{Base: uris.New("http", srv.Listener.Addr().String())})
	var err error
	_, e.user, err = svc.CreateLocalAccount(context.Background(), federation.NewAccount{
		Username: "alice", Email: "alice@hospital.example", Password: testPassword})
	if err != nil {
		t.Fatal(err)
	}
	opt.Audit = func(_ context.Context, event string, _ int64) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.events = append(e.events, event)
	}
	r := mux.NewRouter()
	New(svc, opt).Register(r)
	r.HandleFunc("/api/v1/accounts/verify_credentials", e.userEndpoint)
	srv.Config.Handler = r
	srv.Start()
	t.Cleanup(srv.Close)
	e.srv = srv
	return e
}

// userEndpoint stands in for a Mastodon API route that needs a user: it
// accepts exactly what Lookup accepts and, like web/mastodon, refuses
// app-only tokens with 422.
func (e *env) userEndpoint(w http.ResponseWriter, r *http.Request) {
	tok, err := Lookup(r.Context(), e.store, bearer(r), time.Now())
	if errors.Is(err, ErrInvalidToken) {
		httpx.WriteError(w, http.StatusUnauthorized, err.Error())
		return
	}
	if err != nil || tok.UserID == 0 {
		httpx.WriteError(w, http.StatusUnprocessableEntity, "This method requires an authenticated user")
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"user_id": tok.UserID, "scopes": tok.Scopes})
}

// browser is a cookie-keeping client that does not follow redirects, so
// each step of the flow can be looked at.
func (e *env) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type resp struct {
	status int
	header http.Header
	body   string
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("not JSON (%d): %s", r.status, r.body)
	}
	return m
}

func (e *env) do(c *http.Client, method, path, contentType, body string, hdr ...string) resp {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if c == nil {
		c = e.browser()
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, string(b)}
}

func (e *env) postForm(c *http.Client, path string, v url.Values, hdr ...string) resp {
	e.t.Helper()
	return e.do(c, http.MethodPost, path, "application/x-www-form-urlencoded", v.Encode(), hdr...)
}

func (e *env) get(c *http.Client, path string, hdr ...string) resp {
	e.t.Helper()
	return e.do(c, http.MethodGet, path, "", "", hdr...)
}

type app struct{ id, secret string }

func (e *env) registerApp(redirect, scopes string) app {
	e.t.Helper()
	r := e.postForm(nil, "/api/v1/apps", url.Values{"client_name": {"Test App"}, "redirect_uris": {redirect}, "scopes": {scopes}})
	if r.status != http.StatusOK {
		e.t.Fatalf("register app: %d %s", r.status, r.body)
	}
	m := r.json(e.t)
	return app{m["client_id"].(string), m["client_secret"].(string)}
}

var hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// formFields reads the hidden inputs of a page, as a browser would submit them.
func formFields(t *testing.T, page string) url.Values {
	t.Helper()
	v := url.Values{}
	for _, m := range hiddenRE.FindAllStringSubmatch(page, -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	if v.Get("csrf_token") == "" {
		t.Fatalf("no CSRF token in page:\n%s", page)
	}
	return v
}

// authorizePath is GET /oauth/authorize for a with extra parameters.
func authorizePath(a app, redirect string, extra url.Values) string {
	q := url.Values{"response_type": {"code"}, "client_id": {a.id}, "redirect_uri": {redirect},
		"scope": {"read write"}, "state": {"xyz"}}
	for k, v := range extra {
		q[k] = v
	}
	return "/oauth/authorize?" + q.Encode()
}

// signIn walks from the authorize URL through the sign-in form to the
// consent page and returns the consent form's fields.
func (e *env) signIn(c *http.Client, path string) url.Values {
	e.t.Helper()
	r := e.get(c, path)
	if r.status != http.StatusOK || !strings.Contains(r.body, `action="/oauth/sign_in"`) {
		e.t.Fatalf("authorize without a session: %d %s", r.status, r.body)
	}
	f := formFields(e.t, r.body)
	f.Set("email", "alice@hospital.example")
	f.Set("password", testPassword)
	r = e.postForm(c, "/oauth/sign_in", f)
	if r.status != http.StatusSeeOther {
		e.t.Fatalf("sign in: %d %s", r.status, r.body)
	}
	r = e.get(c, r.header.Get("Location"))
	if r.status != http.StatusOK || !strings.Contains(r.body, `value="approve"`) {
		e.t.Fatalf("consent page: %d %s", r.status, r.body)
	}
	return formFields(e.t, r.body)
}

// approve presses Authorize and returns the redirect's query.
func (e *env) approve(c *http.Client, f url.Values, redirect string) url.Values {
	e.t.Helper()
	f.Set("decision", "approve")
	r := e.postForm(c, "/oauth/authorize", f)
	loc := r.header.Get("Location")
	if r.status != http.StatusFound || !strings.HasPrefix(loc, redirect+"?") {
		e.t.Fatalf("authorize: %d %q %s", r.status, loc, r.body)
	}
	q, err := url.ParseQuery(strings.TrimPrefix(loc, redirect+"?"))
	if err != nil {
		e.t.Fatal(err)
	}
	return q
}

// code runs the whole browser part of the flow and returns a fresh code.
func (e *env) code(a app, redirect string, extra url.Values) string {
	e.t.Helper()
	c := e.browser()
	q := e.approve(c, e.signIn(c, authorizePath(a, redirect, extra)), redirect)
	if q.Get("code") == "" || q.Get("state") != "xyz" {
		e.t.Fatalf("redirect query %v: want a code and state=xyz", q)
	}
	return q.Get("code")
}

func (e *env) exchange(a app, code, redirect string, extra url.Values) resp {
	e.t.Helper()
	v := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {a.id},
		"client_secret": {a.secret}, "redirect_uri": {redirect}}
	for k, vs := range extra {
		v[k] = vs
	}
	return e.postForm(nil, "/oauth/token", v)
}

func (e *env) sawEvent(name string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, ev := range e.events {
		if ev == name {
			return true
		}
	}
	return false
}

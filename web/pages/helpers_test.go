package pages_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/testdb"
	"github.com/rounds-social/rounds/web"
	"github.com/rounds-social/rounds/web/ap"
	"github.com/rounds-social/rounds/web/mastodon"
)

const testPassword = "correct horse battery"

// env is a whole Rounds HTTP surface (web.NewHandler with the ActivityPub
// routes, as cmd wires it) on 127.0.0.1 over a fresh SQLite file.
type env struct {
	t     *testing.T
	srv   *httptest.Server
	store storage.Store
	svc   *federation.Service
	base  uris.Base
	alice *storage.Account
	bob   *storage.Account
}

func newEnv(t *testing.T, idle time.Duration) *env {
	t.Helper()
	ctx := context.Background()
	db := testdb.Open(t) // SQLite, or PostgreSQL with ROUNDS_TEST_BACKEND=postgres
	srv := httptest.NewUnstartedServer(nil)
	e := &env{t: t, srv: srv, store: db, base: uris.New("http", srv.Listener.Addr().String())}
	e.svc = federation.New(db, federation.Options{Base: e.base})
	if _, err := e.svc.InstanceActor(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"alice", "bob"} {
		a, _, err := e.svc.CreateLocalAccount(ctx, federation.NewAccount{Username: n, Email: n + "@hospital.example",
			Password: testPassword, DisplayName: "Dr " + n})
		if err != nil {
			t.Fatal(err)
		}
		if n == "alice" {
			e.alice = a
		} else {
			e.bob = a
		}
	}
	apub := ap.New(e.svc, ap.Options{})
	srv.Config.Handler = web.NewHandler(web.Options{Service: e.svc, SessionIdle: idle, Logger: slog.New(slog.DiscardHandler), Partners: []string{"partner.example"},
		Routes: []func(*mux.Router){apub.Register},
		Instance: mastodon.Instance{Name: "Test Hospital", Description: "Clinicians of Test Hospital",
			ContactEmail: "it@hospital.example", Registrations: "invite", Rules: []string{"No patient identifiers"}}})
	srv.Start()
	t.Cleanup(srv.Close)
	return e
}

func (e *env) post(a *storage.Account, text, vis string, replyTo int64) *storage.Status {
	e.t.Helper()
	st, err := e.svc.Post(context.Background(), a, federation.Draft{Text: text, Visibility: vis, InReplyToID: replyTo})
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

// browser is a cookie-keeping client that does not follow redirects, so
// tests see where each answer points.
type browser struct {
	e *env
	c *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type resp struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(method, path, accept string, form url.Values) resp {
	b.e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.srv.URL+path, body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if accept == "" {
		accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" // what Chromium sends
	}
	req.Header.Set("Accept", accept)
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, string(raw)}
}

func (b *browser) get(path string) resp { return b.do(http.MethodGet, path, "", nil) }

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// submit loads page, takes its CSRF token and posts form to action.
func (b *browser) submit(page, action string, form url.Values) resp {
	b.e.t.Helper()
	r := b.get(page)
	m := csrfRE.FindStringSubmatch(r.body)
	if m == nil {
		b.e.t.Fatalf("GET %s: %d, no csrf_token in page:\n%s", page, r.status, r.body)
	}
	form.Set("csrf_token", m[1])
	return b.do(http.MethodPost, action, "", form)
}

func (b *browser) signIn(email, password string) resp {
	return b.submit("/auth/sign_in", "/auth/sign_in", url.Values{"email": {email}, "password": {password}})
}

func (b *browser) mustSignIn(email string) {
	b.e.t.Helper()
	if r := b.signIn(email, testPassword); r.status != http.StatusSeeOther {
		b.e.t.Fatalf("sign in %s: %d\n%s", email, r.status, r.body)
	}
}

package admin_test

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

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/testdb"
	"github.com/rounds-social/rounds/web"
	"github.com/rounds-social/rounds/web/mastodon"
)

const testPassword = "correct horse battery"

// env is the whole HTTP surface over a fresh SQLite file, with an admin,
// a moderator and two members.
type env struct {
	t     *testing.T
	srv   *httptest.Server
	store storage.Store
	svc   *federation.Service
}

func newEnv(t *testing.T, idle time.Duration) *env {
	t.Helper()
	ctx := context.Background()
	db := testdb.Open(t) // SQLite, or PostgreSQL with ROUNDS_TEST_BACKEND=postgres
	srv := httptest.NewUnstartedServer(nil)
	e := &env{t: t, srv: srv, store: db}
	e.svc = federation.New(db, federation.Options{Base: uris.New("http", srv.Listener.Addr().String())})
	if _, err := e.svc.InstanceActor(ctx); err != nil {
		t.Fatal(err)
	}
	for _, a := range [][2]string{{"root", storage.RoleAdmin}, {"mod", storage.RoleModerator},
		{"alice", storage.RoleMember}, {"bob", storage.RoleMember}} {
		if _, _, err := e.svc.CreateLocalAccount(ctx, federation.NewAccount{Username: a[0], Email: a[0] + "@hospital.example",
			Password: testPassword, Role: a[1], DisplayName: "Dr " + a[0]}); err != nil {
			t.Fatal(err)
		}
	}
	srv.Config.Handler = web.NewHandler(web.Options{Service: e.svc, SessionIdle: idle, Logger: slog.New(slog.DiscardHandler),
		Instance: mastodon.Instance{Name: "Test Hospital", Registrations: "invite"}})
	srv.Start()
	t.Cleanup(srv.Close)
	return e
}

func (e *env) account(name string) *storage.Account {
	e.t.Helper()
	a, err := e.store.AccountByUsername(context.Background(), name, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

func (e *env) user(name string) *storage.User {
	e.t.Helper()
	u, err := e.store.UserByAccount(context.Background(), e.account(name).ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// auditCount is the number of entries in the log.
func (e *env) auditCount() int {
	e.t.Helper()
	list, err := audit.List(context.Background(), e.store, audit.Filter{})
	if err != nil {
		e.t.Fatal(err)
	}
	return len(list)
}

func (e *env) lastAudit() *storage.AuditEntry {
	e.t.Helper()
	list, err := audit.List(context.Background(), e.store, audit.Filter{Limit: 1})
	if err != nil || len(list) == 0 {
		e.t.Fatal("no audit entry", err)
	}
	return list[0]
}

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

func (b *browser) do(method, path string, form url.Values) resp {
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
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	res, err := b.c.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, string(raw)}
}

func (b *browser) get(path string) resp { return b.do(http.MethodGet, path, nil) }

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// token is the CSRF token of page.
func (b *browser) token(page string) string {
	b.e.t.Helper()
	r := b.get(page)
	m := csrfRE.FindStringSubmatch(r.body)
	if m == nil {
		b.e.t.Fatalf("GET %s: %d, no csrf_token:\n%s", page, r.status, r.body)
	}
	return m[1]
}

// post submits form to action with the token of page /admin (or /about
// when the browser cannot see the console).
func (b *browser) post(action string, form url.Values) resp {
	b.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	page := "/about" // has the sign-out form when signed in
	if m := csrfRE.FindStringSubmatch(b.get(page).body); m == nil {
		page = "/auth/sign_in"
	}
	form.Set("csrf_token", b.token(page))
	return b.do(http.MethodPost, action, form)
}

func (e *env) signedIn(name string) *browser {
	e.t.Helper()
	b := e.browser()
	form := url.Values{"email": {name + "@hospital.example"}, "password": {testPassword}, "csrf_token": {b.token("/auth/sign_in")}}
	if r := b.do(http.MethodPost, "/auth/sign_in", form); r.status != http.StatusSeeOther {
		e.t.Fatalf("sign in %s: %d\n%s", name, r.status, r.body)
	}
	return b
}

package mastodon

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/fetch"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/testdb"
	"github.com/rounds-social/rounds/web/oauth"
)

// instance is one Rounds API served on 127.0.0.1 over a fresh SQLite file.
type instance struct {
	t     *testing.T
	srv   *httptest.Server
	host  string
	svc   *federation.Service
	store storage.Store
}

// startInstance serves the Mastodon API; extra adds other routes (the
// ActivityPub and discovery ones, for tests that federate).
func startInstance(t *testing.T, extra ...func(*mux.Router, *federation.Service)) *instance {
	t.Helper()
	db := testdb.Open(t) // SQLite, or PostgreSQL with ROUNDS_TEST_BACKEND=postgres
	srv := httptest.NewUnstartedServer(nil)
	host := srv.Listener.Addr().String()
	// Loopback peers over http are what tests federate with.
	client := fetch.NewClient(fetch.Options{AllowHTTP: true, AllowPrivate: true})
	svc := federation.New(db, federation.Options{Base: uris.New("http", host), Client: client})
	r := mux.NewRouter()
	for _, add := range extra {
		add(r, svc)
	}
	New(svc, Instance{Name: "Test General", Version: "0.1.0"}, nil).Register(r)
	srv.Config.Handler = r
	srv.Start()
	t.Cleanup(srv.Close)
	return &instance{t: t, srv: srv, host: host, svc: svc, store: db}
}

// user is a local account with a bearer token.
type user struct {
	acct  *storage.Account
	token string
	in    *instance
}

func (u *user) id() string { return storage.FormatID(u.acct.ID) }

// newUser creates an account; scopes default to what real clients ask for.
func (in *instance) newUser(name string, locked bool, scopes ...string) *user {
	in.t.Helper()
	ctx := context.Background()
	acct, u, err := in.svc.CreateLocalAccount(ctx, federation.NewAccount{Username: name, Email: name + "@hospital.example"})
	if err != nil {
		in.t.Fatal(err)
	}
	if locked {
		acct.Locked = true
		if err := in.store.UpdateAccount(ctx, acct); err != nil {
			in.t.Fatal(err)
		}
	}
	if len(scopes) == 0 {
		scopes = []string{"read", "write", "follow"}
	}
	tok, _, err := oauth.Issue(ctx, in.store, u.ID, 0, scopes)
	if err != nil {
		in.t.Fatal(err)
	}
	return &user{acct: acct, token: tok, in: in}
}

// reply is a finished API call.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// form marks a body to send as application/x-www-form-urlencoded.
type form url.Values

// call makes a request as u (nil: no token). A body of type form is sent
// urlencoded, anything else non-nil as JSON.
func (in *instance) call(u *user, method, path string, body any, headers ...string) *reply {
	in.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case form:
		rd, ct = strings.NewReader(url.Values(b).Encode()), "application/x-www-form-urlencoded"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			in.t.Fatal(err)
		}
		rd, ct = bytes.NewReader(raw), "application/json"
	}
	req, err := http.NewRequest(method, in.srv.URL+path, rd)
	if err != nil {
		in.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if u != nil {
		req.Header.Set("Authorization", "Bearer "+u.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return in.send(req)
}

func (in *instance) send(req *http.Request) *reply {
	in.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		in.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		in.t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		in.t.Errorf("%s %s: Content-Type %q, want application/json", req.Method, req.URL.Path, ct)
	}
	return &reply{status: resp.StatusCode, header: resp.Header, body: b}
}

func (u *user) get(path string) *reply {
	u.in.t.Helper()
	return u.in.call(u, http.MethodGet, path, nil)
}
func (u *user) post(path string, body any, headers ...string) *reply {
	u.in.t.Helper()
	return u.in.call(u, http.MethodPost, path, body, headers...)
}

// want fails unless the reply has status, and decodes the body into v.
func (r *reply) want(t *testing.T, status int, v any) *reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if v != nil {
		if err := json.Unmarshal(r.body, v); err != nil {
			t.Fatalf("decode %s: %v", r.body, err)
		}
	}
	return r
}

// wantError checks a Mastodon error reply: status and {"error": msg...}.
func (r *reply) wantError(t *testing.T, status int, msgPrefix string) {
	t.Helper()
	var e struct {
		Error string `json:"error"`
	}
	r.want(t, status, &e)
	if !strings.HasPrefix(e.Error, msgPrefix) || e.Error == "" {
		t.Fatalf("error %q, want prefix %q", e.Error, msgPrefix)
	}
}

// statusOut is the part of a Status entity tests look at.
type statusOut struct {
	ID               string     `json:"id"`
	URI              string     `json:"uri"`
	Content          string     `json:"content"`
	Visibility       string     `json:"visibility"`
	Sensitive        bool       `json:"sensitive"`
	SpoilerText      string     `json:"spoiler_text"`
	Language         *string    `json:"language"`
	Text             *string    `json:"text"`
	InReplyToID      *string    `json:"in_reply_to_id"`
	Favourited       bool       `json:"favourited"`
	Reblogged        bool       `json:"reblogged"`
	FavouritesCount  int        `json:"favourites_count"`
	ReblogsCount     int        `json:"reblogs_count"`
	RepliesCount     int        `json:"replies_count"`
	Reblog           *statusOut `json:"reblog"`
	Account          accountOut `json:"account"`
	Mentions         []struct{ ID, Username, Acct, URL string }
	Tags             []struct{ Name, URL string }
	MediaAttachments []any `json:"media_attachments"`
}

type accountOut struct {
	ID   string `json:"id"`
	Acct string `json:"acct"`
}

type relOut struct {
	ID          string `json:"id"`
	Following   bool   `json:"following"`
	FollowedBy  bool   `json:"followed_by"`
	Requested   bool   `json:"requested"`
	RequestedBy bool   `json:"requested_by"`
}

// postStatus posts text as u and returns the new status.
func (u *user) postStatus(text, visibility string) statusOut {
	u.in.t.Helper()
	var st statusOut
	u.post("/api/v1/statuses", map[string]any{"status": text, "visibility": visibility}).want(u.in.t, http.StatusOK, &st)
	return st
}

func (u *user) home(query string) ([]statusOut, *reply) {
	u.in.t.Helper()
	var list []statusOut
	r := u.get("/api/v1/timelines/home"+query).want(u.in.t, http.StatusOK, &list)
	return list, r
}

func ids(list []statusOut) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}

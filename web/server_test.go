package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/testdb"
	"github.com/rounds-social/rounds/web/httpx"
	"github.com/rounds-social/rounds/web/mastodon"
)

// startHandler serves NewHandler over a fresh SQLite database on 127.0.0.1:0.
func startHandler(t *testing.T, maxBody int64, routes ...func(*mux.Router)) (*httptest.Server, storage.Store) {
	t.Helper()
	db := testdb.Open(t) // SQLite, or PostgreSQL with ROUNDS_TEST_BACKEND=postgres
	srv := httptest.NewUnstartedServer(nil)
	svc := federation.New(db, federation.Options{Base: uris.New("http", srv.Listener.Addr().String()),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv.Config.Handler = NewHandler(Options{Service: svc, MaxBodyBytes: maxBody, Routes: routes,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
		Instance: mastodon.Instance{Name: "Test", Version: "0.1.0", Registrations: "closed"}})
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, db
}

func fetch(t *testing.T, method, url string, body io.Reader, length int64) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.ContentLength = length
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestHealthzFollowsTheDatabase(t *testing.T) {
	srv, db := startHandler(t, 4096)
	resp, body := fetch(t, http.MethodGet, srv.URL+"/healthz", nil, 0)
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) {
		t.Errorf("/healthz: %d %s", resp.StatusCode, body)
	}
	if resp, _ := fetch(t, http.MethodHead, srv.URL+"/healthz", nil, 0); resp.StatusCode != 200 {
		t.Errorf("HEAD /healthz: %d", resp.StatusCode)
	}
	db.Close()
	resp, body = fetch(t, http.MethodGet, srv.URL+"/healthz", nil, 0)
	wantError(t, "/healthz with the database closed", resp.StatusCode, resp.Header, body, 503)
}

func TestNotFoundAndMethodNotAllowedAreJSON(t *testing.T) {
	srv, _ := startHandler(t, 4096)
	for _, p := range []string{"/api/v1/nothing", "/api/v2/nothing", "/nothing", "/.well-known/nothing", "/nodeinfo/9.9"} {
		resp, body := fetch(t, http.MethodGet, srv.URL+p, nil, 0)
		wantError(t, "GET "+p, resp.StatusCode, resp.Header, body, 404)
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("GET %s: no X-Request-Id", p)
		}
	}
	resp, body := fetch(t, http.MethodDelete, srv.URL+"/healthz", nil, 0)
	wantError(t, "DELETE /healthz", resp.StatusCode, resp.Header, body, 405)
}

func TestOversizedBodiesThroughTheWholeStack(t *testing.T) {
	// A route that reads its body the way the inbox and the API do.
	echo := func(r *mux.Router) {
		r.HandleFunc("/test/echo", func(w http.ResponseWriter, r *http.Request) {
			b, ok, err := httpx.ReadBody(r)
			if !ok {
				httpx.WriteError(w, http.StatusRequestEntityTooLarge, "request body too large")
				return
			}
			if err != nil {
				httpx.WriteError(w, http.StatusBadRequest, "unreadable body")
				return
			}
			httpx.WriteJSON(w, http.StatusOK, map[string]int{"read": len(b)})
		}).Methods(http.MethodPost)
	}
	srv, _ := startHandler(t, 2048, echo)
	big := strings.Repeat("x", 32<<10)

	for _, p := range []string{"/test/echo", "/api/v1/statuses", "/inbox"} {
		resp, body := fetch(t, http.MethodPost, srv.URL+p, strings.NewReader(big), int64(len(big)))
		wantError(t, "POST "+p+" with Content-Length", resp.StatusCode, resp.Header, body, 413)
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("413 from %s lacks X-Request-Id", p)
		}
	}
	resp, body := fetch(t, http.MethodPost, srv.URL+"/test/echo", io.MultiReader(strings.NewReader(big)), -1)
	wantError(t, "chunked POST over the limit", resp.StatusCode, resp.Header, body, 413)

	resp, body = fetch(t, http.MethodPost, srv.URL+"/test/echo", io.MultiReader(strings.NewReader(big[:2048])), -1)
	if resp.StatusCode != 200 || string(body) != `{"read":2048}` {
		t.Errorf("chunked POST at the limit: %d %s", resp.StatusCode, body)
	}
}

func TestPanicInARouteIs500(t *testing.T) {
	boom := func(r *mux.Router) {
		r.HandleFunc("/test/boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
	}
	srv, _ := startHandler(t, 4096, boom)
	resp, body := fetch(t, http.MethodGet, srv.URL+"/test/boom", nil, 0)
	wantError(t, "panicking route", resp.StatusCode, resp.Header, body, 500)
	if resp, _ := fetch(t, http.MethodGet, srv.URL+"/healthz", nil, 0); resp.StatusCode != 200 {
		t.Errorf("/healthz after a panic: %d", resp.StatusCode)
	}
}

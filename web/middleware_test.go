package web

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rounds-social/rounds/web/httpx"
)

// wantError checks a Mastodon-style {"error": …} JSON response.
func wantError(t *testing.T, what string, status int, header http.Header, body []byte, want int) {
	t.Helper()
	if status != want {
		t.Errorf("%s: status %d, want %d (%s)", what, status, want, body)
	}
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	var e map[string]string
	if err := json.Unmarshal(body, &e); err != nil || e["error"] == "" {
		t.Errorf("%s: body %q is not {\"error\": …}", what, body)
	}
}

func TestRecoveryTurnsAPanicInto500(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	h := withRequestID(withAccessLog(log)(withRecovery(log)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("nil map somewhere")
	}))))
	srv := httptest.NewServer(h)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/api/v1/anything")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	wantError(t, "panicking handler", resp.StatusCode, resp.Header, body, 500)
	if strings.Contains(string(body), "nil map") {
		t.Errorf("the panic value leaked to the client: %s", body)
	}
	id := resp.Header.Get("X-Request-Id")
	if id == "" {
		t.Error("500 response lacks X-Request-Id")
	}
	for _, want := range []string{"panic", "nil map somewhere", id, "status=500"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}

	// The server lives on.
	resp, err = http.Get(srv.URL + "/again")
	if err != nil {
		t.Fatalf("server died after a panic: %v", err)
	}
	resp.Body.Close()
}

func TestRecoveryLetsAbortHandlerThrough(t *testing.T) {
	h := withRecovery(slog.New(slog.NewTextHandler(io.Discard, nil)))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic(http.ErrAbortHandler)
	}))
	defer func() {
		if v := recover(); v != http.ErrAbortHandler {
			t.Errorf("recovered %v, want http.ErrAbortHandler re-panicked", v)
		}
	}()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
}

func TestRequestID(t *testing.T) {
	var seen string
	h := withRequestID(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = RequestID(r.Context()) }))
	cases := map[string]bool{ // client id → kept
		"":                      false,
		"abc-123":               true,
		strings.Repeat("a", 64): true,
		strings.Repeat("a", 65): false,
		`has"quote`:             false,
		"has space":             false,
	}
	for in, kept := range cases {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if in != "" {
			req.Header.Set("X-Request-Id", in)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get("X-Request-Id")
		if got == "" || got != seen {
			t.Errorf("client id %q: header %q, context %q", in, got, seen)
		}
		if (got == in) != kept {
			t.Errorf("client id %q: got %q, kept=%v", in, got, kept)
		}
	}
}

func TestCORS(t *testing.T) {
	h := withCORS(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	serve := func(method, path string, preflight bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("Origin", "https://elk.example")
		if preflight {
			req.Header.Set("Access-Control-Request-Method", "POST")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, p := range []string{"/api/v1/instance", "/oauth/token", "/.well-known/webfinger", "/nodeinfo/2.0"} {
		rec := serve(http.MethodOptions, p, true)
		if rec.Code != 204 || rec.Header().Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(rec.Header().Get("Access-Control-Allow-Methods"), "POST") {
			t.Errorf("preflight %s: %d %v", p, rec.Code, rec.Header())
		}
		if rec := serve(http.MethodGet, p, false); rec.Code != http.StatusTeapot || rec.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("GET %s: %d %v", p, rec.Code, rec.Header())
		}
	}
	// Plain OPTIONS (not a preflight) reaches the handler.
	if rec := serve(http.MethodOptions, "/api/v1/instance", false); rec.Code != http.StatusTeapot {
		t.Errorf("non-preflight OPTIONS: %d", rec.Code)
	}
	// HTML pages and the inbox are not for cross-origin scripts.
	if rec := serve(http.MethodOptions, "/users/alice", true); rec.Header().Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("CORS headers on /users/alice: %v", rec.Header())
	}
}

func TestBodyLimit(t *testing.T) {
	const limit = 1000
	var read []byte
	h := withBodyLimit(limit)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok, err := httpx.ReadBody(r)
		if !ok {
			httpx.WriteError(w, http.StatusRequestEntityTooLarge, "request body too large")
			return
		}
		if err != nil {
			httpx.WriteError(w, http.StatusBadRequest, "bad body")
			return
		}
		read = b
		w.WriteHeader(http.StatusNoContent)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()

	post := func(body io.Reader, length int64) (int, http.Header, []byte) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/inbox", body)
		req.ContentLength = length
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST (length %d): %v", length, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, b
	}
	status, hdr, body := post(strings.NewReader(strings.Repeat("x", limit+1)), limit+1)
	wantError(t, "Content-Length over the limit", status, hdr, body, 413)
	// Without Content-Length (chunked) the handler finds out while reading.
	status, hdr, body = post(io.MultiReader(strings.NewReader(strings.Repeat("x", 4*limit))), -1)
	wantError(t, "chunked body over the limit", status, hdr, body, 413)

	if status, _, body := post(strings.NewReader(strings.Repeat("y", limit)), limit); status != 204 || len(read) != limit {
		t.Errorf("body of exactly the limit: %d %s, handler read %d bytes", status, body, len(read))
	}
	if status, _, _ := post(io.MultiReader(strings.NewReader(strings.Repeat("z", limit))), -1); status != 204 || len(read) != limit {
		t.Errorf("chunked body of exactly the limit: %d, handler read %d bytes", status, len(read))
	}
}

func TestBodyLimitZeroMeansDefault(t *testing.T) {
	h := withBodyLimit(0)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok, err := httpx.ReadBody(r); !ok || err != nil {
			httpx.WriteError(w, http.StatusRequestEntityTooLarge, "request body too large")
		}
	}))
	for size, want := range map[int]int{100: 200, DefaultMaxBodyBytes: 200, DefaultMaxBodyBytes + 1: 413} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/inbox", strings.NewReader(strings.Repeat("x", size))))
		if rec.Code != want {
			t.Errorf("%d-byte body with the zero limit: %d, want %d", size, rec.Code, want)
		}
	}
}

func TestAccessLogRecordsImplicit200(t *testing.T) {
	var logs bytes.Buffer
	h := withAccessLog(slog.New(slog.NewTextHandler(&logs, nil)))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/quiet?access_token=secret", nil))
	if !strings.Contains(logs.String(), "status=200") || !strings.Contains(logs.String(), "path=/quiet") {
		t.Errorf("access log: %s", logs.String())
	}
	if strings.Contains(logs.String(), "secret") {
		t.Errorf("the access log shows the query string: %s", logs.String())
	}
}

// Media uploads get the larger upload limit; every other route keeps the
// small one.
func TestBodyLimitAllowsMediaUploads(t *testing.T) {
	h := withBodyLimit(1024)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, "too large", http.StatusRequestEntityTooLarge)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	for _, c := range []struct {
		path, ctype string
		want        int
	}{
		{"/api/v2/media", "multipart/form-data; boundary=x", http.StatusOK},
		{"/api/v1/statuses", "application/json", http.StatusRequestEntityTooLarge},
	} {
		req := httptest.NewRequest(http.MethodPost, c.path, strings.NewReader(strings.Repeat("a", 4096)))
		req.Header.Set("Content-Type", c.ctype)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s with a 4 KiB body: %d, want %d", c.path, rec.Code, c.want)
		}
	}
}

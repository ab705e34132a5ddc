package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/rounds-social/rounds/web/httpx"
	"github.com/rounds-social/rounds/web/mastodon"
)

type ctxKey int

const requestIDKey ctxKey = iota

// RequestID returns the id the request-id middleware gave r.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// withRequestID tags every request with an id (a client-supplied one is kept
// if it looks sane) so one request's log lines can be found together.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if len(id) == 0 || len(id) > 64 || strings.ContainsAny(id, " \t\r\n\"") {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey, id)))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer (flush, hijack).
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// withAccessLog logs one structured line per request. Query strings are left
// out: they can carry tokens.
func withAccessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			rec := &statusRecorder{ResponseWriter: w}
			next.ServeHTTP(rec, r)
			if rec.status == 0 {
				rec.status = http.StatusOK // the handler wrote nothing; net/http sends 200
			}
			log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("id", RequestID(r.Context())), slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.Int("status", rec.status), slog.Int("bytes", rec.bytes),
				slog.Duration("duration", time.Since(start)))
		})
	}
}

// withRecovery turns a panic into a 500 and a logged stack, so one bad
// request cannot take the instance down.
func withRecovery(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					log.Error("panic", "id", RequestID(r.Context()), "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
					httpx.WriteError(w, http.StatusInternalServerError, "internal server error")
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// DefaultMaxBodyBytes caps request bodies when Options.MaxBodyBytes is not set.
const DefaultMaxBodyBytes = 1 << 20

// withBodyLimit caps request bodies; handlers reading past it get an error
// and answer 413 (see ReadBody).
func withBodyLimit(limit int64) func(http.Handler) http.Handler {
	if limit <= 0 {
		// The zero Options must not refuse every body.
		limit = DefaultMaxBodyBytes
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			lim := limit
			if mastodon.IsMediaUpload(r) {
				lim = max(limit, mastodon.MaxUploadBodyBytes) // images up to 16 MiB; the handler caps files itself
			}
			if r.ContentLength > lim {
				httpx.WriteError(w, http.StatusRequestEntityTooLarge, "request body too large")
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, lim)
			next.ServeHTTP(w, r)
		})
	}
}

// withCORS lets browser clients (Elk, Phanpy, the Mastodon web UI on another
// origin) call /api and /oauth, as Mastodon does. Credentials are bearer
// tokens, never cookies, so a wildcard origin is safe here.
func withCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/api/") || strings.HasPrefix(p, "/oauth/") || strings.HasPrefix(p, "/.well-known/") || strings.HasPrefix(p, "/nodeinfo/") {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key")
			h.Set("Access-Control-Expose-Headers", "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id")
			h.Set("Access-Control-Max-Age", "86400")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// Package ap serves ActivityPub over HTTP: actor and object documents,
// collections, and the inboxes. Documents are built by federation/activitypub;
// the rules (who may see what, what an activity does) are federation's.
package ap

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
	"github.com/rounds-social/rounds/web/ratelimit"
)

// Options configures the ActivityPub handlers.
type Options struct {
	AuthorizedFetch bool // GETs other than actors must carry a valid signature
	Logger          *slog.Logger
	// Wake is told when an activity was queued, so the inbox worker starts now.
	Wake func()
	// HTML serves browsers (requests not asking for ActivityPub JSON) at
	// these URLs, e.g. web/pages; nil answers them 406.
	HTML http.Handler
	// InboxLimit counts inbox POSTs per remote host (config
	// limits.inbox_per_host_per_minute); nil means no limit.
	InboxLimit *ratelimit.Limiter
}

// Handler serves ActivityPub.
type Handler struct {
	svc   *federation.Service
	store storage.Store
	opt   Options
	log   *slog.Logger
}

// New returns a Handler.
func New(svc *federation.Service, opt Options) *Handler {
	h := &Handler{svc: svc, store: svc.Store(), opt: opt, log: opt.Logger}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.opt.Wake == nil {
		h.opt.Wake = func() {}
	}
	return h
}

// Register adds the routes.
func (h *Handler) Register(r *mux.Router) {
	r.HandleFunc("/inbox", h.inbox).Methods(http.MethodPost)
	r.HandleFunc("/users/{username}/inbox", h.inbox).Methods(http.MethodPost)
	r.HandleFunc("/users/{username}", h.actor).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/users/{username}/outbox", h.signedGet(h.outbox)).Methods(http.MethodGet)
	r.HandleFunc("/users/{username}/followers", h.signedGet(h.followers)).Methods(http.MethodGet)
	r.HandleFunc("/users/{username}/following", h.signedGet(h.following)).Methods(http.MethodGet)
	r.HandleFunc("/users/{username}/statuses/{id:[0-9]+}", h.signedGet(h.note)).Methods(http.MethodGet)
	r.HandleFunc("/users/{username}/statuses/{id:[0-9]+}/activity", h.signedGet(h.create)).Methods(http.MethodGet)
	r.HandleFunc("/users/{username}/statuses/{id:[0-9]+}/replies", h.signedGet(h.replies)).Methods(http.MethodGet)
}

// wantsActivityJSON is content negotiation: ActivityPub clients get JSON,
// browsers get HTML (the pages come with the web console work).
func wantsActivityJSON(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/activity+json") || strings.Contains(a, "application/ld+json") ||
		(strings.Contains(a, "application/json") && !strings.Contains(a, "text/html"))
}

const asContentType = "application/activity+json; charset=utf-8"

func writeAS(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", asContentType)
	w.Header().Set("Vary", "Accept, Signature")
	_, _ = w.Write(body)
}

type viewerKey struct{}

// signedGet verifies an optional (or, in authorized-fetch mode, required)
// signature on a GET and passes the signer's account, if known, to h.
func (h *Handler) signedGet(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !wantsActivityJSON(r) {
			h.htmlFallback(w, r)
			return
		}
		hasSig := r.Header.Get("Signature") != "" || strings.HasPrefix(r.Header.Get("Authorization"), "Signature ")
		if !hasSig {
			if h.opt.AuthorizedFetch {
				httpx.WriteError(w, http.StatusUnauthorized, "this instance requires signed fetches")
				return
			}
			next(w, r)
			return
		}
		viewer, status, msg := h.verifyGet(r)
		if status != 0 {
			httpx.WriteError(w, status, msg)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), viewerKey{}, viewer)))
	}
}

func (h *Handler) verifyGet(r *http.Request) (*storage.Account, int, string) {
	ctx := r.Context()
	keyID, err := signature.KeyIDOf(r)
	if err != nil {
		return nil, http.StatusUnauthorized, "bad signature"
	}
	if !h.svc.Policy().Allowed(ctx, keyID.Host) {
		return nil, http.StatusForbidden, "domain refused by federation policy"
	}
	v, err := signature.Verify(ctx, r, nil, h.svc.Keys(), signature.Options{Now: time.Now()})
	if err != nil {
		h.log.Info("signed GET refused", "path", r.URL.Path, "err", err)
		return nil, http.StatusUnauthorized, "bad signature"
	}
	a, err := h.store.AccountByURI(ctx, v.Owner)
	if err != nil {
		return nil, 0, "" // a valid stranger: treated as anonymous
	}
	return a, 0, ""
}

func viewerFrom(ctx context.Context) *storage.Account {
	a, _ := ctx.Value(viewerKey{}).(*storage.Account)
	return a
}

// localAccount loads the {username} of the route, 404 (or 410) otherwise.
func (h *Handler) localAccount(w http.ResponseWriter, r *http.Request) *storage.Account {
	a, err := h.store.AccountByUsername(r.Context(), mux.Vars(r)["username"], "")
	if errors.Is(err, storage.ErrNotFound) {
		httpx.WriteError(w, http.StatusNotFound, "not found")
		return nil
	}
	if err != nil {
		h.serverError(w, r, err)
		return nil
	}
	if a.Suspended() || !a.DeletedAt.IsZero() {
		httpx.WriteError(w, http.StatusGone, "gone")
		return nil
	}
	return a
}

func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("activitypub", "path", r.URL.Path, "err", err)
	httpx.WriteError(w, http.StatusInternalServerError, "internal server error")
}

func (h *Handler) htmlFallback(w http.ResponseWriter, r *http.Request) {
	if h.opt.HTML != nil {
		h.opt.HTML.ServeHTTP(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Vary", "Accept")
	w.WriteHeader(http.StatusNotAcceptable)
	_, _ = w.Write([]byte("<!doctype html><title>Rounds</title><p>This is an ActivityPub resource; ask for application/activity+json.</p>\n"))
}

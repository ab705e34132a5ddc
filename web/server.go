// Package web is Rounds' HTTP server: the router and the middleware every
// request passes through.
package web

import (
	"log/slog"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/web/httpx"
	"github.com/rounds-social/rounds/web/mastodon"
	"github.com/rounds-social/rounds/web/wellknown"
)

// Options configures the handler; cmd fills it from config.
type Options struct {
	Service      *federation.Service
	Instance     mastodon.Instance
	MaxBodyBytes int64
	Logger       *slog.Logger
	// Routes lets other packages (ActivityPub documents, the inbox) add routes.
	Routes []func(*mux.Router)
}

// NewHandler builds the whole HTTP surface.
func NewHandler(opt Options) http.Handler {
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	r := mux.NewRouter()
	r.HandleFunc("/healthz", healthz(opt.Service)).Methods(http.MethodGet, http.MethodHead)
	wk := &wellknown.Handler{Store: opt.Service.Store(), Base: opt.Service.Base(), Info: wellknown.Info{
		Name: opt.Instance.Name, Description: opt.Instance.Description, Version: opt.Instance.Version,
		Registrations: opt.Instance.Registrations}}
	wk.Register(r)
	registerStatic(r)
	for _, add := range opt.Routes {
		add(r)
	}
	mastodon.New(opt.Service, opt.Instance, log).Register(r)
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, http.StatusNotFound, "not found")
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, http.StatusMethodNotAllowed, "method not allowed")
	})
	var h http.Handler = r
	h = withBodyLimit(opt.MaxBodyBytes)(h)
	h = withCORS(h)
	h = withRecovery(log)(h)
	h = withAccessLog(log)(h)
	return withRequestID(h)
}

// healthz answers 200 while the database answers.
func healthz(svc *federation.Service) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, err := svc.Store().CountLocalAccounts(r.Context()); err != nil {
			httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "error": "database unavailable"})
			return
		}
		httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}
}

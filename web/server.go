// Package web is Rounds' HTTP server: the router and the middleware every
// request passes through.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
	"github.com/rounds-social/rounds/web/mastodon"
	"github.com/rounds-social/rounds/web/oauth"
	"github.com/rounds-social/rounds/web/pages"
	"github.com/rounds-social/rounds/web/pages/admin"
	"github.com/rounds-social/rounds/web/ratelimit"
	"github.com/rounds-social/rounds/web/wellknown"
)

// Options configures the handler; cmd fills it from config.
type Options struct {
	Service      *federation.Service
	Instance     mastodon.Instance
	MaxBodyBytes int64
	// SessionIdle ends sign-in page sessions after this long without a
	// request (config session.idle_timeout); zero means 15 minutes.
	SessionIdle time.Duration
	Logger      *slog.Logger
	// Partners are config federation.partners, shown on the about page.
	Partners []string
	// Settings is the effective configuration the admin console shows
	// read-only (admin.SettingsFrom(cfg)).
	Settings []admin.Setting
	// Routes lets other packages (ActivityPub documents, the inbox) add routes.
	Routes []func(*mux.Router)
	// APILimit and TokenLimit are the Mastodon API's per-token and
	// /oauth/token's per-IP rate limits; nil means none.
	APILimit, TokenLimit *ratelimit.Limiter
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
	// Before opt.Routes: browsers at /users/… get pages, ActivityPub
	// clients fall through to the JSON routes (see pages.WantsHTML).
	pg := pages.New(opt.Service, pages.Options{Instance: pages.Instance{Name: opt.Instance.Name,
		Description: opt.Instance.Description, ContactEmail: opt.Instance.ContactEmail, Rules: opt.Instance.Rules,
		Registrations: opt.Instance.Registrations}, Partners: opt.Partners, SessionIdle: opt.SessionIdle,
		Logger: log})
	pg.Register(r)
	admin.New(opt.Service, pg, admin.Options{Registrations: opt.Instance.Registrations, Settings: opt.Settings, Logger: log}).Register(r)
	for _, add := range opt.Routes {
		add(r)
	}
	oauth.New(opt.Service, oauth.Options{InstanceName: opt.Instance.Name, SessionIdle: opt.SessionIdle, Logger: log,
		Audit: auditOAuth(opt.Service, log), TokenLimit: opt.TokenLimit}).Register(r)
	mastodon.New(opt.Service, opt.Instance, log).LimitPerToken(opt.APILimit).Register(r)
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

// oauthActions maps the OAuth server's events onto audit actions; other
// events (app registration, consent pages) are not security decisions.
var oauthActions = map[string]string{
	"oauth.sign_in":        audit.SignInSuccess,
	"oauth.sign_in_failed": audit.SignInFailure,
	"oauth.token_issued":   audit.TokenGrant,
	"oauth.token_revoked":  audit.TokenRevoke,
}

// auditOAuth records sign-ins and token grants in the audit log.
func auditOAuth(svc *federation.Service, log *slog.Logger) func(ctx context.Context, event string, userID int64) {
	return func(ctx context.Context, event string, userID int64) {
		action, ok := oauthActions[event]
		if !ok {
			return
		}
		e := audit.Entry{Action: action, Target: "user:" + storage.FormatID(userID)}
		if u, err := svc.Store().User(ctx, userID); err == nil {
			e.ActorID = u.AccountID
			if a, err := svc.Store().Account(ctx, u.AccountID); err == nil {
				e.Actor = a.Username
			}
		}
		if err := audit.Record(ctx, svc.Store(), e); err != nil {
			log.Error("audit: record", "action", action, "err", err)
		}
	}
}

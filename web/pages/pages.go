// Package pages is Rounds' HTML: the public pages served to browsers at the
// same URLs as the ActivityPub documents (instance, profiles, posts, tags),
// and the sign-in and account pages. It also holds what the admin console
// reuses: the layout, the session, CSRF protection and Render.
package pages

import (
	"embed"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/ratelimit"
)

// DefaultSessionIdle ends a browser session after this long without a
// request when Options.SessionIdle is zero (HIPAA automatic logoff).
const DefaultSessionIdle = 15 * time.Minute

// sessionMaxAge caps a session however active it is: a shared ward computer
// should not stay signed in across shifts.
const sessionMaxAge = 12 * time.Hour

// Instance is what the home and about pages say about the server.
type Instance struct {
	Name, Description, ContactEmail string
	Rules                           []string
	// Registrations is "closed", "invite" or "open" (config registrations).
	Registrations string
}

// Options configures the pages; cmd fills them from config via web.
type Options struct {
	Instance Instance
	// Partners are the instances under a data-sharing agreement
	// (config federation.partners), listed on the about page.
	Partners    []string
	SessionIdle time.Duration
	// SignInLimit failed sign-ins per IP and per e-mail are allowed in each
	// SignInWindow; zero values mean 5 per 15 minutes.
	SignInLimit  int
	SignInWindow time.Duration
	Logger       *slog.Logger
}

// Handler serves the pages.
type Handler struct {
	svc     *federation.Service
	store   storage.Store
	base    uris.Base
	opt     Options
	log     *slog.Logger
	tmpl    *templates
	limiter *ratelimit.Failures
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/rounds.css
var stylesheet []byte

// New returns the pages over svc.
func New(svc *federation.Service, opt Options) *Handler {
	if opt.SessionIdle <= 0 {
		opt.SessionIdle = DefaultSessionIdle
	}
	if opt.SignInLimit <= 0 {
		opt.SignInLimit = 5
	}
	if opt.SignInWindow <= 0 {
		opt.SignInWindow = 15 * time.Minute
	}
	if opt.Instance.Name == "" {
		opt.Instance.Name = "Rounds"
	}
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	h := &Handler{svc: svc, store: svc.Store(), base: svc.Base(), opt: opt, log: log,
		tmpl: newTemplates(), limiter: ratelimit.NewFailures(opt.SignInLimit, opt.SignInWindow)}
	if err := h.AddTemplates(templateFS, "templates/*.html"); err != nil {
		panic(err) // the embedded templates are part of the binary: a parse error is a build bug
	}
	return h
}

// WantsHTML is the inverse of web/ap's content negotiation: a request
// that does not ask for ActivityPub JSON is a browser's. Kept in step with
// ap.wantsActivityJSON, so every request at a shared URL has one answer.
func WantsHTML(r *http.Request) bool {
	a := r.Header.Get("Accept")
	return !(strings.Contains(a, "application/activity+json") || strings.Contains(a, "application/ld+json") ||
		(strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")))
}

// Register adds the routes. Call it before the ActivityPub routes: the
// browser routes at shared URLs carry a WantsHTML matcher, so an
// ActivityPub client falls through to the JSON handlers registered later.
func (h *Handler) Register(r *mux.Router) {
	get := []string{http.MethodGet, http.MethodHead}
	browser := func(req *http.Request, _ *mux.RouteMatch) bool { return WantsHTML(req) }
	r.HandleFunc("/users/{username}", h.page(h.profile)).Methods(get...).MatcherFunc(browser)
	r.HandleFunc("/users/{username}/statuses/{id:[0-9]+}", h.page(h.status)).Methods(get...).MatcherFunc(browser)
	r.HandleFunc("/@{username:[a-z0-9_]+}.rss", h.rss).Methods(get...)
	r.HandleFunc("/@{username:[a-z0-9_]+}", h.page(h.profile)).Methods(get...)
	r.HandleFunc("/@{username:[a-z0-9_]+}/{id:[0-9]+}", h.page(h.status)).Methods(get...)
	r.HandleFunc("/tags/{tag}.rss", h.tagRSS).Methods(get...)
	r.HandleFunc("/tags/{tag}", h.page(h.tag)).Methods(get...)
	r.HandleFunc("/", h.page(h.about)).Methods(get...)
	r.HandleFunc("/about", h.page(h.about)).Methods(get...)
	r.HandleFunc("/static/rounds.css", serveCSS).Methods(get...)
	h.registerAuth(r)
}

func serveCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(stylesheet)
}

// Package admin is the admin console at /admin: members, credential
// verification, federation, reports, the audit log, the delivery queue and
// the instance settings. Admins and moderators only; every change is
// recorded in the audit log with the acting staff member and their address.
// It reuses web/pages' layout, session and CSRF protection, and needs no
// JavaScript.
package admin

import (
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"testing/fstest"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/pages"
)

// Setting is one line of the settings page: a configuration key and its
// effective value.
type Setting struct{ Key, Value string }

// Options is what cmd hands the console from config.
type Options struct {
	// Registrations is config registrations: closed, invite or open.
	Registrations string
	// Settings is the effective configuration shown read-only, secrets left
	// out by the caller.
	Settings []Setting
	Logger   *slog.Logger
}

// Console serves /admin.
type Console struct {
	svc   *federation.Service
	store storage.Store
	pages *pages.Handler
	opt   Options
	log   *slog.Logger
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed admin.css
var stylesheet []byte

// New returns the console, adding its templates to p's.
func New(svc *federation.Service, p *pages.Handler, opt Options) *Console {
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	if err := p.AddTemplates(withNav(), "*.html"); err != nil {
		panic(err) // embedded templates: a parse error is a build bug
	}
	return &Console{svc: svc, store: svc.Store(), pages: p, opt: opt, log: log}
}

// withNav prefixes every page template with the console's shared parts
// (parts.html), since pages.AddTemplates parses each file on its own.
func withNav() fs.FS {
	parts, err := templateFS.ReadFile("templates/parts.html")
	if err != nil {
		panic(err)
	}
	out := fstest.MapFS{}
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		if path.Base(f) == "parts.html" {
			continue
		}
		body, err := templateFS.ReadFile(f)
		if err != nil {
			panic(err)
		}
		out[path.Base(f)] = &fstest.MapFile{Data: append(append([]byte{}, parts...), body...)}
	}
	return out
}

// staff may use the console; some actions are for admins only.
var staff = []string{storage.RoleAdmin, storage.RoleModerator}

// route is one console endpoint. Routes lists them all so tests can check
// every one is guarded.
type route struct {
	Method, Path string
	adminOnly    bool
	h            func(*Console, http.ResponseWriter, *http.Request)
}

var routes = []route{
	{http.MethodGet, "/admin", false, (*Console).index},
	{http.MethodGet, "/admin/members", false, (*Console).members},
	{http.MethodPost, "/admin/members/invite", false, (*Console).invite},
	{http.MethodPost, "/admin/members/create", true, (*Console).create},
	{http.MethodPost, "/admin/members/{username}/suspend", false, (*Console).suspend},
	{http.MethodPost, "/admin/members/{username}/role", true, (*Console).changeRole},
	{http.MethodPost, "/admin/members/{username}/password", true, (*Console).resetPassword},
	{http.MethodGet, "/admin/credentials", false, (*Console).credentials},
	{http.MethodPost, "/admin/credentials/{username}/attest", false, (*Console).attest},
	{http.MethodPost, "/admin/credentials/{username}/revoke", false, (*Console).revoke},
	{http.MethodGet, "/admin/federation", false, (*Console).federation},
	{http.MethodPost, "/admin/federation/domains", true, (*Console).putDomain},
	{http.MethodPost, "/admin/federation/domains/remove", true, (*Console).removeDomain},
	{http.MethodGet, "/admin/reports", false, (*Console).reports},
	{http.MethodPost, "/admin/reports/{id:[0-9]+}/resolve", false, (*Console).resolveReport},
	{http.MethodGet, "/admin/statuses/{id:[0-9]+}", false, (*Console).viewStatus},
	{http.MethodPost, "/admin/statuses/{id:[0-9]+}/release", false, (*Console).releaseStatus},
	{http.MethodPost, "/admin/statuses/{id:[0-9]+}/delete", false, (*Console).deleteStatus},
	{http.MethodGet, "/admin/audit", false, (*Console).auditLog},
	{http.MethodPost, "/admin/audit/verify", false, (*Console).verifyAudit},
	{http.MethodGet, "/admin/deliveries", false, (*Console).deliveries},
	{http.MethodPost, "/admin/deliveries/{id:[0-9]+}/retry", false, (*Console).retryDelivery},
	{http.MethodGet, "/admin/settings", false, (*Console).settings},
}

// Routes lists every console route as "METHOD path", for tests.
func Routes() []string {
	out := make([]string, len(routes))
	for i, rt := range routes {
		out[i] = rt.Method + " " + rt.Path
	}
	return out
}

// Register adds the console's routes: each behind sign-in, the staff role
// and, for POSTs, the CSRF check; admin-only ones also check the role.
func (c *Console) Register(r *mux.Router) {
	r.HandleFunc("/static/admin.css", serveCSS).Methods(http.MethodGet, http.MethodHead)
	for _, rt := range routes {
		rt := rt
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if rt.adminOnly && !c.isAdmin(r) {
				c.forbidden(w, r)
				return
			}
			rt.h(c, w, r)
		})
		methods := []string{rt.Method}
		if rt.Method == http.MethodGet {
			methods = append(methods, http.MethodHead)
		}
		r.Handle(rt.Path, c.pages.RequireRole(c.pages.RequireCSRF(h), staff...)).Methods(methods...)
	}
}

func serveCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(stylesheet)
}

// me is the signed-in staff member (RequireRole guarantees one).
func (c *Console) me(r *http.Request) (*storage.User, *storage.Account) {
	u, a, _ := c.pages.Session(r)
	return u, a
}

func (c *Console) isAdmin(r *http.Request) bool {
	u, _ := c.me(r)
	return u != nil && u.Role == storage.RoleAdmin
}

func (c *Console) forbidden(w http.ResponseWriter, r *http.Request) {
	c.pages.Error(w, r, http.StatusForbidden, "Not allowed", "Only an administrator can do this.")
}

// entry is an audit entry with the acting staff member and their address.
func (c *Console) entry(r *http.Request, action, target string, detail map[string]any) audit.Entry {
	_, a := c.me(r)
	e := audit.Entry{Action: action, Target: target, IP: pages.ClientIP(r), Detail: detail}
	if a != nil {
		e.Actor, e.ActorID = a.Username, a.ID
	}
	return e
}

// record appends the audit entry of a change already made. A failure is
// logged: the change happened and cannot be taken back here.
func (c *Console) record(r *http.Request, action, target string, detail map[string]any) {
	if err := audit.Record(r.Context(), c.store, c.entry(r, action, target, detail)); err != nil {
		c.log.Error("admin: audit record", "action", action, "err", err)
	}
}

// inTx makes a store change and its audit entry in one transaction, so
// neither happens without the other.
func (c *Console) inTx(r *http.Request, action, target string, detail map[string]any, change func(tx storage.Store) error) error {
	ctx := r.Context()
	return c.store.Tx(ctx, func(tx storage.Store) error {
		if err := change(tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, c.entry(r, action, target, detail))
	})
}

// notices are the messages shown after a redirect, by code, so a link
// cannot make the console say anything else.
var notices = map[string]string{
	"suspended":  "The account was suspended and signed out everywhere.",
	"role":       "The role was changed.",
	"attested":   "The credential was issued and published.",
	"revoked":    "The credential was revoked.",
	"domain":     "The federation rule was saved and is in force.",
	"removed":    "The federation rule was removed.",
	"resolved":   "The report was marked resolved.",
	"retry":      "The delivery will be tried again now.",
	"notchanged": "Nothing was changed.",
	"released":   "The post was released to timelines.",
	"deleted":    "The post was deleted.",
}

// done sends the browser back to a page after a change (POST/redirect/GET).
func done(w http.ResponseWriter, r *http.Request, to, notice string) {
	http.Redirect(w, r, to+"?"+url.Values{"notice": {notice}}.Encode(), http.StatusSeeOther)
}

// base is what every console page shows around its own data.
type base struct {
	Section string
	IsAdmin bool
	Notice  string
	Error   string
}

func (c *Console) base(r *http.Request, section string) base {
	return base{Section: section, IsAdmin: c.isAdmin(r), Notice: notices[r.URL.Query().Get("notice")]}
}

func (c *Console) render(w http.ResponseWriter, r *http.Request, name, title string, status int, data any) {
	c.pages.Render(w, r, name, pages.Page{Title: title, Status: status, Data: data})
}

// fail shows an input error as a 422 page, anything else as a server error.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ie *federation.InputError
	switch {
	case errors.As(err, &ie):
		c.pages.Error(w, r, http.StatusUnprocessableEntity, "That did not work", ie.Msg)
	case errors.Is(err, storage.ErrNotFound):
		c.pages.Error(w, r, http.StatusNotFound, "Not found", "There is no such item, or it was already dealt with.")
	default:
		c.log.Error("admin", "path", r.URL.Path, "err", err)
		c.pages.Error(w, r, http.StatusInternalServerError, "Something went wrong",
			"Something went wrong on our side. Please try again.")
	}
}

func inputErr(msg string) error { return &federation.InputError{Msg: msg} }

// index is the console's front page: counts that need attention.
func (c *Console) index(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := struct {
		base
		Members, OpenReports, Pending, Failed int
	}{base: c.base(r, "index")}
	var err error
	if d.Members, err = c.store.CountLocalAccounts(ctx); err == nil {
		var reps []*storage.Report
		if reps, err = c.store.Reports(ctx, false, 1000); err == nil {
			d.OpenReports = len(reps)
		}
	}
	if err == nil {
		d.Pending, err = c.store.CountDeliveries(ctx, storage.JobPending)
	}
	if err == nil {
		d.Failed, err = c.store.CountDeliveries(ctx, storage.JobFailed)
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, "admin_index", "Admin console", 0, d)
}

package pages

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// Page is what Render shows: the layout's fields plus the page's own Data.
// Fields below the line are filled in by Render.
type Page struct {
	Title       string
	Status      int    // HTTP status; 0 means 200
	Description string // og:description and meta description
	Image       string // og:image
	URL         string // canonical URL, og:url
	Alternate   string // ActivityPub id served at the same URL (rel=alternate)
	RSS         string // feed of this page, if any
	Index       bool   // robots may index the page; false adds noindex
	Data        any

	Instance string
	Me       *storage.Account // signed-in viewer, nil when anonymous
	User     *storage.User
	CSRF     string // the token every form of this page posts back
}

// templates is the layout plus one clone of it per page, so every page can
// define its own "title" and "content" blocks.
type templates struct {
	mu     sync.RWMutex
	layout []byte
	pages  map[string]*template.Template
}

func newTemplates() *templates { return &templates{pages: map[string]*template.Template{}} }

var funcs = template.FuncMap{
	"date": func(t time.Time) string { return t.UTC().Format("2 Jan 2006 15:04 UTC") },
	"iso":  func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}

// AddTemplates parses page templates from fsys (each file one page, named
// by its base name without .html, defining "content" and optionally
// "title"); layout.html is the shared frame. The admin console calls this
// with its own files to reuse the layout.
func (h *Handler) AddTemplates(fsys fs.FS, pattern string) error {
	files, err := fs.Glob(fsys, pattern)
	if err != nil {
		return err
	}
	t := h.tmpl
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.layout == nil {
		if t.layout, err = fs.ReadFile(templateFS, "templates/layout.html"); err != nil {
			return err
		}
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" {
			continue
		}
		body, err := fs.ReadFile(fsys, f)
		if err != nil {
			return err
		}
		p, err := template.New("layout").Funcs(funcs).Parse(string(t.layout))
		if err == nil {
			_, err = p.Parse(string(body))
		}
		if err != nil {
			return fmt.Errorf("parse page template %s: %w", f, err)
		}
		t.pages[name] = p
	}
	return nil
}

// Render writes page name inside the layout, with the viewer, the CSRF
// token and the security headers every page carries.
func (h *Handler) Render(w http.ResponseWriter, r *http.Request, name string, p Page) {
	h.tmpl.mu.RLock()
	t := h.tmpl.pages[name]
	h.tmpl.mu.RUnlock()
	if t == nil {
		h.serverError(w, r, fmt.Errorf("no page template %q", name))
		return
	}
	p.Instance = h.opt.Instance.Name
	if s := h.session(r); s != nil {
		p.User, p.Me = s.user, s.acct
	}
	p.CSRF = h.CSRFToken(w, r)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		h.serverError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	h.securityHeaders(w, p.Me != nil)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if p.Status == 0 {
		p.Status = http.StatusOK
	}
	w.WriteHeader(p.Status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// securityHeaders: no script may run at all (the pages need none), images
// may come from remote instances, nothing may frame a page (clickjacking a
// Revoke button), and URLs do not leak to other sites through Referer.
func (h *Handler) securityHeaders(w http.ResponseWriter, private bool) {
	hd := w.Header()
	img := "'self' https: data:"
	if strings.HasPrefix(h.base.Origin, "http://") {
		img += " http:" // development and tests: remote media is http too
	}
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src "+img+
		"; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "same-origin")
	// The same URLs serve ActivityPub JSON, and signed-in pages differ.
	hd.Set("Vary", "Accept, Cookie")
	if private {
		hd.Set("Cache-Control", "no-store")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
}

// Error renders the error page with a message safe to show anyone.
func (h *Handler) Error(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	h.Render(w, r, "error", Page{Title: title, Status: status, Data: msg})
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.Error(w, r, http.StatusNotFound, "Not found", "There is nothing here, or it is not public.")
}

// serverError logs the cause and shows a page without it.
func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("pages", "path", r.URL.Path, "err", err)
	h.securityHeaders(w, true)
	http.Error(w, "Something went wrong on our side. Please try again.", http.StatusInternalServerError)
}

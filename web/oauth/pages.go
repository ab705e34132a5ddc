package oauth

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// page is what every template gets; fields a page does not use stay empty.
type page struct {
	Title, Instance, Error     string
	AppName, Website, Username string
	CSRF, ReturnTo, Email      string
	Code, SwitchURL            string
	Scopes                     []scopeLine
	Hidden                     []hiddenField
}

type scopeLine struct{ Name, Description string }
type hiddenField struct{ Name, Value string }

// render writes an HTML page. The headers keep it out of frames
// (clickjacking the Authorize button) and out of caches and Referer headers
// (the oob page shows a live code).
func (s *Server) render(w http.ResponseWriter, status int, name string, p page) {
	p.Instance = s.opt.InstanceName
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, p); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	// No form-action: Chrome would apply it to the redirect to the app's
	// custom-scheme URI that follows the Authorize form.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) errorPage(w http.ResponseWriter, status int, title, msg string) {
	s.render(w, status, "error", page{Title: title, Error: msg})
}

var scopeWords = map[string]string{
	"read":        "read everything your account can see",
	"write":       "post, edit and change everything in your account",
	"follow":      "follow, block and mute accounts for you",
	"push":        "receive your push notifications",
	"profile":     "read your basic profile only",
	"admin:read":  "read administration data",
	"admin:write": "take moderation and administration actions",
}

// describe says in words what a scope lets the app do.
func describe(scope string) scopeLine {
	if d, ok := scopeWords[scope]; ok {
		return scopeLine{scope, d}
	}
	verb, what, _ := strings.Cut(scope, ":")
	if verb == "read" {
		return scopeLine{scope, "read your " + what}
	}
	return scopeLine{scope, "change your " + what}
}

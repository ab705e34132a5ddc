// Package wellknown serves the discovery documents other servers and apps
// look for first: WebFinger, NodeInfo and host-meta.
package wellknown

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// Store is what discovery reads.
type Store interface {
	AccountByUsername(ctx context.Context, username, domain string) (*storage.Account, error)
	CountLocalAccounts(ctx context.Context) (int, error)
	CountLocalStatuses(ctx context.Context) (int, error)
}

// Info describes the instance for NodeInfo.
type Info struct {
	Name          string
	Description   string
	Version       string
	Registrations string // closed | invite | open
}

// Handler serves the discovery routes.
type Handler struct {
	Store Store
	Base  uris.Base
	Info  Info
}

// Register adds the routes to r.
func (h *Handler) Register(r *mux.Router) {
	r.HandleFunc("/.well-known/webfinger", h.webfinger).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/.well-known/host-meta", h.hostMeta).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/.well-known/nodeinfo", h.nodeinfoIndex).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/nodeinfo/{version:2\\.[01]}", h.nodeinfo).Methods(http.MethodGet, http.MethodHead)
}

type jrdLink struct {
	Rel      string `json:"rel"`
	Type     string `json:"type,omitempty"`
	Href     string `json:"href,omitempty"`
	Template string `json:"template,omitempty"`
}

type jrd struct {
	Subject string    `json:"subject"`
	Aliases []string  `json:"aliases"`
	Links   []jrdLink `json:"links"`
}

// parseResource accepts "acct:user@host", "user@host" and the actor's URL.
func (h *Handler) parseResource(res string) (username string, err error) {
	if res == "" {
		return "", errors.New("missing resource parameter")
	}
	if u, ok := h.Base.LocalUsername(res); ok {
		return u, nil
	}
	if strings.HasPrefix(res, "http://") || strings.HasPrefix(res, "https://") {
		return "", errNotHere
	}
	acct := strings.TrimPrefix(strings.TrimPrefix(res, "acct:"), "@")
	user, host, ok := strings.Cut(acct, "@")
	if !ok || user == "" || host == "" || strings.ContainsAny(acct, " /?#") || strings.Count(acct, "@") != 1 {
		return "", fmt.Errorf("malformed resource %q: expected acct:user@%s", res, h.Base.Host())
	}
	if !strings.EqualFold(host, h.Base.Host()) {
		return "", errNotHere
	}
	return strings.ToLower(user), nil
}

var errNotHere = errors.New("not found")

func (h *Handler) webfinger(w http.ResponseWriter, r *http.Request) {
	username, err := h.parseResource(r.URL.Query().Get("resource"))
	if errors.Is(err, errNotHere) {
		httpx.WriteError(w, http.StatusNotFound, "no such account on this instance")
		return
	}
	if err != nil {
		httpx.WriteError(w, http.StatusBadRequest, err.Error())
		return
	}
	a, err := h.Store.AccountByUsername(r.Context(), username, "")
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (a.Suspended() || !a.DeletedAt.IsZero())) {
		httpx.WriteError(w, http.StatusNotFound, "no such account on this instance")
		return
	}
	if err != nil {
		httpx.WriteError(w, http.StatusInternalServerError, "internal server error")
		return
	}
	doc := jrd{
		Subject: "acct:" + a.Username + "@" + h.Base.Host(),
		Aliases: []string{a.URI, a.URL},
		Links: []jrdLink{
			{Rel: "http://webfinger.net/rel/profile-page", Type: "text/html", Href: a.URL},
			{Rel: "self", Type: "application/activity+json", Href: a.URI},
			{Rel: "http://ostatus.org/schema/1.0/subscribe", Template: h.Base.Origin + "/authorize_interaction?uri={uri}"},
		},
	}
	w.Header().Set("Cache-Control", "max-age=300, public")
	httpx.WriteJSONType(w, "application/jrd+json; charset=utf-8", http.StatusOK, doc)
}

func (h *Handler) hostMeta(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/xrd+xml; charset=utf-8")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
  <Link rel="lrdd" template="%s/.well-known/webfinger?resource={uri}"/>
</XRD>
`, xmlEscape(h.Base.Origin))
}

func xmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func (h *Handler) nodeinfoIndex(w http.ResponseWriter, r *http.Request) {
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"links": []map[string]string{
		{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": h.Base.Origin + "/nodeinfo/2.0"},
		{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": h.Base.Origin + "/nodeinfo/2.1"},
	}})
}

func (h *Handler) nodeinfo(w http.ResponseWriter, r *http.Request) {
	version := mux.Vars(r)["version"]
	users, err := h.Store.CountLocalAccounts(r.Context())
	if err != nil {
		httpx.WriteError(w, http.StatusInternalServerError, "internal server error")
		return
	}
	posts, err := h.Store.CountLocalStatuses(r.Context())
	if err != nil {
		httpx.WriteError(w, http.StatusInternalServerError, "internal server error")
		return
	}
	software := map[string]any{"name": "rounds", "version": h.Info.Version}
	if version == "2.1" {
		software["repository"] = "https://github.com/rounds-social/rounds"
	}
	doc := map[string]any{
		"version":           version,
		"software":          software,
		"protocols":         []string{"activitypub"},
		"services":          map[string][]string{"inbound": {}, "outbound": {}},
		"openRegistrations": h.Info.Registrations == "open",
		"usage": map[string]any{
			"users":      map[string]int{"total": users, "activeMonth": users, "activeHalfyear": users},
			"localPosts": posts,
		},
		"metadata": map[string]any{"nodeName": h.Info.Name, "nodeDescription": h.Info.Description},
	}
	profile := "http://nodeinfo.diaspora.software/ns/schema/" + version + "#"
	httpx.WriteJSONType(w, `application/json; profile="`+profile+`"`, http.StatusOK, doc)
}

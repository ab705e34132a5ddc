package pages

import (
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/storage"
)

// RSS 2.0, the subset feed readers need. Descriptions carry the stored,
// sanitised HTML as text, which encoding/xml escapes.
type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link"`
	Description string    `xml:"description"`
	Items       []rssItem `xml:"item"`
}

type rssItem struct {
	GUID        string `xml:"guid"`
	Link        string `xml:"link"`
	PubDate     string `xml:"pubDate"`
	Description string `xml:"description"`
}

// rss is /@NAME.rss: the account's public posts.
func (h *Handler) rss(w http.ResponseWriter, r *http.Request) {
	a := h.localAccount(w, r)
	if a == nil {
		return
	}
	raw, err := h.store.AccountStatuses(r.Context(), a.ID, []string{storage.VisibilityPublic}, storage.Page{Limit: pageSize})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := h.account(a)
	h.writeRSS(w, r, rssChannel{Title: v.DisplayName + " (@" + a.Username + ")", Link: v.URL,
		Description: "Public posts of " + v.DisplayName}, raw)
}

// tagRSS is /tags/NAME.rss: public posts with the tag.
func (h *Handler) tagRSS(w http.ResponseWriter, r *http.Request) {
	name := strings.ToLower(mux.Vars(r)["tag"])
	raw, err := h.store.TagTimeline(r.Context(), []string{name}, false, false, storage.Page{Limit: pageSize})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.writeRSS(w, r, rssChannel{Title: "#" + name, Link: h.base.Tag(name), Description: "Public posts tagged #" + name}, raw)
}

func (h *Handler) writeRSS(w http.ResponseWriter, r *http.Request, ch rssChannel, raw []*storage.Status) {
	posts, err := h.publicList(r.Context(), raw)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	ch.Items = []rssItem{}
	for _, p := range posts {
		ch.Items = append(ch.Items, rssItem{GUID: p.URI, Link: p.URL, PubDate: p.CreatedAt.UTC().Format(time.RFC1123Z),
			Description: string(p.Content)})
	}
	body, err := xml.MarshalIndent(rssDoc{Version: "2.0", Channel: ch}, "", "  ")
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.securityHeaders(w, false)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write(append([]byte(xml.Header), body...))
}

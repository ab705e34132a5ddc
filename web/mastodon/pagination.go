package mastodon

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rounds-social/rounds/storage"
)

// pageFrom reads Mastodon's cursors (research §4). A malformed cursor is
// ignored rather than rejected, so a client holding a bad one still gets
// the newest page instead of an error screen.
func pageFrom(p params, def, most int) storage.Page {
	return storage.Page{
		MaxID:   cursor(p.get("max_id")),
		SinceID: cursor(p.get("since_id")),
		MinID:   cursor(p.get("min_id")),
		Limit:   p.limit(def, most),
	}
}

func cursor(s string) int64 {
	id, err := storage.ParseID(strings.TrimSpace(s))
	if err != nil {
		return 0
	}
	return id
}

// Parameters that Link URLs set themselves, or must never echo.
var notCarried = map[string]bool{"max_id": true, "min_id": true, "since_id": true, "limit": true, "access_token": true}

// setLink writes the Link header for a page whose raw rows (before any
// filtering) have the cursor ids ids, newest first: next continues below the
// oldest row, prev above the newest. masto.js needs next first, absolute URLs
// and quoted rels; an empty page gets no header, which ends its iterator.
func (a *API) setLink(w http.ResponseWriter, r *http.Request, p params, limit int, ids []int64) {
	if len(ids) == 0 {
		return
	}
	next := a.pageURL(r, p, limit, "max_id", ids[len(ids)-1])
	prev := a.pageURL(r, p, limit, "min_id", ids[0])
	w.Header().Set("Link", "<"+next+`>; rel="next", <`+prev+`>; rel="prev"`)
}

// pageURL keeps the request's filters (types[], …) so the next page is the
// same list; Encode escapes commas, which would split masto.js's parse.
func (a *API) pageURL(r *http.Request, p params, limit int, key string, id int64) string {
	q := url.Values{}
	for k, vs := range p {
		if !notCarried[k] {
			q[k] = vs
		}
	}
	q.Set("limit", strconv.Itoa(limit))
	q.Set(key, storage.FormatID(id))
	return a.base.Origin + r.URL.Path + "?" + q.Encode()
}

func statusIDs(list []*storage.Status) []int64 {
	ids := make([]int64, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	return ids
}

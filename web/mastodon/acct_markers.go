package mastodon

import (
	"net/http"
	"slices"
	"strings"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// markerTimelines are the timelines Mastodon keeps read markers for.
var markerTimelines = []string{"home", "notifications"}

type markerEntity struct {
	LastReadID string `json:"last_read_id"`
	Version    int    `json:"version"`
	UpdatedAt  string `json:"updated_at"`
}

func writeMarkers(w http.ResponseWriter, list []*storage.Marker) {
	out := map[string]markerEntity{}
	for _, m := range list {
		out[m.Timeline] = markerEntity{LastReadID: storage.FormatID(m.LastReadID), Version: m.Version, UpdatedAt: ts(m.UpdatedAt)}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// markers answers the markers asked for as timeline[]=… (Tusky, Elk) or
// timeline=… (Phanpy); unknown names are ignored, and no name means all.
// With no markers saved the answer is {}, as clients expect.
func (a *API) markers(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	asked := p.list("timeline")
	var names []string
	for _, t := range asked {
		if t = strings.TrimSpace(t); slices.Contains(markerTimelines, t) {
			names = append(names, t)
		}
	}
	if len(asked) > 0 && len(names) == 0 {
		writeMarkers(w, nil)
		return
	}
	list, err := a.store.Markers(r.Context(), viewerFrom(r.Context()).Account.ID, names)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeMarkers(w, list)
}

// saveMarkers stores home[last_read_id] and notifications[last_read_id]
// (forms, or the JSON objects that flatten to the same keys) and answers
// with the markers it saved.
func (a *API) saveMarkers(w http.ResponseWriter, r *http.Request) {
	me := viewerFrom(r.Context()).Account
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	saved := []*storage.Marker{}
	for _, t := range markerTimelines {
		raw := strings.TrimSpace(p.get(t + "[last_read_id]"))
		if raw == "" {
			continue
		}
		id, err := storage.ParseID(raw)
		if err != nil || id <= 0 {
			a.fail(w, r, &paramError{"Validation failed: " + t + " last_read_id is not an id"})
			return
		}
		m := &storage.Marker{AccountID: me.ID, Timeline: t, LastReadID: id}
		if err := a.store.PutMarker(r.Context(), m); err != nil {
			a.fail(w, r, err)
			return
		}
		saved = append(saved, m)
	}
	writeMarkers(w, saved)
}

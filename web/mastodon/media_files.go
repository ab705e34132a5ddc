package mastodon

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation/media"
	"github.com/rounds-social/rounds/storage"
)

// serveMediaFile serves GET /media/{key}/{original|small}.{ext}.
//
// Who may load a file: whoever has its URL. Browsers and apps fetch images
// with <img> and plain GETs that carry no token, so a visibility check per
// viewer is impossible here; the 128-bit random key in the path is the
// capability, as in Mastodon's object storage. What this route still
// enforces: the row must exist (deleting the status deletes the rows, and
// its files stop being served), and only files of public and unlisted posts
// may sit in shared caches.
func (a *API) serveMediaFile(w http.ResponseWriter, r *http.Request) {
	key := mux.Vars(r)["key"]
	variant, ext, ok := strings.Cut(mux.Vars(r)["file"], ".")
	if !ok || !media.ValidKey(key) || a.svc.Media() == nil {
		notFound(w)
		return
	}
	m, err := a.store.MediaByFileKey(r.Context(), key)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && media.ExtOf(m.ContentType) != ext) {
		notFound(w)
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := a.svc.Media().Open(key, variant, ext)
	if err != nil {
		notFound(w)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		a.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", m.ContentType)
	h.Set("Cache-Control", a.mediaCacheControl(r, m))
	// An image is only ever an image: no sniffing it into HTML, no scripts
	// if someone opens it as a document.
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", info.ModTime(), f)
}

// mediaCacheControl lets shared caches keep files of public and unlisted
// posts; anything else (unattached uploads, followers-only and direct posts)
// is for the requesting client's cache alone.
func (a *API) mediaCacheControl(r *http.Request, m *storage.Media) string {
	if m.StatusID != 0 {
		st, err := a.store.Status(r.Context(), m.StatusID)
		if err == nil && (st.Visibility == storage.VisibilityPublic || st.Visibility == storage.VisibilityUnlisted) {
			return "public, max-age=604800, immutable"
		}
	}
	return "private, max-age=3600"
}

package mastodon

import (
	"context"
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation/media"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// registerMediaRoutes adds the media endpoints. Mastodon asks for write:media
// on all of them, reads included (Api::V1::MediaController).
func (a *API) registerMediaRoutes(r *mux.Router) {
	r.HandleFunc("/api/v1/media", a.auth("write:media", a.uploadMedia)).Methods(http.MethodPost)
	r.HandleFunc("/api/v2/media", a.auth("write:media", a.uploadMedia)).Methods(http.MethodPost)
	r.HandleFunc("/api/v1/media/{id}", a.auth("write:media", a.getMedia)).Methods(http.MethodGet)
	r.HandleFunc("/api/v1/media/{id}", a.auth("write:media", a.updateMedia)).Methods(http.MethodPut)
	r.HandleFunc("/media/{key}/{file}", a.serveMediaFile).Methods(http.MethodGet, http.MethodHead)
}

// uploadMedia stores an image, processed synchronously, so both the v1 and
// the v2 endpoint answer 200 with url set (masto.js then polls once and
// finds it ready). The original bytes, metadata and all, are never written
// anywhere but the request's multipart temp file, removed on return.
func (a *API) uploadMedia(w http.ResponseWriter, r *http.Request) {
	files := a.svc.Media()
	if files == nil {
		httpx.WriteError(w, http.StatusServiceUnavailable, "Media uploads are not configured on this server")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxUploadBodyBytes)
	p, err := readParams(r)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	m, err := a.newUpload(r, p)
	if err != nil {
		a.failMedia(w, r, err)
		return
	}
	if err := a.saveUpload(r.Context(), files, m, r); err != nil {
		a.failMedia(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, a.mediaEntity(m))
}

// newUpload validates the form fields into an unsaved Media row.
func (a *API) newUpload(r *http.Request, p params) (*storage.Media, error) {
	desc, err := checkDescription(p.get("description"))
	if err != nil {
		return nil, err
	}
	fx, fy, err := parseFocus(p.get("focus"))
	if err != nil {
		return nil, err
	}
	return &storage.Media{AccountID: viewerFrom(r.Context()).Account.ID, Type: storage.MediaImage,
		Description: desc, FocusX: fx, FocusY: fy}, nil
}

// saveUpload processes the file, writes it to disk, then records it; a row
// never points at files that are not there.
func (a *API) saveUpload(ctx context.Context, files *media.Store, m *storage.Media, r *http.Request) error {
	data, hdr, err := uploadedFile(r)
	if err != nil {
		return err
	}
	img, err := media.Process(data, hdr.Header.Get("Content-Type"), hdr.Filename)
	if err != nil {
		return err
	}
	m.FileKey, m.ContentType, m.Size = media.NewKey(), img.ContentType, int64(len(img.Original))
	m.Width, m.Height, m.SmallWidth, m.SmallHeight = img.Width, img.Height, img.SmallWidth, img.SmallHeight
	if err := files.Save(m.FileKey, img); err != nil {
		return err
	}
	if err := a.store.CreateMedia(ctx, m); err != nil {
		return errors.Join(err, files.Remove(m.FileKey))
	}
	return nil
}

// failMedia answers a refused upload with its own message; too large is 413,
// like a body over the limit.
func (a *API) failMedia(w http.ResponseWriter, r *http.Request, err error) {
	var ref *media.Refusal
	switch {
	case errors.Is(err, media.ErrTooLarge):
		httpx.WriteError(w, http.StatusRequestEntityTooLarge, media.ErrTooLarge.Msg)
	case errors.As(err, &ref):
		httpx.WriteError(w, http.StatusUnprocessableEntity, ref.Msg)
	default:
		a.fail(w, r, err)
	}
}

// ownMedia loads the {id} upload of the caller; anyone else's is not found.
func (a *API) ownMedia(r *http.Request) (*storage.Media, bool) {
	id, ok := pathID(r)
	if !ok {
		return nil, false
	}
	m, err := a.store.MediaByID(r.Context(), id)
	if err != nil || m.AccountID != viewerFrom(r.Context()).Account.ID || m.Remote() {
		return nil, false
	}
	return m, true
}

func (a *API) getMedia(w http.ResponseWriter, r *http.Request) {
	m, ok := a.ownMedia(r)
	if !ok {
		notFound(w)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, a.mediaEntity(m))
}

// updateMedia changes description and focus until the upload is attached, as
// Mastodon does; after that, alt text changes with a status edit.
func (a *API) updateMedia(w http.ResponseWriter, r *http.Request) {
	m, ok := a.ownMedia(r)
	if !ok || m.StatusID != 0 {
		notFound(w)
		return
	}
	p, err := readParams(r)
	if err == nil {
		err = applyMediaEdit(m, p)
	}
	if err == nil {
		err = a.store.UpdateMedia(r.Context(), m)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, a.mediaEntity(m))
}

// applyMediaEdit changes only the fields the request names.
func applyMediaEdit(m *storage.Media, p params) error {
	if _, ok := p["description"]; ok {
		desc, err := checkDescription(p.get("description"))
		if err != nil {
			return err
		}
		m.Description = desc
	}
	if _, ok := p["focus"]; ok {
		x, y, err := parseFocus(p.get("focus"))
		if err != nil {
			return err
		}
		m.FocusX, m.FocusY = x, y
	}
	return nil
}

package mastodon

import (
	"context"
	"fmt"
	"math"

	"github.com/rounds-social/rounds/federation/media"
	"github.com/rounds-social/rounds/storage"
)

// mediaJSON is the MediaAttachment entity (research §7.4). Nullable fields
// are `any` so they are sent as null, never left out.
type mediaJSON struct {
	ID               string         `json:"id"`
	Type             string         `json:"type"`
	URL              string         `json:"url"`
	PreviewURL       string         `json:"preview_url"`
	RemoteURL        any            `json:"remote_url"`
	PreviewRemoteURL any            `json:"preview_remote_url"`
	TextURL          any            `json:"text_url"`
	Meta             map[string]any `json:"meta"`
	Description      any            `json:"description"`
	Blurhash         any            `json:"blurhash"`
}

// statusMedia renders a status's media_attachments (always an array). A
// boost has none of its own: clients show the reblog's.
func (a *API) statusMedia(ctx context.Context, st *storage.Status) ([]any, error) {
	out := []any{}
	if st.ReblogOfID != 0 {
		return out, nil
	}
	list, err := a.store.StatusMedia(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range list {
		out = append(out, a.mediaEntity(m))
	}
	return out, nil
}

// mediaEntity renders one attachment. A remote one has its remote file as
// url too: Tusky needs a non-null url, and nothing was downloaded.
func (a *API) mediaEntity(m *storage.Media) *mediaJSON {
	e := &mediaJSON{ID: storage.FormatID(m.ID), Type: m.Type, Meta: map[string]any{
		"focus": map[string]float64{"x": m.FocusX, "y": m.FocusY}}}
	if m.Remote() {
		e.URL, e.PreviewURL, e.RemoteURL = m.RemoteURL, m.RemoteURL, m.RemoteURL
	} else {
		ext := media.ExtOf(m.ContentType)
		e.URL = a.base.Origin + media.Path(m.FileKey, media.Original, ext)
		e.PreviewURL = a.base.Origin + media.Path(m.FileKey, media.Small, ext)
	}
	if m.Description != "" {
		e.Description = m.Description
	}
	if m.Blurhash != "" {
		e.Blurhash = m.Blurhash
	}
	if dims := sizeMeta(m.Width, m.Height); dims != nil {
		e.Meta["original"] = dims
	}
	if dims := sizeMeta(m.SmallWidth, m.SmallHeight); dims != nil {
		e.Meta["small"] = dims
	}
	return e
}

// sizeMeta is one entry of meta: nil when the size is unknown (remote media
// that did not say), since clients divide by it.
func sizeMeta(w, h int) map[string]any {
	if w <= 0 || h <= 0 {
		return nil
	}
	aspect := math.Round(float64(w)/float64(h)*1000) / 1000
	return map[string]any{"width": w, "height": h, "size": fmt.Sprintf("%dx%d", w, h), "aspect": aspect}
}

package mastodon

import (
	"net/http"
	"strings"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// statusEditJSON is one version in GET /api/v1/statuses/:id/history.
type statusEditJSON struct {
	Content          string       `json:"content"`
	SpoilerText      string       `json:"spoiler_text"`
	Sensitive        bool         `json:"sensitive"`
	CreatedAt        string       `json:"created_at"`
	Account          *accountJSON `json:"account"`
	Poll             any          `json:"poll"`
	MediaAttachments []any        `json:"media_attachments"`
	Emojis           []any        `json:"emojis"`
}

type statusSourceJSON struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	SpoilerText string `json:"spoiler_text"`
}

// editStatus is PUT /api/v1/statuses/:id: the author rewrites the text,
// content warning, sensitivity or language. Visibility and the reply target
// are fixed once posted, as on Mastodon, so those parameters are ignored.
func (a *API) editStatus(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	id, ok := pathID(r)
	if !ok {
		notFound(w)
		return
	}
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := federation.Draft{Text: p.get("status"), SpoilerText: p.get("spoiler_text"),
		Sensitive: p.boolean("sensitive"), Language: strings.TrimSpace(p.get("language"))}
	st, err := a.svc.EditStatus(ctx, me, id, d)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeStatus(w, r, me, st)
}

// statusHistory lists every version of a status, oldest first, ending with
// the current one; a status never edited has just that one.
func (a *API) statusHistory(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, err := a.visiblePathStatus(r, false)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	edits, err := a.store.StatusEdits(ctx, st.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	author, err := a.renderer(viewerAccount(ctx)).account(ctx, st.AccountID)
	if err != nil || author == nil {
		a.fail(w, r, cmpErr(err, storage.ErrNotFound))
		return
	}
	media, err := a.statusMedia(ctx, st)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]statusEditJSON, 0, len(edits)+1)
	for _, e := range edits {
		out = append(out, statusEditJSON{Content: e.Content, SpoilerText: e.SpoilerText, Sensitive: e.Sensitive,
			CreatedAt: ts(e.CreatedAt), Account: author, MediaAttachments: []any{}, Emojis: []any{}})
	}
	current := st.EditedAt
	if current.IsZero() {
		current = st.CreatedAt
	}
	out = append(out, statusEditJSON{Content: st.Content, SpoilerText: st.SpoilerText, Sensitive: st.Sensitive,
		CreatedAt: ts(current), Account: author, MediaAttachments: media, Emojis: []any{}})
	httpx.WriteJSON(w, http.StatusOK, out)
}

// statusSource is the plain text a client puts in its editor before a PUT.
// Remote posts have no source here; their text is "".
func (a *API) statusSource(w http.ResponseWriter, r *http.Request) {
	st, err := a.visiblePathStatus(r, false)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, statusSourceJSON{ID: storage.FormatID(st.ID), Text: st.Text, SpoilerText: st.SpoilerText})
}

// cmpErr is err, or fallback when err is nil.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

package mastodon

import (
	"context"
	"net/http"
	"strings"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// draftFrom reads POST /api/v1/statuses parameters. A malformed
// in_reply_to_id is answered like an unknown one: 404.
func draftFrom(p params) (federation.Draft, error) {
	reply, err := optionalID(p.get("in_reply_to_id"))
	if err != nil {
		return federation.Draft{}, err
	}
	mediaIDs, err := mediaIDsFrom(p)
	if err != nil {
		return federation.Draft{}, err
	}
	visibility, audience, err := audienceFrom(p)
	if err != nil {
		return federation.Draft{}, err
	}
	return federation.Draft{
		Text:        p.get("status"),
		Visibility:  visibility,
		Audience:    audience,
		SpoilerText: p.get("spoiler_text"),
		Sensitive:   p.boolean("sensitive"),
		InReplyToID: reply,
		Language:    strings.TrimSpace(p.get("language")),
		MediaIDs:    mediaIDs,
	}, nil
}

// audienceFrom reads who may see a new post: local_only=true or
// visibility=local (glitch-soc's spelling) keep it in the institution;
// audience=everyone|institution|partners names it; absent, the instance
// default applies.
func audienceFrom(p params) (visibility, audience string, err error) {
	visibility = strings.TrimSpace(p.get("visibility"))
	audience = "default"
	if name := strings.TrimSpace(p.get("audience")); name != "" {
		if audience, err = federation.ParseAudience(name); err != nil {
			return "", "", err
		}
	}
	if visibility == "local" || visibility == "partners" {
		audience, _ = federation.ParseAudience(visibility)
		visibility = storage.VisibilityPublic
	}
	if p.get("local_only") != "" && p.boolean("local_only") {
		audience = storage.AudienceLocal
	}
	return visibility, audience, nil
}

// postStatus publishes a status, at most once per Idempotency-Key.
func (a *API) postStatus(idem *idempotency) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, me := r.Context(), viewerFrom(r.Context()).Account
		p, err := readParams(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		d, err := draftFrom(p)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		st, err := a.postOnce(ctx, idem, me, r.Header.Get("Idempotency-Key"), d)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		a.writeStatus(w, r, me, st)
	}
}

// postOnce posts d, or returns the status an earlier request with the same
// key (from the same account) produced.
func (a *API) postOnce(ctx context.Context, idem *idempotency, me *storage.Account, key string, d federation.Draft) (*storage.Status, error) {
	if key == "" {
		return a.svc.Post(ctx, me, d)
	}
	k := idemKey{account: me.ID, key: key}
	id, found, entry, err := idem.claim(ctx, k)
	if err != nil {
		return nil, err
	}
	if found {
		return a.store.Status(ctx, id)
	}
	var made int64
	defer func() { idem.finish(k, entry, made) }() // deferred: a panic must not leave the key in flight
	st, err := a.svc.Post(ctx, me, d)
	if err != nil {
		return nil, err
	}
	made = st.ID
	return st, nil
}

// writeStatus renders one status for viewer and sends it.
func (a *API) writeStatus(w http.ResponseWriter, r *http.Request, viewer *storage.Account, st *storage.Status) {
	out, err := a.renderer(viewer).one(r.Context(), st)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// getStatus answers 404 for a status the viewer may not see, the same as
// for one that does not exist.
func (a *API) getStatus(w http.ResponseWriter, r *http.Request) {
	a.statusAction(a.svc.VisibleStatus)(w, r)
}

// deleteStatus returns the deleted status with its source text, which
// clients use for "delete and redraft".
func (a *API) deleteStatus(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	id, ok := pathID(r)
	if !ok {
		notFound(w)
		return
	}
	st, err := a.svc.DeleteStatus(ctx, me, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.renderer(me).one(ctx, st)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out.Text = st.Text
	httpx.WriteJSON(w, http.StatusOK, out)
}

// statusAction adapts a federation call on (me, status id) into a handler
// answering with the status it returns: favourite, reblog and the rest.
func (a *API) statusAction(act func(context.Context, *storage.Account, int64) (*storage.Status, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		me := viewerAccount(r.Context()) // nil for anonymous reads of public posts
		id, ok := pathID(r)
		if !ok {
			notFound(w)
			return
		}
		st, err := act(r.Context(), me, id)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		a.writeStatus(w, r, me, st)
	}
}

// homeTimeline lists the viewer's home feed. Each page is filtered through
// the visibility rule again (the feed rows were written when the post
// arrived; a follow may have ended since), but the Link cursors come from the
// raw rows so a page filtered down to nothing does not end pagination.
func (a *API) homeTimeline(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page := pageFrom(p, 20, 40)
	rows, err := a.store.Home(ctx, me.ID, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// Same path as the other timelines: muted accounts left out, visibility
	// checked again, Link cursors from the raw rows.
	a.writeTimeline(w, r, p, page.Limit, rows, nil)
}

package mastodon

import (
	"context"
	"net/http"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// maybeAuth runs h for anonymous callers too, for endpoints that serve
// public data without a token on Mastodon (public timeline, a public post's
// thread). A caller who does send a token must send a valid one with scope:
// a bad token is a 401, never a silent downgrade to anonymous, so a client
// with a revoked token learns it instead of seeing less than it should.
func (a *API) maybeAuth(scope string, h http.HandlerFunc) http.HandlerFunc {
	authed := a.auth(scope, h)
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" && r.URL.Query().Get("access_token") == "" {
			h(w, r)
			return
		}
		authed(w, r)
	}
}

// viewerAccount is the caller's account, nil when anonymous.
func viewerAccount(ctx context.Context) *storage.Account {
	if v := viewerFrom(ctx); v != nil {
		return v.Account
	}
	return nil
}

func emptyList(w http.ResponseWriter, _ *http.Request) {
	httpx.WriteJSON(w, http.StatusOK, []any{})
}

// visiblePathStatus loads the {id} status if the caller may see it; a boost
// resolves to the post it boosts when original is set (favourites,
// bookmarks and their lists live on originals).
func (a *API) visiblePathStatus(r *http.Request, original bool) (*storage.Status, error) {
	ctx, me := r.Context(), viewerAccount(r.Context())
	id, ok := pathID(r)
	switch {
	case !ok:
		return nil, storage.ErrNotFound
	case original:
		return a.visibleOriginal(ctx, me, id)
	}
	return a.svc.VisibleStatus(ctx, me, id)
}

// writeStatuses filters rows through the visibility rule, renders what is
// left and answers with it; Link cursors come from cursors (the raw rows'
// ids), so a page filtered down to nothing does not end pagination.
func (a *API) writeStatuses(w http.ResponseWriter, r *http.Request, p params, limit int, rows []*storage.Status, cursors []int64) {
	ctx, me := r.Context(), viewerAccount(r.Context())
	visible, err := a.svc.VisibleFilter(ctx, me, rows)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.renderer(me).statusList(ctx, visible)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.setLink(w, r, p, limit, cursors)
	httpx.WriteJSON(w, http.StatusOK, out)
}

package mastodon

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// Bounds on a thread, so a pathological (or hostile) chain of replies cannot
// make one request walk the database: Mastodon caps ancestors at 40 too.
const (
	maxAncestors   = 40
	maxDescendants = 1000
)

type contextJSON struct {
	Ancestors   []*statusJSON `json:"ancestors"`
	Descendants []*statusJSON `json:"descendants"`
}

// statusContext answers a thread: ancestors oldest first, descendants in
// depth-first order. Every post is checked on its own, so a followers-only
// reply inside a public thread reaches only those who may see it.
func (a *API) statusContext(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerAccount(r.Context())
	st, err := a.visiblePathStatus(r, false)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	up, err := a.ancestors(ctx, st)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	down, err := a.descendants(ctx, st)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := contextJSON{}
	rd := a.renderer(me)
	if out.Ancestors, err = a.visibleJSON(ctx, rd, up); err == nil {
		out.Descendants, err = a.visibleJSON(ctx, rd, down)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// visibleJSON renders the statuses of list rd's viewer may see.
func (a *API) visibleJSON(ctx context.Context, rd *renderer, list []*storage.Status) ([]*statusJSON, error) {
	visible, err := a.svc.VisibleFilter(ctx, rd.viewer, list)
	if err != nil {
		return nil, err
	}
	return rd.statusList(ctx, visible)
}

// ancestors walks up the reply chain, oldest first, stopping at a parent
// we do not have (or a loop, which a remote server could fabricate).
func (a *API) ancestors(ctx context.Context, st *storage.Status) ([]*storage.Status, error) {
	var out []*storage.Status
	seen := map[int64]bool{st.ID: true}
	for id := st.InReplyToID; id != 0 && !seen[id] && len(out) < maxAncestors; {
		seen[id] = true
		parent, err := a.store.Status(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		out = append(out, parent)
		id = parent.InReplyToID
	}
	slices.Reverse(out)
	return out, nil
}

// descendants lists the replies below st depth-first, each branch oldest
// first, the order Mastodon clients draw threads in.
func (a *API) descendants(ctx context.Context, st *storage.Status) ([]*storage.Status, error) {
	var out []*storage.Status
	seen := map[int64]bool{st.ID: true}
	stack := []*storage.Status{st}
	for len(stack) > 0 && len(out) < maxDescendants {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if cur != st {
			out = append(out, cur)
		}
		replies, err := a.store.Replies(ctx, cur.ID)
		if err != nil {
			return nil, err
		}
		// Pushed newest first so the oldest reply is popped (and emitted) next.
		for i := len(replies) - 1; i >= 0; i-- {
			if !seen[replies[i].ID] {
				seen[replies[i].ID] = true
				stack = append(stack, replies[i])
			}
		}
	}
	return out, nil
}

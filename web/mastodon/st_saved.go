package mastodon

import (
	"context"
	"net/http"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// favouritedBy lists who favourited a status the caller may see, paged by
// favourite id (the cursor is not an account id, so clients must follow Link).
func (a *API) favouritedBy(w http.ResponseWriter, r *http.Request) {
	a.interactedBy(w, r, func(ctx context.Context, id int64, page storage.Page) (accounts, cursors []int64, err error) {
		favs, err := a.store.FavouritedBy(ctx, id, page)
		for _, f := range favs {
			accounts, cursors = append(accounts, f.AccountID), append(cursors, f.ID)
		}
		return accounts, cursors, err
	})
}

// rebloggedBy lists who boosted a status the caller may see, paged by boost id.
func (a *API) rebloggedBy(w http.ResponseWriter, r *http.Request) {
	a.interactedBy(w, r, func(ctx context.Context, id int64, page storage.Page) (accounts, cursors []int64, err error) {
		boosts, err := a.store.RebloggedBy(ctx, id, page)
		for _, b := range boosts {
			accounts, cursors = append(accounts, b.AccountID), append(cursors, b.ID)
		}
		return accounts, cursors, err
	})
}

type accountPager func(ctx context.Context, statusID int64, page storage.Page) (accounts, cursors []int64, err error)

// interactedBy answers an Account list about the {id} status. The status
// must be visible to the caller first: who liked a followers-only post is
// as private as the post.
func (a *API) interactedBy(w http.ResponseWriter, r *http.Request, list accountPager) {
	ctx := r.Context()
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	st, err := a.visiblePathStatus(r, true)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page := pageFrom(p, 40, 80)
	ids, cursors, err := list(ctx, st.ID, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rd := a.renderer(viewerAccount(ctx))
	if err := rd.loadAccounts(ctx, ids); err != nil {
		a.fail(w, r, err)
		return
	}
	out := []*accountJSON{}
	for _, id := range ids {
		if acct := rd.accounts[id]; acct == nil || acct.Suspended() || !acct.DeletedAt.IsZero() {
			continue
		}
		e, err := rd.account(ctx, id)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		out = append(out, e)
	}
	a.setLink(w, r, p, page.Limit, cursors)
	httpx.WriteJSON(w, http.StatusOK, out)
}

// bookmark saves a status the caller may see (a boost: the boosted post).
func (a *API) bookmark(ctx context.Context, me *storage.Account, id int64) (*storage.Status, error) {
	st, err := a.visibleOriginal(ctx, me, id)
	if err != nil {
		return nil, err
	}
	return st, a.store.CreateBookmark(ctx, me.ID, st.ID)
}

// unbookmark is idempotent, like Mastodon's.
func (a *API) unbookmark(ctx context.Context, me *storage.Account, id int64) (*storage.Status, error) {
	st, err := a.visibleOriginal(ctx, me, id)
	if err != nil {
		return nil, err
	}
	return st, a.store.DeleteBookmark(ctx, me.ID, st.ID)
}

func (a *API) visibleOriginal(ctx context.Context, me *storage.Account, id int64) (*storage.Status, error) {
	st, err := a.svc.VisibleStatus(ctx, me, id)
	if err != nil || st.ReblogOfID == 0 {
		return st, err
	}
	return a.svc.VisibleStatus(ctx, me, st.ReblogOfID)
}

// bookmarks lists the caller's bookmarks, newest bookmark first.
func (a *API) bookmarks(w http.ResponseWriter, r *http.Request) {
	a.savedList(w, r, a.store.Bookmarks)
}

// favourites lists the statuses the caller favourited, newest like first.
func (a *API) favourites(w http.ResponseWriter, r *http.Request) {
	a.savedList(w, r, a.store.Favourites)
}

// savedList answers a bookmark or favourite list, paged by the row id.
// Each status is checked again: a post saved while following its author
// drops out of the list once the follow ends, and returns if it resumes.
func (a *API) savedList(w http.ResponseWriter, r *http.Request, list func(context.Context, int64, storage.Page) ([]storage.Saved, error)) {
	ctx, me := r.Context(), viewerAccount(r.Context())
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page := pageFrom(p, 20, 40)
	rows, err := list(ctx, me.ID, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	statuses, cursors := make([]*storage.Status, len(rows)), make([]int64, len(rows))
	for i, s := range rows {
		statuses[i], cursors[i] = s.Status, s.ID
	}
	a.writeStatuses(w, r, p, page.Limit, statuses, cursors)
}

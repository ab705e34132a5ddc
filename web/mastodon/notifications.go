package mastodon

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// notificationTypes are the v1 types Rounds can produce plus the ones
// clients filter on; exclude_types[] alone is resolved against this list.
var notificationTypes = []string{storage.NotifyMention, storage.NotifyStatus, storage.NotifyReblog,
	storage.NotifyFollow, storage.NotifyFollowRequest, storage.NotifyFavourite, "poll", storage.NotifyUpdate}

type notificationJSON struct {
	ID        string       `json:"id"`
	Type      string       `json:"type"`
	CreatedAt string       `json:"created_at"`
	Account   *accountJSON `json:"account"`
	Status    *statusJSON  `json:"status,omitempty"`
}

// notificationFilter turns types[] and exclude_types[] into the list the
// store filters on (nil: every type). none is true when the filters leave
// no type at all, which the store would otherwise read as "no filter".
func notificationFilter(p params) (types []string, none bool) {
	include, exclude := p.list("types"), p.list("exclude_types")
	if len(include) == 0 && len(exclude) == 0 {
		return nil, false
	}
	if len(include) == 0 {
		include = notificationTypes
	}
	for _, t := range include {
		if !slices.Contains(exclude, t) && !slices.Contains(types, t) {
			types = append(types, t)
		}
	}
	return types, len(types) == 0
}

// notifications lists the viewer's notifications, newest first, with Link
// cursors from the raw rows (some may be left out; see renderNotifications,
// and notifications from accounts muted with notifications are hidden).
func (a *API) notifications(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	from, ok := accountParam(p.get("account_id"))
	if !ok {
		httpx.WriteError(w, http.StatusUnprocessableEntity, "Validation failed: account_id is not an id")
		return
	}
	types, none := notificationFilter(p)
	if none {
		httpx.WriteJSON(w, http.StatusOK, []any{})
		return
	}
	page := pageFrom(p, 40, 80)
	rows, err := a.store.NotificationsFrom(ctx, me.ID, from, types, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	shown, err := a.unmutedNotifications(ctx, me, rows)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.renderNotifications(ctx, me, shown)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ids := make([]int64, len(rows))
	for i, n := range rows {
		ids[i] = n.ID
	}
	a.setLink(w, r, p, page.Limit, ids)
	httpx.WriteJSON(w, http.StatusOK, out)
}

// accountParam parses an optional account id filter: 0 when absent.
func accountParam(s string) (int64, bool) {
	if s = strings.TrimSpace(s); s == "" {
		return 0, true
	}
	id, err := storage.ParseID(s)
	return id, err == nil
}

// unmutedNotifications drops rows caused by accounts me muted together
// with their notifications.
func (a *API) unmutedNotifications(ctx context.Context, me *storage.Account, rows []*storage.Notification) ([]*storage.Notification, error) {
	muted, err := a.store.MutedAccountIDs(ctx, me.ID, time.Now(), true)
	if err != nil || len(muted) == 0 {
		return rows, err
	}
	return slices.DeleteFunc(slices.Clone(rows), func(n *storage.Notification) bool {
		return slices.Contains(muted, n.FromAccountID)
	}), nil
}

// getNotification answers one of the caller's notifications; one whose
// status the caller may no longer see is answered as unknown.
func (a *API) getNotification(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	id, ok := pathID(r)
	if !ok {
		notFound(w)
		return
	}
	n, err := a.store.Notification(ctx, me.ID, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.renderNotifications(ctx, me, []*storage.Notification{n})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if len(out) == 0 {
		notFound(w)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, out[0])
}

// dismissNotification deletes one notification: {id} in the path, or the
// legacy POST /api/v1/notifications/dismiss with an id parameter.
func (a *API) dismissNotification(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	id, ok := pathID(r)
	if _, inPath := mux.Vars(r)["id"]; !inPath {
		p, err := readParams(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		id, err = storage.ParseID(strings.TrimSpace(p.get("id")))
		ok = err == nil
	}
	if !ok {
		notFound(w)
		return
	}
	if err := a.store.DeleteNotification(ctx, me.ID, id); err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, struct{}{})
}

// clearNotifications deletes all of the caller's notifications.
func (a *API) clearNotifications(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	if err := a.store.ClearNotifications(ctx, me.ID); err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, struct{}{})
}

// renderNotifications leaves out a notification whose account is gone, or
// whose status is gone or no longer visible to me (a private post of an
// account I have since unfollowed must not leak through a mention).
func (a *API) renderNotifications(ctx context.Context, me *storage.Account, rows []*storage.Notification) ([]*notificationJSON, error) {
	statuses, err := a.notificationStatuses(ctx, me, rows)
	if err != nil {
		return nil, err
	}
	rd := a.renderer(me)
	from := make([]int64, len(rows))
	for i, n := range rows {
		from[i] = n.FromAccountID
	}
	if err := rd.prefetch(ctx, slices.Collect(maps.Values(statuses)), from); err != nil {
		return nil, err
	}
	out := []*notificationJSON{}
	for _, n := range rows {
		e, err := a.notification(ctx, rd, n, statuses)
		if err != nil {
			return nil, err
		}
		if e != nil {
			out = append(out, e)
		}
	}
	return out, nil
}

// notificationStatuses loads the statuses rows point at that me may see.
func (a *API) notificationStatuses(ctx context.Context, me *storage.Account, rows []*storage.Notification) (map[int64]*storage.Status, error) {
	var ids []int64
	for _, n := range rows {
		if n.StatusID != 0 {
			ids = append(ids, n.StatusID)
		}
	}
	found, err := a.store.StatusesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	for id, st := range found {
		ok, err := a.svc.CanSee(ctx, me, st)
		if err != nil {
			return nil, err
		}
		if !ok {
			delete(found, id)
		}
	}
	return found, nil
}

func (a *API) notification(ctx context.Context, rd *renderer, n *storage.Notification, statuses map[int64]*storage.Status) (*notificationJSON, error) {
	acct, err := rd.account(ctx, n.FromAccountID)
	if err != nil || acct == nil {
		return nil, err
	}
	out := &notificationJSON{ID: storage.FormatID(n.ID), Type: n.Type, CreatedAt: ts(n.CreatedAt), Account: acct}
	if n.StatusID == 0 {
		return out, nil
	}
	st := statuses[n.StatusID]
	if st == nil {
		return nil, nil
	}
	if out.Status, err = rd.status(ctx, st); err != nil || out.Status == nil {
		return nil, err
	}
	return out, nil
}

package ap

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

const pageSize = 20

// actor serves the actor document unsigned to anyone: peers fetch keys
// without signing, even in authorized-fetch mode.
func (h *Handler) actor(w http.ResponseWriter, r *http.Request) {
	if !wantsActivityJSON(r) {
		h.htmlFallback(w, r)
		return
	}
	a := h.localAccount(w, r)
	if a == nil {
		return
	}
	body, err := activitypub.ActorDocument(a, h.svc.Base())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	writeAS(w, body)
}

// pageParam parses ?page=true or ?max_id=N; ok=false means "serve the collection top".
func pageParam(r *http.Request) (maxID int64, ok bool) {
	q := r.URL.Query()
	if q.Get("page") == "" && q.Get("max_id") == "" {
		return 0, false
	}
	id, _ := strconv.ParseInt(q.Get("max_id"), 10, 64)
	return id, true
}

func pageURL(base string, maxID int64) string {
	if maxID == 0 {
		return base + "?page=true"
	}
	return base + "?" + url.Values{"page": {"true"}, "max_id": {strconv.FormatInt(maxID, 10)}}.Encode()
}

// outbox lists the account's public posts as Create activities.
func (h *Handler) outbox(w http.ResponseWriter, r *http.Request) {
	a := h.localAccount(w, r)
	if a == nil {
		return
	}
	ctx := r.Context()
	id := h.svc.Base().Outbox(a.Username)
	vis := []string{storage.VisibilityPublic}
	maxID, paged := pageParam(r)
	if !paged {
		n, err := h.countPublic(r, a.ID)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		h.writeCollection(w, r, id, n, pageURL(id, 0))
		return
	}
	list, err := h.store.AccountStatuses(ctx, a.ID, vis, storage.Page{MaxID: maxID, Limit: pageSize})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	items := make([]any, 0, len(list))
	for _, st := range list {
		if st.ReblogOfID != 0 {
			continue
		}
		// Institution- and partner-only posts are public only inside their
		// audience: the signed viewer decides.
		if ok, err := h.svc.CanSee(ctx, viewerFrom(ctx), st); err != nil || !ok {
			continue
		}
		doc, err := h.svc.CreateDocument(ctx, a, st)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		items = append(items, json.RawMessage(doc))
	}
	h.writePage(w, r, id, maxID, list, items)
}

// countPublic is the outbox size peers show as "posts"; it counts public
// posts only, so it never reveals how many private ones exist.
func (h *Handler) countPublic(r *http.Request, accountID int64) (int, error) {
	return h.store.CountAccountStatuses(r.Context(), accountID, []string{storage.VisibilityPublic})
}

func (h *Handler) writeCollection(w http.ResponseWriter, r *http.Request, id string, total int, first string) {
	body, err := activitypub.OrderedCollection(id, total, first)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	writeAS(w, body)
}

func (h *Handler) writePage(w http.ResponseWriter, r *http.Request, id string, maxID int64, list []*storage.Status, items []any) {
	next := ""
	if len(list) == pageSize {
		next = pageURL(id, list[len(list)-1].ID)
	}
	body, err := activitypub.OrderedCollectionPage(pageURL(id, maxID), id, next, "", items)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	writeAS(w, body)
}

func (h *Handler) followers(w http.ResponseWriter, r *http.Request) { h.follows(w, r, true) }
func (h *Handler) following(w http.ResponseWriter, r *http.Request) { h.follows(w, r, false) }

// follows serves a followers/following collection: the count for everyone,
// members only for unlocked accounts (a locked account hides its network).
func (h *Handler) follows(w http.ResponseWriter, r *http.Request, followers bool) {
	a := h.localAccount(w, r)
	if a == nil {
		return
	}
	ctx := r.Context()
	_, nFollowers, nFollowing, err := h.store.AccountCounts(ctx, a.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	id, total := h.svc.Base().Following(a.Username), nFollowing
	if followers {
		id, total = h.svc.Base().Followers(a.Username), nFollowers
	}
	maxID, paged := pageParam(r)
	if !paged || a.Locked {
		first := pageURL(id, 0)
		if a.Locked {
			first = ""
		}
		h.writeCollection(w, r, id, total, first)
		return
	}
	var list []*storage.Follow
	if followers {
		list, err = h.store.Followers(ctx, a.ID, storage.FollowAccepted, storage.Page{MaxID: maxID, Limit: pageSize})
	} else {
		list, err = h.store.Following(ctx, a.ID, storage.FollowAccepted, storage.Page{MaxID: maxID, Limit: pageSize})
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	ids := make([]int64, 0, len(list))
	for _, f := range list {
		if followers {
			ids = append(ids, f.AccountID)
		} else {
			ids = append(ids, f.TargetAccountID)
		}
	}
	accts, err := h.store.AccountsByID(ctx, ids)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	items := make([]any, 0, len(ids))
	for _, id := range ids {
		if acct, ok := accts[id]; ok {
			items = append(items, acct.URI)
		}
	}
	next := ""
	if len(list) == pageSize {
		next = pageURL(id, list[len(list)-1].ID)
	}
	body, err := activitypub.OrderedCollectionPage(pageURL(id, maxID), id, next, "", items)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	writeAS(w, body)
}

// visibleLocalStatus loads {username}/statuses/{id} if the (signed) viewer may see it.
func (h *Handler) visibleLocalStatus(w http.ResponseWriter, r *http.Request) (*storage.Account, *storage.Status) {
	a := h.localAccount(w, r)
	if a == nil {
		return nil, nil
	}
	id, _ := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	st, err := h.store.Status(r.Context(), id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (st.AccountID != a.ID || st.ReblogOfID != 0)) {
		httpx.WriteError(w, http.StatusNotFound, "not found")
		return nil, nil
	}
	if err != nil {
		h.serverError(w, r, err)
		return nil, nil
	}
	ok, err := h.svc.CanSee(r.Context(), viewerFrom(r.Context()), st)
	if err != nil {
		h.serverError(w, r, err)
		return nil, nil
	}
	if !ok {
		// Not 403: whether a private post exists is itself private.
		httpx.WriteError(w, http.StatusNotFound, "not found")
		return nil, nil
	}
	return a, st
}

func (h *Handler) note(w http.ResponseWriter, r *http.Request) {
	a, st := h.visibleLocalStatus(w, r)
	if st == nil {
		return
	}
	body, err := h.svc.NoteDocument(r.Context(), a, st)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	writeAS(w, body)
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	a, st := h.visibleLocalStatus(w, r)
	if st == nil {
		return
	}
	body, err := h.svc.CreateDocument(r.Context(), a, st)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	writeAS(w, body)
}

// replies lists the ids of the public and unlisted direct replies to a status.
func (h *Handler) replies(w http.ResponseWriter, r *http.Request) {
	a, st := h.visibleLocalStatus(w, r)
	if st == nil {
		return
	}
	list, err := h.store.Replies(r.Context(), st.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	items := []any{}
	for _, rep := range list {
		if rep.Visibility == storage.VisibilityPublic || rep.Visibility == storage.VisibilityUnlisted {
			items = append(items, rep.URI)
		}
	}
	id := h.svc.Base().StatusReplies(a.Username, st.ID)
	body, err := activitypub.OrderedCollectionPage(id+"?page=true", id, "", "", items)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	writeAS(w, body)
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

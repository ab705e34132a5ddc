package pages

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/storage"
)

// pageSize is how many posts a list page shows.
const pageSize = 20

// maxThread bounds how far a thread is walked in each direction.
const maxThread = 100

type aboutData struct {
	Instance Instance
	Partners []string
	Members  int
}

// about is the instance's home and about page.
func (h *Handler) about(w http.ResponseWriter, r *http.Request) {
	n, err := h.store.CountLocalAccounts(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.Render(w, r, "about", Page{Title: "About", Description: h.opt.Instance.Description, Index: true,
		URL:       h.base.Origin + "/about",
		Alternate: h.base.Actor(storage.InstanceActorUsername), Data: aboutData{Instance: h.opt.Instance, Partners: h.opt.Partners, Members: n}})
}

// localAccount loads the route's {username}; it answers the request itself
// (404, 410) and returns nil when there is no live local account.
func (h *Handler) localAccount(w http.ResponseWriter, r *http.Request) *storage.Account {
	name := mux.Vars(r)["username"]
	a, err := h.store.AccountByUsername(r.Context(), name, "")
	if errors.Is(err, storage.ErrNotFound) || name == storage.InstanceActorUsername {
		h.notFound(w, r)
		return nil
	}
	if err != nil {
		h.serverError(w, r, err)
		return nil
	}
	if a.Suspended() || !a.DeletedAt.IsZero() {
		h.Error(w, r, http.StatusGone, "Account gone", "This account is no longer available.")
		return nil
	}
	return a
}

type profileData struct {
	Account accountView
	Posts   []statusView
	Next    string
}

// profile is an account's page: its public posts, newest first, paged by
// ?max_id. Unlisted posts stay off the list, as on Mastodon.
func (h *Handler) profile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := h.localAccount(w, r)
	if a == nil {
		return
	}
	maxID, _ := strconv.ParseInt(r.URL.Query().Get("max_id"), 10, 64)
	raw, err := h.store.AccountStatuses(ctx, a.ID, []string{storage.VisibilityPublic}, storage.Page{MaxID: maxID, Limit: pageSize})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	posts, err := h.publicList(ctx, raw)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d := profileData{Account: h.account(a), Posts: posts}
	d.Account.Statuses, d.Account.Followers, d.Account.Following, err = h.store.AccountCounts(ctx, a.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if len(raw) == pageSize {
		d.Next = h.base.Profile(a.Username) + "?max_id=" + strconv.FormatInt(raw[len(raw)-1].ID, 10)
	}
	h.Render(w, r, "profile", Page{Title: d.Account.DisplayName + " (@" + a.Username + ")",
		Description: firstLine(d.Account.Bio), Image: d.Account.Avatar, URL: h.base.Profile(a.Username),
		Alternate: a.URI, RSS: h.base.Profile(a.Username) + ".rss", Index: a.Discoverable, Data: d})
}

// publicList keeps what an anonymous visitor may see in a list: public
// posts only (not boosts, not unlisted), each checked by CanSee(nil).
func (h *Handler) publicList(ctx context.Context, raw []*storage.Status) ([]statusView, error) {
	keep := make([]*storage.Status, 0, len(raw))
	for _, st := range raw {
		if st.ReblogOfID != 0 || st.Visibility != storage.VisibilityPublic {
			continue
		}
		keep = append(keep, st)
	}
	keep, err := h.svc.VisibleFilter(ctx, nil, keep)
	if err != nil {
		return nil, err
	}
	return h.statuses(ctx, keep)
}

type statusData struct {
	Thread []statusView // ancestors, the post, descendants
}

// status is a post's page with its public thread. Only the post itself may
// be unlisted; the thread around it is what an anonymous visitor may see.
func (h *Handler) status(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := h.localAccount(w, r)
	if a == nil {
		return
	}
	id, _ := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	st, err := h.svc.VisibleStatus(ctx, nil, id)
	var nf *federation.NotFoundError
	if errors.As(err, &nf) || (err == nil && (st.AccountID != a.ID || st.ReblogOfID != 0)) {
		h.notFound(w, r)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	thread, err := h.thread(ctx, st)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	views, err := h.statuses(ctx, thread)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for i := range views {
		views[i].Current = views[i].ID == st.ID
	}
	title := h.account(a).DisplayName + ": " + firstLine(plain(st.Content))
	h.Render(w, r, "status", Page{Title: title, Description: firstLine(plain(st.Content)), Image: h.account(a).Avatar,
		URL: h.base.StatusPage(a.Username, st.ID), Alternate: st.URI,
		Index: a.Discoverable && st.Visibility == storage.VisibilityPublic, Data: statusData{Thread: views}})
}

// thread returns st's visible ancestors (oldest first), st, and its visible
// descendants in reply order. The walk up stops at the first post the
// visitor may not see, so a hidden post's own parent does not show either.
func (h *Handler) thread(ctx context.Context, st *storage.Status) ([]*storage.Status, error) {
	var up []*storage.Status
	for cur := st; cur.InReplyToID != 0 && len(up) < maxThread; {
		p, err := h.store.Status(ctx, cur.InReplyToID)
		if errors.Is(err, storage.ErrNotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		if ok, err := h.svc.CanSee(ctx, nil, p); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			break
		}
		up = append([]*storage.Status{p}, up...)
		cur = p
	}
	out := append(up, st)
	return h.descendants(ctx, out, st.ID)
}

// descendants appends the visible replies below id, depth first; replies
// to a hidden reply are left out with it.
func (h *Handler) descendants(ctx context.Context, out []*storage.Status, id int64) ([]*storage.Status, error) {
	replies, err := h.store.Replies(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, rp := range replies {
		if len(out) >= 2*maxThread {
			break
		}
		if ok, err := h.svc.CanSee(ctx, nil, rp); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		if out, err = h.descendants(ctx, append(out, rp), rp.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

type tagData struct {
	Tag   string
	Posts []statusView
	Next  string
}

// tag lists public posts carrying a hashtag.
func (h *Handler) tag(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := strings.ToLower(strings.TrimPrefix(mux.Vars(r)["tag"], "#"))
	maxID, _ := strconv.ParseInt(r.URL.Query().Get("max_id"), 10, 64)
	raw, err := h.store.TagTimeline(ctx, []string{name}, false, false, storage.Page{MaxID: maxID, Limit: pageSize})
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	posts, err := h.publicList(ctx, raw)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	d := tagData{Tag: name, Posts: posts}
	if len(raw) == pageSize {
		d.Next = h.base.Tag(name) + "?max_id=" + strconv.FormatInt(raw[len(raw)-1].ID, 10)
	}
	h.Render(w, r, "tag", Page{Title: "#" + name, Description: "Public posts tagged #" + name,
		URL: h.base.Tag(name), RSS: h.base.Tag(name) + ".rss", Data: d})
}

// firstLine shortens text for titles and descriptions.
func firstLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 140 {
		return string(r[:139]) + "…"
	}
	return s
}

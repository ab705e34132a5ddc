package mastodon

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/storage"
)

// publicTimeline is the local or federated timeline: public posts only,
// never boosts. Anonymous callers are served, as on Mastodon by default.
func (a *API) publicTimeline(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page := pageFrom(p, 20, 40)
	rows, err := a.store.Public(r.Context(), p.boolean("local"), p.boolean("remote"), page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeTimeline(w, r, p, page.Limit, rows, nil)
}

// tagName is what a hashtag may be made of (federation's hashtag rule).
var tagName = regexp.MustCompile(`^[\p{L}\p{N}_]{1,64}$`)

// tagTimeline lists public posts tagged with the {hashtag} or any of any[];
// all[] and none[] narrow the page further. An unusable tag name matches
// nothing, like an unknown tag: Mastodon answers both with [].
func (a *API) tagTimeline(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	tags := cleanTags(append([]string{mux.Vars(r)["hashtag"]}, p.list("any")...))
	if len(tags) == 0 {
		emptyList(w, r)
		return
	}
	page := pageFrom(p, 20, 40)
	rows, err := a.store.TagTimeline(r.Context(), tags, p.boolean("local"), p.boolean("remote"), page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	all, none := cleanTags(p.list("all")), cleanTags(p.list("none"))
	keep := func(st *storage.Status) bool {
		for _, t := range all {
			if !slices.Contains(st.Tags, t) {
				return false
			}
		}
		return !slices.ContainsFunc(none, func(t string) bool { return slices.Contains(st.Tags, t) })
	}
	a.writeTimeline(w, r, p, page.Limit, rows, keep)
}

// cleanTags lowercases names, drops a leading '#', and leaves out names no
// post could carry.
func cleanTags(names []string) []string {
	out := []string{}
	for _, n := range names {
		n = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(n), "#"))
		if tagName.MatchString(n) && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// listTimeline shows posts by the members of one of the caller's lists. A
// list of someone else's is answered as unknown.
func (a *API) listTimeline(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerAccount(r.Context())
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	id, ok := pathID(r)
	if !ok {
		notFound(w)
		return
	}
	list, err := a.store.List(ctx, id)
	if err == nil && list.AccountID != me.ID {
		err = storage.ErrNotFound
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	members, err := a.store.ListAccountIDs(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page := pageFrom(p, 20, 40)
	rows, err := a.store.AccountsTimeline(ctx, members, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeTimeline(w, r, p, page.Limit, rows, nil)
}

// writeTimeline answers a page of a timeline: rows keep (if set) rejects,
// rows by accounts the caller muted, and with only_media rows without
// media are left out before the visibility check; the Link cursors still
// come from every raw row.
func (a *API) writeTimeline(w http.ResponseWriter, r *http.Request, p params, limit int, rows []*storage.Status, keep func(*storage.Status) bool) {
	ctx := r.Context()
	muted, err := a.mutedBy(ctx, viewerAccount(ctx))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	onlyMedia := p.boolean("only_media")
	list := make([]*storage.Status, 0, len(rows))
	for _, st := range rows {
		if slices.Contains(muted, st.AccountID) || (keep != nil && !keep(st)) {
			continue
		}
		if onlyMedia {
			media, err := a.statusMedia(ctx, st)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			if len(media) == 0 {
				continue
			}
		}
		list = append(list, st)
	}
	a.writeStatuses(w, r, p, limit, list, statusIDs(rows))
}

// mutedBy lists whom viewer muted (none for anonymous callers).
func (a *API) mutedBy(ctx context.Context, viewer *storage.Account) ([]int64, error) {
	if viewer == nil {
		return nil, nil
	}
	return a.store.MutedAccountIDs(ctx, viewer.ID, time.Now(), false)
}

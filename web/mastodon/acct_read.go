package mastodon

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// lookupAccount finds user or user@host among accounts known here. Like
// Mastodon's, it never fetches from the network: clients use search with
// resolve=true for that.
func (a *API) lookupAccount(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	user, host, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(p.get("acct")), "@"), "@")
	if strings.EqualFold(host, a.base.Host()) {
		host = ""
	}
	if user == "" {
		notFound(w)
		return
	}
	acct, err := a.store.AccountByUsername(r.Context(), user, host)
	if err != nil || !listable(acct) {
		a.fail(w, r, storage.ErrNotFound)
		return
	}
	out, err := a.account(r.Context(), acct)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// accountStatuses lists a profile's posts that the viewer may see. The
// store narrows by visibility and the filters; CanSee then decides each row
// (followers-only posts, mentions, boosts of hidden posts). The Link
// cursors come from the raw rows so a filtered-out page does not end paging.
func (a *API) accountStatuses(w http.ResponseWriter, r *http.Request) {
	ctx, viewer := r.Context(), viewerAccount(r.Context())
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	target, err := a.pathAccount(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// Rounds has no pinned posts yet: Elk and Phanpy ask on every profile
	// load and would show every post as pinned if this were ignored.
	if p.boolean("pinned") {
		emptyList(w, r)
		return
	}
	vis, err := a.profileVisibilities(ctx, viewer, target)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page := pageFrom(p, 20, 40)
	f := storage.ProfileFilter{Visibilities: vis, ExcludeReplies: p.boolean("exclude_replies"),
		ExcludeReblogs: p.boolean("exclude_reblogs"), Tagged: p.get("tagged")}
	rows, err := a.store.ProfileStatuses(ctx, target.ID, f, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.visibleStatuses(ctx, viewer, rows, p.boolean("only_media"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.setLink(w, r, p, page.Limit, statusIDs(rows))
	httpx.WriteJSON(w, http.StatusOK, out)
}

// profileVisibilities is what the store may return for viewer on target's
// profile: everything to its owner, public and unlisted to anonymous
// callers, nothing across a block, and for anyone else every visibility,
// left to CanSee (a follower sees private posts; a mentioned account may
// see a private or direct one).
func (a *API) profileVisibilities(ctx context.Context, viewer, target *storage.Account) ([]string, error) {
	all := []string{storage.VisibilityPublic, storage.VisibilityUnlisted, storage.VisibilityPrivate, storage.VisibilityDirect}
	switch {
	case viewer == nil:
		return all[:2], nil
	case viewer.ID == target.ID:
		return all, nil
	}
	rel, err := a.svc.RelationshipWith(ctx, viewer.ID, target.ID)
	if err != nil || rel.Blocking || rel.BlockedBy {
		return nil, err
	}
	return all, nil
}

// visibleStatuses renders the rows viewer may see. only_media is applied
// after rendering because attachments are the media code's to load.
func (a *API) visibleStatuses(ctx context.Context, viewer *storage.Account, rows []*storage.Status, onlyMedia bool) ([]*statusJSON, error) {
	visible, err := a.svc.VisibleFilter(ctx, viewer, rows)
	if err != nil {
		return nil, err
	}
	out, err := a.renderer(viewer).statusList(ctx, visible)
	if err != nil || !onlyMedia {
		return out, err
	}
	kept := []*statusJSON{}
	for _, s := range out {
		if len(s.MediaAttachments) > 0 || s.Reblog != nil && len(s.Reblog.MediaAttachments) > 0 {
			kept = append(kept, s)
		}
	}
	return kept, nil
}

// followList serves /followers (followers true) and /following. The
// cursors are follow-row ids, so clients must page by the Link header. A
// locked account's lists are shown to its owner only.
func (a *API) followList(followers bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, viewer := r.Context(), viewerAccount(r.Context())
		p, err := readParams(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		target, err := a.pathAccount(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if target.Locked && (viewer == nil || viewer.ID != target.ID) {
			emptyList(w, r)
			return
		}
		page := pageFrom(p, 40, 80)
		list := a.store.Following
		if followers {
			list = a.store.Followers
		}
		rows, err := list(ctx, target.ID, storage.FollowAccepted, page)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		rowIDs, acctIDs := make([]int64, len(rows)), make([]int64, len(rows))
		for i, f := range rows {
			rowIDs[i], acctIDs[i] = f.ID, f.TargetAccountID
			if followers {
				acctIDs[i] = f.AccountID
			}
		}
		a.writeAccounts(w, r, viewer, acctIDs, p, page.Limit, rowIDs)
	}
}

// writeAccounts renders accounts in order, leaving out those nobody should
// see listed, with a Link header from the row cursors.
func (a *API) writeAccounts(w http.ResponseWriter, r *http.Request, viewer *storage.Account, ids []int64, p params, limit int, cursors []int64) {
	out, err := a.accountList(r.Context(), viewer, ids)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.setLink(w, r, p, limit, cursors)
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) accountList(ctx context.Context, viewer *storage.Account, ids []int64) ([]*accountJSON, error) {
	rd := a.renderer(viewer)
	if err := rd.loadAccounts(ctx, ids); err != nil {
		return nil, err
	}
	out := []*accountJSON{}
	for _, id := range ids {
		if acct := rd.accounts[id]; acct == nil || !listable(acct) {
			continue
		}
		e, err := rd.account(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// searchAccounts is the account half of v2 search: an address or URL is
// resolved (fetched only with resolve=true), anything else matched against
// known accounts. following=true keeps only accounts the viewer follows.
func (a *API) searchAccounts(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	offset, _ := strconv.Atoi(p.get("offset"))
	q := searchQuery{q: strings.TrimSpace(p.get("q")), resolve: p.boolean("resolve"), limit: p.limit(40, 80), offset: max(offset, 0)}
	if q.q == "" {
		emptyList(w, r)
		return
	}
	found, err := a.findAccounts(ctx, q)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ids := []int64{}
	for _, acct := range found {
		if len(ids) == q.limit {
			break
		}
		if p.boolean("following") && !a.follows(ctx, me.ID, acct.ID) {
			continue
		}
		ids = append(ids, acct.ID)
	}
	out, err := a.accountList(ctx, me, ids)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// follows reports whether me has an accepted follow of other; a failed
// lookup counts as no, which only narrows a search.
func (a *API) follows(ctx context.Context, me, other int64) bool {
	f, err := a.store.Follow(ctx, me, other)
	return err == nil && f.State == storage.FollowAccepted
}

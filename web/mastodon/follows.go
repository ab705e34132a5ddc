package mastodon

import (
	"context"
	"net/http"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// relationshipJSON is the Relationship entity (research §7.8): Tusky
// requires every boolean, so the ones Rounds does not track are sent false.
type relationshipJSON struct {
	ID                  string `json:"id"`
	Following           bool   `json:"following"`
	ShowingReblogs      bool   `json:"showing_reblogs"`
	Notifying           bool   `json:"notifying"`
	Languages           any    `json:"languages"`
	FollowedBy          bool   `json:"followed_by"`
	Blocking            bool   `json:"blocking"`
	BlockedBy           bool   `json:"blocked_by"`
	Muting              bool   `json:"muting"`
	MutingNotifications bool   `json:"muting_notifications"`
	MutingExpiresAt     any    `json:"muting_expires_at"`
	Requested           bool   `json:"requested"`
	RequestedBy         bool   `json:"requested_by"`
	DomainBlocking      bool   `json:"domain_blocking"`
	Endorsed            bool   `json:"endorsed"`
	Note                string `json:"note"`
}

func (a *API) relationship(ctx context.Context, me, other int64) (*relationshipJSON, error) {
	rel, err := a.svc.RelationshipWith(ctx, me, other)
	if err != nil {
		return nil, err
	}
	muting, notifications, expires, err := a.svc.MuteState(ctx, me, other)
	if err != nil {
		return nil, err
	}
	return &relationshipJSON{ID: storage.FormatID(other), Following: rel.Following, ShowingReblogs: rel.ShowingReblogs,
		Notifying: rel.Notifying, FollowedBy: rel.FollowedBy, Blocking: rel.Blocking, BlockedBy: rel.BlockedBy,
		Requested: rel.Requested, RequestedBy: rel.RequestedBy, Muting: muting, MutingNotifications: muting && notifications,
		MutingExpiresAt: tsOrNil(expires)}, nil
}

// pathAccount loads the {id} account; deleted and suspended accounts are
// answered as unknown.
func (a *API) pathAccount(r *http.Request) (*storage.Account, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, storage.ErrNotFound
	}
	acct, err := a.store.Account(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !acct.DeletedAt.IsZero() || acct.Suspended() {
		return nil, storage.ErrNotFound
	}
	return acct, nil
}

// relationshipAction adapts a federation call on (me, {id} account) into a
// handler answering with the resulting Relationship.
func (a *API) relationshipAction(act func(ctx context.Context, me, other *storage.Account) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, me := r.Context(), viewerFrom(r.Context()).Account
		other, err := a.pathAccount(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if err := act(ctx, me, other); err != nil {
			a.fail(w, r, err)
			return
		}
		rel, err := a.relationship(ctx, me.ID, other.ID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, rel)
	}
}

func (a *API) follow(ctx context.Context, me, other *storage.Account) error {
	_, err := a.svc.Follow(ctx, me, other)
	return err
}

func (a *API) answerFollowRequest(accept bool) func(context.Context, *storage.Account, *storage.Account) error {
	return func(ctx context.Context, me, follower *storage.Account) error {
		return a.svc.AnswerFollowRequest(ctx, me, follower, accept)
	}
}

// relationships answers one Relationship per known id, in the order asked;
// Elk and Phanpy batch a whole timeline's accounts into one call.
func (a *API) relationships(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ids := uniqueIDs(p.list("id"))
	known, err := a.store.AccountsByID(ctx, ids)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []*relationshipJSON{}
	for _, id := range ids {
		if known[id] == nil {
			continue // Mastodon leaves unknown ids out too
		}
		rel, err := a.relationship(ctx, me.ID, id)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		out = append(out, rel)
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// uniqueIDs parses ids, dropping malformed ones and repeats.
func uniqueIDs(raw []string) []int64 {
	seen := map[int64]bool{}
	out := []int64{}
	for _, s := range raw {
		if id := cursor(s); id != 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// followRequests lists accounts waiting for the viewer's approval. The
// Link cursors are follow-row ids, not account ids (research §4).
func (a *API) followRequests(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page := pageFrom(p, 40, 80)
	rows, err := a.store.Followers(ctx, me.ID, storage.FollowPending, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.followAccounts(ctx, me, rows)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ids := make([]int64, len(rows))
	for i, f := range rows {
		ids[i] = f.ID
	}
	a.setLink(w, r, p, page.Limit, ids)
	httpx.WriteJSON(w, http.StatusOK, out)
}

// followAccounts renders the requesting account of each follow row.
func (a *API) followAccounts(ctx context.Context, me *storage.Account, rows []*storage.Follow) ([]*accountJSON, error) {
	rd := a.renderer(me)
	ids := make([]int64, len(rows))
	for i, f := range rows {
		ids[i] = f.AccountID
	}
	if err := rd.loadAccounts(ctx, ids); err != nil {
		return nil, err
	}
	out := []*accountJSON{}
	for _, id := range ids {
		e, err := rd.account(ctx, id)
		if err != nil {
			return nil, err
		}
		if e != nil {
			out = append(out, e)
		}
	}
	return out, nil
}

package mastodon

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// fullRelationship is the Relationship entity with the mute state filled
// in; follows.go's relationship leaves muting false.
func (a *API) fullRelationship(ctx context.Context, me, other int64) (*relationshipJSON, error) {
	return a.relationship(ctx, me, other)
}

// acctAction adapts a federation call on (me, {id} account) into a handler
// answering with the resulting Relationship, mutes included.
func (a *API) acctAction(act func(ctx context.Context, me, other *storage.Account) error) http.HandlerFunc {
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
		rel, err := a.fullRelationship(ctx, me.ID, other.ID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		httpx.WriteJSON(w, http.StatusOK, rel)
	}
}

// mute reads notifications (default true, as in Mastodon) and duration
// (seconds, 0 for indefinitely) and mutes the {id} account.
func (a *API) mute(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	notifications := !p.has("notifications") || p.boolean("notifications")
	var duration time.Duration
	if s := strings.TrimSpace(p.get("duration")); s != "" {
		secs, err := strconv.ParseInt(s, 10, 64)
		if err != nil || secs < 0 || secs > 10*365*24*3600 {
			a.fail(w, r, &paramError{"Validation failed: duration must be a number of seconds"})
			return
		}
		duration = time.Duration(secs) * time.Second
	}
	a.acctAction(func(ctx context.Context, me, other *storage.Account) error {
		return a.svc.Mute(ctx, me, other, notifications, duration)
	})(w, r)
}

// blockList lists the accounts the viewer blocks, paged by block row.
func (a *API) blockList(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page := pageFrom(p, 40, 80)
	rows, err := a.store.Blocks(ctx, me.ID, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rowIDs, acctIDs := make([]int64, len(rows)), make([]int64, len(rows))
	for i, b := range rows {
		rowIDs[i], acctIDs[i] = b.ID, b.TargetAccountID
	}
	a.writeAccounts(w, r, me, acctIDs, p, page.Limit, rowIDs)
}

// mutedAccountJSON is an Account with mute_expires_at, the one place
// Mastodon sends that key (research §7.1).
type mutedAccountJSON struct {
	*accountJSON
	MuteExpiresAt any `json:"mute_expires_at"`
}

// muteList lists the accounts the viewer mutes, paged by mute row.
func (a *API) muteList(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page := pageFrom(p, 40, 80)
	rows, err := a.store.Mutes(ctx, me.ID, time.Now(), page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rd := a.renderer(me)
	out := []mutedAccountJSON{}
	rowIDs := make([]int64, len(rows))
	for i, m := range rows {
		rowIDs[i] = m.ID
		e, err := rd.account(ctx, m.TargetAccountID)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if e != nil {
			out = append(out, mutedAccountJSON{accountJSON: e, MuteExpiresAt: tsOrNil(m.ExpiresAt)})
		}
	}
	a.setLink(w, r, p, page.Limit, rowIDs)
	httpx.WriteJSON(w, http.StatusOK, out)
}

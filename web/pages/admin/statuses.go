package admin

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
)

type statusData struct {
	base
	Status   *storage.Status
	Author   *storage.Account
	Content  template.HTML // sanitised when stored
	Audience string
	Private  bool
}

// private reports whether reading st is staff access to a non-public post.
func private(st *storage.Status) bool {
	return st.Held || st.Audience != storage.AudienceEveryone ||
		(st.Visibility != storage.VisibilityPublic && st.Visibility != storage.VisibilityUnlisted)
}

// viewStatus shows a post to a moderator reviewing a report, whatever its
// visibility; reading a non-public (or held) post is audited.
func (c *Console) viewStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	st, err := c.store.Status(ctx, id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	author, err := c.store.Account(ctx, st.AccountID)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := statusData{base: c.base(r, "reports"), Status: st, Author: author, Content: template.HTML(st.Content),
		Audience: federation.AudienceName(st.Audience), Private: private(st)}
	if d.Private {
		if err := audit.Record(ctx, c.store, c.entry(r, audit.StaffViewPrivate, storage.FormatID(st.ID),
			map[string]any{"visibility": st.Visibility, "audience": d.Audience, "held": st.Held})); err != nil {
			c.fail(w, r, err)
			return
		}
	}
	c.render(w, r, "admin_status", "Post "+storage.FormatID(st.ID), 0, d)
}

// releaseStatus lets a post the PHI guard held reach timelines.
func (c *Console) releaseStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	st, err := c.svc.ReleaseHeld(ctx, id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if err := audit.Record(ctx, c.store, c.entry(r, audit.StatusRelease, storage.FormatID(st.ID), nil)); err != nil {
		c.fail(w, r, err)
		return
	}
	done(w, r, "/admin/statuses/"+storage.FormatID(st.ID), "released")
}

// deleteStatus removes a post: a local one everywhere its ledger reached
// (a retraction), a remote one from this instance.
func (c *Console) deleteStatus(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	st, err := c.store.Status(ctx, id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if st.Local {
		_, err = c.svc.Retract(ctx, id)
	} else {
		err = c.store.DeleteStatus(ctx, id)
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if err := audit.Record(ctx, c.store, c.entry(r, audit.StatusRetract, storage.FormatID(id),
		map[string]any{"local": st.Local, "reason": "moderator"})); err != nil {
		c.fail(w, r, err)
		return
	}
	done(w, r, "/admin/reports", "deleted")
}

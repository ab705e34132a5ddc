package admin

import (
	"net/http"
	"strings"

	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
)

// auditPageSize is how many entries the audit page shows.
const auditPageSize = 200

type auditData struct {
	base
	Action, Actor string
	Actions       []string
	Entries       []*storage.AuditEntry
	Verified      *audit.Report
}

func (c *Console) showAudit(w http.ResponseWriter, r *http.Request, rep *audit.Report) {
	q := r.URL.Query()
	d := auditData{base: c.base(r, "audit"), Action: q.Get("action"), Actor: strings.TrimSpace(q.Get("actor")),
		Actions: audit.Actions, Verified: rep}
	list, err := audit.List(r.Context(), c.store, audit.Filter{Action: d.Action, Actor: d.Actor, Limit: auditPageSize})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Entries = list
	c.render(w, r, "admin_audit", "Audit log", 0, d)
}

// auditLog lists entries, newest first, filtered by action and actor.
func (c *Console) auditLog(w http.ResponseWriter, r *http.Request) { c.showAudit(w, r, nil) }

// verifyAudit walks the whole chain and shows the verdict. It changes
// nothing, so it is not itself recorded.
func (c *Console) verifyAudit(w http.ResponseWriter, r *http.Request) {
	rep, err := audit.Verify(r.Context(), c.store)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.showAudit(w, r, &rep)
}

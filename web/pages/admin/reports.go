package admin

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
)

type reportRow struct {
	*storage.Report
	Reporter, Target *storage.Account
	ResolvedByName   string
}

type reportsData struct {
	base
	All     bool
	Reports []reportRow
}

// reports lists open reports, or all with ?all=1. Reports come from
// members' Mastodon apps (POST /api/v1/reports); Flag activities from other
// instances are not taken in yet.
func (c *Console) reports(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := reportsData{base: c.base(r, "reports"), All: r.URL.Query().Get("all") == "1"}
	list, err := c.store.Reports(ctx, d.All, 200)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	ids := []int64{}
	for _, rep := range list {
		ids = append(ids, rep.AccountID, rep.TargetID)
		if rep.ResolvedBy != 0 {
			ids = append(ids, rep.ResolvedBy)
		}
	}
	accts, err := c.store.AccountsByID(ctx, ids)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	for _, rep := range list {
		row := reportRow{Report: rep, Reporter: accts[rep.AccountID], Target: accts[rep.TargetID]}
		if a := accts[rep.ResolvedBy]; a != nil {
			row.ResolvedByName = a.Username
		}
		d.Reports = append(d.Reports, row)
	}
	c.render(w, r, "admin_reports", "Reports", 0, d)
}

func (c *Console) resolveReport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(mux.Vars(r)["id"], 10, 64)
	rep, err := c.store.Report(ctx, id)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	_, me := c.me(r)
	act, detail := audit.ReportResolve, map[string]any{"report": storage.FormatID(id)}
	target := storage.FormatID(rep.TargetID)
	if a, err := c.store.Account(ctx, rep.TargetID); err == nil {
		target = a.Username
		if a.Domain != "" {
			target += "@" + a.Domain
		}
	}
	err = c.inTx(r, act, target, detail, func(tx storage.Store) error {
		return tx.ResolveReport(ctx, id, me.ID, time.Now().UTC())
	})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	done(w, r, "/admin/reports", "resolved")
}

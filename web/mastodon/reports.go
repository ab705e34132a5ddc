package mastodon

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// reportJSON is Mastodon's Report entity.
type reportJSON struct {
	ID            string       `json:"id"`
	ActionTaken   bool         `json:"action_taken"`
	ActionTakenAt *string      `json:"action_taken_at"`
	Category      string       `json:"category"`
	Comment       string       `json:"comment"`
	Forwarded     bool         `json:"forwarded"`
	CreatedAt     string       `json:"created_at"`
	StatusIDs     []string     `json:"status_ids"`
	RuleIDs       []string     `json:"rule_ids"`
	TargetAccount *accountJSON `json:"target_account"`
}

// maxReportComment is Mastodon's limit on a report's comment.
const maxReportComment = 1000

// createReport files a report (account_id, status_ids[], comment, category)
// for the admin console's reports page. Reports are kept on this instance:
// forwarding to a remote account's server (a Flag activity) and inbound
// Flags are not implemented yet.
func (a *API) createReport(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	targetID, err := strconv.ParseInt(p.get("account_id"), 10, 64)
	if err != nil || targetID <= 0 {
		a.fail(w, r, &paramError{"Validation failed: account_id is missing or not an id"})
		return
	}
	target, err := a.store.Account(ctx, targetID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if target.ID == me.ID {
		a.fail(w, r, &paramError{"Validation failed: you cannot report yourself"})
		return
	}
	rep := &storage.Report{AccountID: me.ID, TargetID: target.ID, StatusIDs: []int64{},
		Comment: strings.TrimSpace(p.get("comment")), Category: storage.ReportOther, CreatedAt: time.Now().UTC()}
	if utf8.RuneCountInString(rep.Comment) > maxReportComment {
		a.fail(w, r, &paramError{"Validation failed: comment is too long (1000 characters at most)"})
		return
	}
	switch c := p.get("category"); c {
	case "":
	case storage.ReportSpam, storage.ReportLegal, storage.ReportViolation, storage.ReportOther:
		rep.Category = c
	default:
		a.fail(w, r, &paramError{"Validation failed: category must be spam, legal, violation or other"})
		return
	}
	seen := map[int64]bool{}
	for _, s := range p.list("status_ids") {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			a.fail(w, r, &paramError{"Validation failed: status_ids holds a value that is not an id"})
			return
		}
		st, err := a.store.Status(ctx, id)
		if err != nil || st.AccountID != target.ID {
			a.fail(w, r, &paramError{"Validation failed: status " + s + " is not a post of the reported account"})
			return
		}
		if !seen[id] {
			seen[id] = true
			rep.StatusIDs = append(rep.StatusIDs, id)
		}
	}
	if err := a.store.CreateReport(ctx, rep); err != nil {
		a.fail(w, r, err)
		return
	}
	acct, err := a.account(ctx, target)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := reportJSON{ID: storage.FormatID(rep.ID), Category: rep.Category, Comment: rep.Comment,
		CreatedAt: rep.CreatedAt.UTC().Format(timeFormat), StatusIDs: []string{}, RuleIDs: []string{}, TargetAccount: acct}
	for _, id := range rep.StatusIDs {
		out.StatusIDs = append(out.StatusIDs, storage.FormatID(id))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

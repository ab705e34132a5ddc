package pages

import (
	"context"
	"encoding/json"
	"html"
	"html/template"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"github.com/rounds-social/rounds/federation/credential"
	"github.com/rounds-social/rounds/storage"
)

// accountView is what a page shows of an account. Bio and field values are
// shown as plain text: only status content is trusted as HTML here.
type accountView struct {
	Username, Acct, DisplayName string
	URL, URI, Avatar, Header    string
	Bio                         string
	Fields                      []fieldView
	Badge                       string // the attested credential, "" when none is verified
	Statuses, Followers         int
	Following                   int
	Bot, Locked                 bool
}

type fieldView struct{ Name, Value string }

// statusView is one post on a page.
type statusView struct {
	ID                int64
	URL, URI          string
	Author            accountView
	Content           template.HTML // sanitised by federation when stored
	SpoilerText       string
	Sensitive, Reply  bool
	Visibility        string
	CreatedAt, Edited time.Time
	Current           bool // the post the page is about
}

var strict = bluemonday.StrictPolicy()

// plain turns stored (sanitised) HTML into text for places that are not
// status content.
func plain(s string) string { return html.UnescapeString(strict.Sanitize(s)) }

func (h *Handler) account(a *storage.Account) accountView {
	v := accountView{Username: a.Username, Acct: a.Acct(), DisplayName: a.DisplayName, URI: a.URI,
		URL: a.URL, Avatar: a.AvatarURL, Header: a.HeaderURL, Bio: plain(a.Note), Bot: a.Bot, Locked: a.Locked}
	if v.DisplayName == "" {
		v.DisplayName = a.Username
	}
	if a.Local() {
		v.URL = h.base.Profile(a.Username)
	} else if v.URL == "" {
		v.URL = a.URI
	}
	if v.Avatar == "" {
		v.Avatar = h.base.Origin + "/static/avatar.png"
	}
	if v.Header == "" {
		v.Header = h.base.Origin + "/static/header.png"
	}
	if c, err := credential.Parse(json.RawMessage(a.Credential)); err == nil && c.Revoked == nil &&
		!a.CredentialVerifiedAt.IsZero() {
		v.Badge = c.FieldValue()
	}
	for _, f := range a.Fields {
		// A field claiming the credential's name is shown only as the
		// verified badge: on a public page a self-typed "Verified
		// clinician" row would read as an attestation.
		if f.Name == credential.FieldName {
			continue
		}
		v.Fields = append(v.Fields, fieldView{Name: plain(f.Name), Value: plain(f.Value)})
	}
	return v
}

// statuses builds views of list (already filtered by CanSee), loading the
// authors in one query.
func (h *Handler) statuses(ctx context.Context, list []*storage.Status) ([]statusView, error) {
	ids := make([]int64, 0, len(list))
	for _, st := range list {
		ids = append(ids, st.AccountID)
	}
	authors, err := h.store.AccountsByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]statusView, 0, len(list))
	for _, st := range list {
		a := authors[st.AccountID]
		if a == nil {
			continue
		}
		out = append(out, h.statusView(st, a))
	}
	return out, nil
}

func (h *Handler) statusView(st *storage.Status, a *storage.Account) statusView {
	v := statusView{ID: st.ID, URI: st.URI, URL: st.URL, Author: h.account(a), Content: template.HTML(st.Content),
		SpoilerText: st.SpoilerText, Sensitive: st.Sensitive, Reply: st.InReplyToID != 0 || st.InReplyToURI != "",
		Visibility: st.Visibility, CreatedAt: st.CreatedAt, Edited: st.EditedAt}
	if a.Local() {
		v.URL = h.base.StatusPage(a.Username, st.ID)
	} else if v.URL == "" {
		v.URL = st.URI
	}
	return v
}

package mastodon

import (
	"context"
	"encoding/json"
	"html"
	"time"

	"github.com/rounds-social/rounds/federation/credential"
	"github.com/rounds-social/rounds/storage"
)

// Timestamps exactly as Mastodon writes them; some clients parse nothing else.
const timeFormat = "2006-01-02T15:04:05.000Z"

func ts(t time.Time) string { return t.UTC().Format(timeFormat) }

func tsOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

func idOrNil(id int64) any {
	if id == 0 {
		return nil
	}
	return storage.FormatID(id)
}

type fieldJSON struct {
	Name       string `json:"name"`
	Value      string `json:"value"`
	VerifiedAt any    `json:"verified_at"`
}

type accountJSON struct {
	ID             string      `json:"id"`
	Username       string      `json:"username"`
	Acct           string      `json:"acct"`
	DisplayName    string      `json:"display_name"`
	Locked         bool        `json:"locked"`
	Bot            bool        `json:"bot"`
	Discoverable   bool        `json:"discoverable"`
	Indexable      bool        `json:"indexable"`
	Group          bool        `json:"group"`
	CreatedAt      string      `json:"created_at"`
	Note           string      `json:"note"`
	URL            string      `json:"url"`
	URI            string      `json:"uri"`
	Avatar         string      `json:"avatar"`
	AvatarStatic   string      `json:"avatar_static"`
	Header         string      `json:"header"`
	HeaderStatic   string      `json:"header_static"`
	FollowersCount int         `json:"followers_count"`
	FollowingCount int         `json:"following_count"`
	StatusesCount  int         `json:"statuses_count"`
	LastStatusAt   any         `json:"last_status_at"`
	HideCollection any         `json:"hide_collections"`
	Emojis         []any       `json:"emojis"`
	Fields         []fieldJSON `json:"fields"`
	Roles          []any       `json:"roles"`
	Source         any         `json:"source,omitempty"`
	Role           any         `json:"role,omitempty"`
}

func (a *API) avatarURL(acct *storage.Account) string {
	if acct.AvatarURL != "" {
		return acct.AvatarURL
	}
	return a.base.Origin + "/static/avatar.png"
}

func (a *API) headerURL(acct *storage.Account) string {
	if acct.HeaderURL != "" {
		return acct.HeaderURL
	}
	return a.base.Origin + "/static/header.png"
}

// account renders the Account entity, with counts.
func (a *API) account(ctx context.Context, acct *storage.Account) (*accountJSON, error) {
	statuses, followers, following, err := a.store.AccountCounts(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	last, err := a.store.LastStatusAt(ctx, acct.ID)
	if err != nil {
		return nil, err
	}
	var lastAt any
	if !last.IsZero() {
		lastAt = last.Format("2006-01-02")
	}
	fields := accountFields(acct)
	url := acct.URL
	if url == "" {
		url = acct.URI
	}
	return &accountJSON{
		ID: storage.FormatID(acct.ID), Username: acct.Username, Acct: acct.Acct(), DisplayName: acct.DisplayName,
		Locked: acct.Locked, Bot: acct.Bot, Discoverable: acct.Discoverable, CreatedAt: ts(acct.CreatedAt),
		Note: acct.Note, URL: url, URI: acct.URI,
		Avatar: a.avatarURL(acct), AvatarStatic: a.avatarURL(acct), Header: a.headerURL(acct), HeaderStatic: a.headerURL(acct),
		FollowersCount: followers, FollowingCount: following, StatusesCount: statuses, LastStatusAt: lastAt,
		Emojis: []any{}, Fields: fields, Roles: []any{},
	}, nil
}

// accountFields renders profile fields. A verified clinician credential
// replaces any field of the same name with the attested text and a
// verified_at, which apps draw as a check mark; an unverified (forged,
// altered, revoked or foreign) claim stays as the plain field it was.
func accountFields(acct *storage.Account) []fieldJSON {
	c, err := credential.Parse(json.RawMessage(acct.Credential))
	verified := err == nil && c.Revoked == nil && !acct.CredentialVerifiedAt.IsZero()
	out := make([]fieldJSON, 0, len(acct.Fields)+1)
	for _, f := range acct.Fields {
		if verified && f.Name == credential.FieldName {
			continue
		}
		out = append(out, fieldJSON{Name: f.Name, Value: f.Value, VerifiedAt: tsOrNil(f.VerifiedAt)})
	}
	if verified {
		out = append(out, fieldJSON{Name: credential.FieldName, Value: html.EscapeString(c.FieldValue()), VerifiedAt: ts(acct.CredentialVerifiedAt)})
	}
	return out
}

package federation

import (
	"context"
	"fmt"
	"html"
	"strings"
	"unicode/utf8"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/federation/phi"
	"github.com/rounds-social/rounds/storage"
)

// Profile limits, as GET /api/v2/instance advertises them to clients.
const (
	MaxDisplayName    = 30
	MaxNote           = 500
	MaxProfileFields  = 4
	MaxFieldNameLen   = 255
	MaxFieldValueLen  = 255
	maxLanguageLength = 8
)

// ProfileUpdate is the whole editable profile. Callers start from
// ProfileOf(current) and change what the client sent, so no field needs a
// "was it given" pointer.
type ProfileUpdate struct {
	DisplayName  string
	Note         string // plain text; rendered to HTML here
	Locked       bool
	Bot          bool
	Discoverable bool
	Fields       []storage.Field // plain-text names and values
	Privacy      string          // default post visibility
	Sensitive    bool
	Language     string
}

// ProfileOf is the current profile of an account with its preferences.
func ProfileOf(a *storage.Account, p *storage.AccountPrefs) ProfileUpdate {
	return ProfileUpdate{
		DisplayName: a.DisplayName, Note: p.NoteText, Locked: a.Locked, Bot: a.Bot, Discoverable: a.Discoverable,
		Fields: append([]storage.Field{}, p.Fields...), Privacy: p.Privacy, Sensitive: p.Sensitive, Language: p.Language,
	}
}

func (u *ProfileUpdate) validate() error {
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	if utf8.RuneCountInString(u.DisplayName) > MaxDisplayName {
		return inputErr("Validation failed: Display name is too long (maximum is %d characters)", MaxDisplayName)
	}
	if utf8.RuneCountInString(u.Note) > MaxNote {
		return inputErr("Validation failed: Note is too long (maximum is %d characters)", MaxNote)
	}
	if len(u.Fields) > MaxProfileFields {
		return inputErr("Validation failed: Fields is too long (maximum is %d fields)", MaxProfileFields)
	}
	for _, f := range u.Fields {
		if utf8.RuneCountInString(f.Name) > MaxFieldNameLen || utf8.RuneCountInString(f.Value) > MaxFieldValueLen {
			return inputErr("Validation failed: Fields are too long (maximum is %d characters)", MaxFieldValueLen)
		}
	}
	switch u.Privacy {
	case storage.VisibilityPublic, storage.VisibilityUnlisted, storage.VisibilityPrivate:
	default:
		return inputErr("Validation failed: Source privacy %q is not one of public, unlisted, private", u.Privacy)
	}
	u.Language = strings.ToLower(strings.TrimSpace(u.Language))
	if len(u.Language) > maxLanguageLength || strings.ContainsFunc(u.Language, func(r rune) bool { return (r < 'a' || r > 'z') && r != '-' }) {
		return inputErr("Validation failed: Source language %q is not a language code", u.Language)
	}
	return nil
}

// cleanFields drops rows with neither a name nor a value: the edit forms of
// clients send all four rows, blank ones included.
func cleanFields(in []storage.Field) []storage.Field {
	out := []storage.Field{}
	for _, f := range in {
		f.Name, f.Value = strings.TrimSpace(f.Name), strings.TrimSpace(f.Value)
		if f.Name != "" || f.Value != "" {
			out = append(out, storage.Field{Name: f.Name, Value: f.Value})
		}
	}
	return out
}

// UpdateProfile saves me's new profile and preferences and sends an
// Update of the actor to every server with a follower of me, so remote
// copies of the profile change too.
func (s *Service) UpdateProfile(ctx context.Context, me *storage.Account, u ProfileUpdate) (*storage.Account, *storage.AccountPrefs, error) {
	u.Fields = cleanFields(u.Fields)
	if err := u.validate(); err != nil {
		return nil, nil, err
	}
	texts := []string{u.DisplayName, u.Note}
	for _, f := range u.Fields {
		texts = append(texts, f.Name, f.Value)
	}
	// A profile is public to the fediverse.
	if err := s.screen(ctx, me, phi.Public, texts...); err != nil {
		return nil, nil, err
	}
	acct := *me
	acct.DisplayName, acct.Locked, acct.Bot, acct.Discoverable = u.DisplayName, u.Locked, u.Bot, u.Discoverable
	acct.Note = s.renderNote(ctx, u.Note)
	acct.Fields = renderFields(u.Fields, acct.Fields)
	prefs := &storage.AccountPrefs{AccountID: me.ID, Privacy: u.Privacy, Sensitive: u.Sensitive, Language: u.Language,
		NoteText: strings.TrimSpace(u.Note), Fields: u.Fields}
	err := s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.UpdateAccount(ctx, &acct); err != nil {
			return err
		}
		if err := tx.PutAccountPrefs(ctx, prefs); err != nil {
			return err
		}
		return s.deliverProfile(ctx, tx, &acct)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("update profile of %s: %w", me.Username, err)
	}
	s.notify()
	return &acct, prefs, nil
}

// deliverProfile queues Update{Person} to the followers' servers.
func (s *Service) deliverProfile(ctx context.Context, tx storage.Store, acct *storage.Account) error {
	inboxes, err := tx.FollowerInboxes(ctx, acct.ID)
	if err != nil || len(inboxes) == 0 {
		return err
	}
	doc, err := activitypub.ActorDocument(acct, s.base)
	if err != nil {
		return err
	}
	id := s.base.Activity(acct.Username, storage.NewID())
	body, err := activitypub.Update(id, acct.URI, doc)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, tx, acct, id, body, inboxes, 0)
}

// renderNote turns a plain-text bio into sanitised HTML, linking mentions
// of accounts already known here (a bio edit never fetches from the network).
func (s *Service) renderNote(ctx context.Context, text string) string {
	if strings.TrimSpace(text) == "" {
		return ""
	}
	link := func(acct string) string {
		user, host, _ := strings.Cut(acct, "@")
		if strings.EqualFold(host, s.base.Host()) {
			host = ""
		}
		a, err := s.store.AccountByUsername(ctx, user, host)
		if err != nil {
			return ""
		}
		if a.URL != "" {
			return a.URL
		}
		return a.URI
	}
	return renderText(text, link, s.base.Tag)
}

// renderFields renders plain-text field values to HTML with links made
// clickable; names stay plain text, as Mastodon serves them. A value that
// did not change keeps its verification time.
func renderFields(plain, old []storage.Field) []storage.Field {
	out := make([]storage.Field, 0, len(plain))
	for _, f := range plain {
		r := storage.Field{Name: f.Name, Value: fieldHTML(f.Value)}
		for _, o := range old {
			if o.Name == r.Name && o.Value == r.Value {
				r.VerifiedAt = o.VerifiedAt
			}
		}
		out = append(out, r)
	}
	return out
}

// fieldHTML escapes a field value and links the URLs in it.
func fieldHTML(v string) string {
	var b strings.Builder
	last := 0
	for _, loc := range urlRE.FindAllStringIndex(v, -1) {
		b.WriteString(html.EscapeString(v[last:loc[0]]))
		u := html.EscapeString(v[loc[0]:loc[1]])
		b.WriteString(`<a href="` + u + `" rel="nofollow noopener noreferrer me" target="_blank">` + u + `</a>`)
		last = loc[1]
	}
	b.WriteString(html.EscapeString(v[last:]))
	return SanitizeHTML(b.String())
}

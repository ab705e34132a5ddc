package activitypub

import (
	"fmt"
	"strings"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"

	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
)

// Mention is an account a note mentions.
type Mention struct {
	URI  string // actor id
	Acct string // "user@host"; a bare local username gets this instance's host
}

// NoteRefs is what a note document needs that the status row does not hold.
type NoteRefs struct {
	InReplyTo   string       // the parent's ActivityPub id; "" when not a reply
	Mentions    []Mention    // every account mentioned, in the order they appear
	Attachments []Attachment // media, in order
}

// Address computes to and cc for a visibility the way Mastodon does, so its
// visibility inference on the receiving side gives back the same visibility:
// public: to Public, cc followers + mentions; unlisted: to followers, cc Public +
// mentions; private: to followers + mentions; direct: to mentions only.
func Address(visibility, followers string, mentions []string) (to, cc []string, err error) {
	switch visibility {
	case storage.VisibilityPublic:
		return []string{Public}, append([]string{followers}, mentions...), nil
	case storage.VisibilityUnlisted:
		return []string{followers}, append([]string{Public}, mentions...), nil
	case storage.VisibilityPrivate:
		return append([]string{followers}, mentions...), nil, nil
	case storage.VisibilityDirect:
		return append([]string(nil), mentions...), nil, nil
	}
	return nil, nil, fmt.Errorf("address: unknown visibility %q", visibility)
}

// Note renders a local status as a Note document.
func Note(s *storage.Status, author *storage.Account, b uris.Base, r NoteRefs) ([]byte, error) {
	if s == nil || author == nil || !author.Local() {
		// Ids come from b: a remote author's note is not ours to render.
		return nil, fmt.Errorf("note: nil status, or author not local")
	}
	n, err := buildNote(s, author, b, r)
	if err != nil {
		return nil, fmt.Errorf("note %d: %w", s.ID, err)
	}
	m, err := toMap(n)
	if err != nil {
		return nil, err
	}
	// go-fed writes one attachment as a bare object; Mastodon always sends an
	// array, and some smaller implementations only read arrays.
	if one, ok := m["attachment"].(map[string]any); ok {
		m["attachment"] = []any{one}
	}
	return marshal(m)
}

func buildNote(s *storage.Status, author *storage.Account, b uris.Base, r NoteRefs) (vocab.ActivityStreamsNote, error) {
	u := author.Username
	mentionURIs := make([]string, 0, len(r.Mentions))
	for _, m := range r.Mentions {
		mentionURIs = append(mentionURIs, m.URI)
	}
	to, cc, err := Address(s.Visibility, b.Followers(u), mentionURIs)
	if err != nil {
		return nil, err
	}
	p := &iris{}
	n := streams.NewActivityStreamsNote()
	n.SetJSONLDId(p.id(b.Status(u, s.ID)))
	attr := streams.NewActivityStreamsAttributedToProperty()
	attr.AppendIRI(p.parse(b.Actor(u)))
	n.SetActivityStreamsAttributedTo(attr)
	n.SetActivityStreamsTo(p.to(to))
	n.SetActivityStreamsCc(p.cc(cc))
	n.SetActivityStreamsContent(content(s))
	if s.SpoilerText != "" {
		n.SetActivityStreamsSummary(summaryProp(s.SpoilerText))
	}
	if r.InReplyTo != "" {
		irt := streams.NewActivityStreamsInReplyToProperty()
		irt.AppendIRI(p.parse(r.InReplyTo))
		n.SetActivityStreamsInReplyTo(irt)
	}
	n.SetActivityStreamsPublished(published(s.CreatedAt))
	n.SetActivityStreamsUpdated(updated(s.EditedAt))
	n.SetActivityStreamsUrl(p.url(b.StatusPage(u, s.ID)))
	replies := streams.NewActivityStreamsRepliesProperty()
	replies.SetIRI(p.parse(b.StatusReplies(u, s.ID)))
	n.SetActivityStreamsReplies(replies)
	if len(r.Attachments) > 0 {
		n.SetActivityStreamsAttachment(documents(p, r.Attachments))
	}
	if tags := noteTags(p, s.Tags, r.Mentions, b); tags.Len() > 0 {
		n.SetActivityStreamsTag(tags)
	}
	// Mastodon's content warning flag; v1.0.0 has no property for it (guide §2.3).
	n.GetUnknownProperties()["sensitive"] = s.Sensitive
	if s.Language != "" {
		// contentMap, as Mastodon sends it. Not through the content property: v1.0.0
		// would write the map as a second element of "content".
		n.GetUnknownProperties()["contentMap"] = map[string]any{s.Language: s.Content}
	}
	return n, p.err
}

func content(s *storage.Status) vocab.ActivityStreamsContentProperty {
	c := streams.NewActivityStreamsContentProperty()
	c.AppendXMLSchemaString(s.Content)
	return c
}

func noteTags(p *iris, tags []string, mentions []Mention, b uris.Base) vocab.ActivityStreamsTagProperty {
	prop := streams.NewActivityStreamsTagProperty()
	for _, m := range mentions {
		acct := m.Acct
		if !strings.Contains(acct, "@") {
			acct += "@" + b.Host()
		}
		mention := streams.NewActivityStreamsMention()
		mention.SetActivityStreamsHref(p.href(m.URI))
		mention.SetActivityStreamsName(nameProp("@" + acct))
		prop.AppendActivityStreamsMention(mention)
	}
	for _, t := range tags {
		prop.AppendActivityStreamsLink(hashtag(p, t, b))
	}
	return prop
}

// hashtag is a Link whose type is overridden to Hashtag: v1.0.0 has no Hashtag type
// and no way to append a raw map to tag, and this serialises exactly as Mastodon's
// {"type":"Hashtag","href":…,"name":"#…"} (guide §2.3).
func hashtag(p *iris, name string, b uris.Base) vocab.ActivityStreamsLink {
	l := streams.NewActivityStreamsLink()
	ty := streams.NewJSONLDTypeProperty()
	ty.AppendXMLSchemaString("Hashtag")
	l.SetJSONLDType(ty)
	l.SetActivityStreamsHref(p.href(b.Tag(name)))
	l.SetActivityStreamsName(nameProp("#" + strings.ToLower(name)))
	return l
}

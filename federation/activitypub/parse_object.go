package activitypub

import (
	"github.com/go-fed/activity/streams/vocab"
)

// objectDoc is the part of every ActivityStreams object type read here.
type objectDoc interface {
	vocab.Type
	GetActivityStreamsAttributedTo() vocab.ActivityStreamsAttributedToProperty
	GetActivityStreamsContent() vocab.ActivityStreamsContentProperty
	GetActivityStreamsSummary() vocab.ActivityStreamsSummaryProperty
	GetActivityStreamsUrl() vocab.ActivityStreamsUrlProperty
	GetActivityStreamsInReplyTo() vocab.ActivityStreamsInReplyToProperty
	GetActivityStreamsTag() vocab.ActivityStreamsTagProperty
}

// objectFromType reads an embedded object streams resolved. Mastodon extensions it has
// no types for (sensitive, Hashtag tags) come from the raw map of the same object.
func objectFromType(t vocab.Type, raw map[string]any) *Object {
	o := rawBasics(raw)
	o.ID, o.Type = typeID(t), t.GetTypeName()
	o.Published, o.Updated = publishedOf(t), updatedOf(t)
	o.Actor = firstOf(propIDs(actorProp(t), raw["actor"]))
	o.Object = firstOf(propIDs(objectProp(t), raw["object"]))
	if d, ok := t.(objectDoc); ok {
		o.AttributedTo = firstOf(propIDs(d.GetActivityStreamsAttributedTo(), raw["attributedTo"]))
		o.Content = firstString(d.GetActivityStreamsContent())
		o.Summary = firstString(d.GetActivityStreamsSummary())
		o.URL = firstURL(d.GetActivityStreamsUrl())
		o.InReplyTo = firstOf(propIDs(d.GetActivityStreamsInReplyTo(), raw["inReplyTo"]))
		o.Mentions = mentions(d.GetActivityStreamsTag())
	}
	if isActorType(o.Type) {
		o.Person = actorFromType(t, raw)
	}
	return o
}

// rawBasics reads what only the raw map has, for typed and untyped objects alike.
func rawBasics(raw map[string]any) *Object {
	return &Object{
		To:        rawStrings(raw["to"]),
		Cc:        rawStrings(raw["cc"]),
		Sensitive: rawBool(raw["sensitive"]),
		Hashtags:  rawHashtags(raw["tag"]),
		// Attachments come from the raw JSON: peers' url shapes vary more than streams' types cover.
		Attachments: rawAttachments(raw["attachment"]),
	}
}

// objectFromRaw reads an embedded object of a type streams does not know (say the
// EmojiReact inside an Undo), enough for the caller to tell what it refers to.
func objectFromRaw(raw map[string]any) *Object {
	o := rawBasics(raw)
	o.ID, o.Type = rawString(raw["id"]), rawType(raw["type"])
	o.AttributedTo = rawID(raw["attributedTo"])
	o.Content, o.Summary = rawString(raw["content"]), rawString(raw["summary"])
	o.InReplyTo = rawID(raw["inReplyTo"])
	o.Published, o.Updated = rawTime(raw["published"]), rawTime(raw["updated"])
	o.Actor, o.Object = rawID(raw["actor"]), rawID(raw["object"])
	o.Mentions = rawMentions(raw["tag"])
	return o
}

// mentions lists the hrefs of Mention tags; other tags are skipped.
func mentions(p vocab.ActivityStreamsTagProperty) []string {
	if p == nil {
		return nil
	}
	var out []string
	for i := 0; i < p.Len(); i++ {
		it := p.At(i)
		if !it.IsActivityStreamsMention() {
			continue
		}
		if h := it.GetActivityStreamsMention().GetActivityStreamsHref(); h != nil && h.Get() != nil {
			out = append(out, h.Get().String())
		}
	}
	return out
}

func rawMentions(tag any) []string {
	var out []string
	for _, t := range rawMaps(tag) {
		if rawType(t["type"]) == "Mention" {
			if h := rawString(t["href"]); h != "" {
				out = append(out, h)
			}
		}
	}
	return out
}

package activitypub

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/go-fed/activity/streams"
	"github.com/go-fed/activity/streams/vocab"
)

// Attachment is a media file a note carries, as Mastodon writes it: a
// Document with url, mediaType, name (the alt text), blurhash, width, height
// and focalPoint.
type Attachment struct {
	Type      string // ActivityStreams type when parsed (Document, Image, Video, …)
	URL       string
	MediaType string
	Name      string
	Blurhash  string
	Width     int
	Height    int
	FocusX    float64 // -1..1, 0 is the centre
	FocusY    float64
}

// Limits on what a parsed attachment keeps: a peer decides what it sends, not
// how much of it we store.
const (
	MaxAttachments    = 4 // Mastodon's limit for a status
	maxAltText        = 1500
	maxMediaTypeBytes = 100
	maxBlurhashBytes  = 128
	maxDimension      = 1 << 16
)

// documents renders attachments as the note's attachment property.
func documents(p *iris, atts []Attachment) vocab.ActivityStreamsAttachmentProperty {
	prop := streams.NewActivityStreamsAttachmentProperty()
	for _, a := range atts {
		prop.AppendActivityStreamsDocument(mediaDocument(p, a))
	}
	return prop
}

func mediaDocument(p *iris, a Attachment) vocab.ActivityStreamsDocument {
	d := streams.NewActivityStreamsDocument()
	d.SetActivityStreamsUrl(p.url(a.URL))
	if a.MediaType != "" {
		mt := streams.NewActivityStreamsMediaTypeProperty()
		mt.Set(a.MediaType)
		d.SetActivityStreamsMediaType(mt)
	}
	if a.Name != "" {
		d.SetActivityStreamsName(nameProp(a.Name))
	}
	if a.Blurhash != "" {
		bh := streams.NewTootBlurhashProperty()
		bh.Set(a.Blurhash)
		d.SetTootBlurhash(bh)
	}
	// v1.0.0 has width and height only on Link, and no focalPoint: Mastodon
	// reads them as plain keys of the Document (guide §2.3).
	extra := d.GetUnknownProperties()
	if a.Width > 0 && a.Height > 0 {
		extra["width"], extra["height"] = a.Width, a.Height
	}
	if a.FocusX != 0 || a.FocusY != 0 {
		extra["focalPoint"] = []float64{a.FocusX, a.FocusY}
	}
	return d
}

// rawAttachments reads a note's attachment property from the raw JSON, which
// carries every shape peers send (url as a string, a Link or a list of them)
// whether or not streams knows the type. Entries without an http(s) url are
// skipped; at most MaxAttachments are kept.
func rawAttachments(v any) []Attachment {
	var out []Attachment
	for _, m := range rawMaps(v) {
		if len(out) == MaxAttachments {
			break
		}
		a := Attachment{Type: rawType(m["type"]), MediaType: rawString(m["mediaType"])}
		a.URL, a.MediaType = attachmentURL(m["url"], a.MediaType)
		if !absoluteHTTP(a.URL) || rawType(m["type"]) == "PropertyValue" {
			continue
		}
		a.MediaType = truncate(a.MediaType, maxMediaTypeBytes)
		a.Name = truncateRunes(strings.TrimSpace(rawString(m["name"])), maxAltText)
		if a.Name == "" {
			a.Name = truncateRunes(strings.TrimSpace(rawString(m["summary"])), maxAltText)
		}
		a.Blurhash = truncate(rawString(m["blurhash"]), maxBlurhashBytes)
		a.Width, a.Height = rawDimension(m["width"]), rawDimension(m["height"])
		a.FocusX, a.FocusY = rawFocus(m["focalPoint"])
		out = append(out, a)
	}
	return out
}

// attachmentURL takes the first http(s) url: a string, or a Link's href (whose
// mediaType is used when the attachment has none).
func attachmentURL(v any, mediaType string) (string, string) {
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	for _, e := range list {
		switch x := e.(type) {
		case string:
			if absoluteHTTP(x) {
				return x, mediaType
			}
		case map[string]any:
			if h := rawString(x["href"]); absoluteHTTP(h) {
				if mediaType == "" {
					mediaType = rawString(x["mediaType"])
				}
				return h, mediaType
			}
		}
	}
	return "", mediaType
}

func rawDimension(v any) int {
	f, ok := v.(float64)
	if !ok || f < 1 || f > maxDimension {
		return 0
	}
	return int(f)
}

// rawFocus reads Mastodon's focalPoint [x, y], clamped to -1..1.
func rawFocus(v any) (float64, float64) {
	a, ok := v.([]any)
	if !ok || len(a) != 2 {
		return 0, 0
	}
	x, okx := a[0].(float64)
	y, oky := a[1].(float64)
	if !okx || !oky || math.IsNaN(x) || math.IsNaN(y) {
		return 0, 0
	}
	return math.Max(-1, math.Min(1, x)), math.Max(-1, math.Min(1, y))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

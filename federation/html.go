package federation

import (
	"html"
	"regexp"
	"strings"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
)

// remotePolicy is Mastodon's allowed HTML for statuses and bios: basic
// formatting and links, classes only for mentions and hashtags. Anything
// else a peer sends (scripts, styles, images, iframes) is stripped.
var remotePolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "span", "del", "pre", "code", "em", "strong", "b", "i", "u", "ul", "ol", "li", "blockquote")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^[a-z ]+$`)).OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^((h-card|mention|hashtag|u-url|ellipsis|invisible|quote-inline)\s*)+$`)).OnElements("a", "span")
	p.AllowURLSchemes("http", "https")
	p.RequireParseableURLs(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.RequireNoFollowOnLinks(true)
	return p
}()

// SanitizeHTML cleans HTML from a remote peer (or our own renderer).
func SanitizeHTML(s string) string { return remotePolicy.Sanitize(s) }

var (
	mentionRE = regexp.MustCompile(`(^|[^\w/@])@([a-zA-Z0-9_]{1,30})(?:@([a-zA-Z0-9.\-]+(?::[0-9]{1,5})?))?`)
	hashtagRE = regexp.MustCompile(`(^|[^\w&/#])#([\p{L}\p{N}_]{1,64})`)
	urlRE     = regexp.MustCompile(`https?://[^\s<>"']+[^\s<>"'.,;:!?)\]]`)
)

// mentionsIn returns user@host (or user for local) for every @mention in text.
func mentionsIn(text string) []string {
	out := []string{}
	for _, m := range mentionRE.FindAllStringSubmatch(text, -1) {
		acct := m[2]
		if m[3] != "" {
			acct += "@" + strings.ToLower(m[3])
		}
		out = appendUnique(out, acct)
	}
	return out
}

// hashtagsIn returns lowercased hashtag names in text.
func hashtagsIn(text string) []string {
	out := []string{}
	for _, m := range hashtagRE.FindAllStringSubmatch(text, -1) {
		if isTagName(m[2]) {
			out = appendUnique(out, strings.ToLower(m[2]))
		}
	}
	return out
}

func appendUnique(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

// renderText turns a clinician's plain text into Mastodon-style HTML:
// paragraphs, line breaks, links, mention and hashtag links. link resolves a
// mention (user or user@host) to its profile URL, "" when unknown.
func renderText(text string, link func(acct string) string, tagURL func(string) string) string {
	paras := strings.Split(strings.ReplaceAll(strings.TrimSpace(text), "\r\n", "\n"), "\n\n")
	var b strings.Builder
	for _, p := range paras {
		if strings.TrimSpace(p) == "" {
			continue
		}
		lines := strings.Split(p, "\n")
		for i, l := range lines {
			lines[i] = renderLine(l, link, tagURL)
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>") + "</p>")
	}
	return SanitizeHTML(b.String())
}

// renderLine escapes a line and links URLs, mentions and hashtags in it.
func renderLine(line string, link func(string) string, tagURL func(string) string) string {
	var out strings.Builder
	last := 0
	for _, loc := range urlRE.FindAllStringIndex(line, -1) {
		out.WriteString(linkWords(line[last:loc[0]], link, tagURL))
		u := line[loc[0]:loc[1]]
		out.WriteString(`<a href="` + html.EscapeString(u) + `" rel="nofollow noopener noreferrer" target="_blank">` + html.EscapeString(u) + `</a>`)
		last = loc[1]
	}
	out.WriteString(linkWords(line[last:], link, tagURL))
	return out.String()
}

func linkWords(s string, link func(string) string, tagURL func(string) string) string {
	s = html.EscapeString(s)
	s = mentionRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := mentionRE.FindStringSubmatch(m)
		acct := sub[2]
		if sub[3] != "" {
			acct += "@" + strings.ToLower(sub[3])
		}
		href := link(acct)
		if href == "" {
			return m
		}
		return sub[1] + `<span class="h-card"><a href="` + html.EscapeString(href) + `" class="u-url mention">@<span>` + sub[2] + `</span></a></span>`
	})
	return hashtagRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := hashtagRE.FindStringSubmatch(m)
		if !isTagName(sub[2]) {
			return m
		}
		return sub[1] + `<a href="` + html.EscapeString(tagURL(sub[2])) + `" class="mention hashtag" rel="tag">#<span>` + sub[2] + `</span></a>`
	})
}

// isTagName is Mastodon's rule: a hashtag needs at least one letter, so
// "#2" (a list item, a bed number) stays plain text.
func isTagName(name string) bool {
	for _, r := range name {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

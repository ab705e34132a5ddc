package phi

import (
	"net/netip"
	"strings"
)

// Links, handles, citations and addresses on the network. Fediverse handles
// look like e-mail addresses and DOIs are full of digits, so these spans are
// set aside first and no other detector may report inside them. Links to a
// person's social-media profile are identifiers in their own right (Safe
// Harbor item N); links to journals are not.

const maxChunk = 2048 // longer unbroken runs are not links anyone reads

// exclusions sets aside the chunks the tokeniser marked as possible links
// or handles, and the values after citation labels.
func (s *scanner) exclusions() {
	for _, c := range s.cands {
		s.linkChunk(s.toks[c.start].start, s.toks[c.end-1].end)
	}
	for i := 0; s.cites && i < len(s.toks); i++ {
		if s.toks[i].kw&kwCite != 0 {
			s.citation(i)
		}
	}
}

// trimChunk strips the brackets, quotes and sentence punctuation around a
// whitespace-separated chunk.
func trimChunk(c string, start int) (string, int) {
	for len(c) > 0 && strings.IndexByte("([{<\"'", c[0]) >= 0 {
		c, start = c[1:], start+1
	}
	for strings.HasPrefix(c, "“") || strings.HasPrefix(c, "‘") {
		c, start = c[3:], start+3
	}
	for len(c) > 0 {
		if strings.IndexByte(")]}>\"'.,;:!?", c[len(c)-1]) >= 0 {
			c = c[:len(c)-1]
		} else if strings.HasSuffix(c, "”") || strings.HasSuffix(c, "’") {
			c = c[:len(c)-3]
		} else {
			break
		}
	}
	return c, start
}

// linkChunk classifies one whitespace-separated chunk.
func (s *scanner) linkChunk(start, end int) {
	if end-start > maxChunk {
		end = start + maxChunk
	}
	s.work += end - start
	c, start := trimChunk(s.text[start:end], start)
	if len(c) < 3 {
		return
	}
	switch {
	case c[0] == '@': // @alice or @alice@hospital.example
		s.exclude(start, start+len(c))
	case hasPrefixFold(c, "doi:") || hasPrefixFold(c, "10.") && strings.IndexByte(c, '/') > 3:
		s.exclude(start, start+len(c))
	case hostBeforeSlash(c) || hasPrefixFold(c, "www."):
		s.link(c, start)
	case strings.Count(c, ":") >= 2:
		s.ipv6(c, start)
	}
}

// hostBeforeSlash reports whether c has a '/' (after any scheme) with a '.'
// somewhere before it, as every link does and "mg/kg" or "120/80" do not.
func hostBeforeSlash(c string) bool {
	if i := strings.Index(c, "://"); i >= 0 {
		c = c[i+3:]
	}
	slash := strings.IndexByte(c, '/')
	return slash > 0 && strings.IndexByte(c[:slash], '.') >= 0
}

func (s *scanner) exclude(start, end int) { s.excl = append(s.excl, span{start, end}) }

// link reports a profile link and sets every link aside.
func (s *scanner) link(c string, start int) {
	rest := c
	for _, scheme := range []string{"https://", "http://"} {
		if hasPrefixFold(rest, scheme) {
			rest = rest[len(scheme):]
			break
		}
	}
	cut := strings.IndexAny(rest, "/?#")
	if cut < 0 {
		cut = len(rest)
	}
	host := strings.ToLower(rest[:cut])
	if !hostLike(host) {
		return
	}
	path := ""
	if cut < len(rest) && rest[cut] == '/' {
		path = rest[cut+1:]
	}
	if profileLink(host, path) {
		s.add(URL, Medium, start, start+len(c))
	}
	s.exclude(start, start+len(c))
}

// hostLike reports whether h looks like a host name with a real top-level
// domain ("doi.org", not "mg/kg" or "3.2/10").
func hostLike(h string) bool {
	dot := strings.LastIndexByte(h, '.')
	if dot <= 0 || len(h)-dot-1 < 2 {
		return false
	}
	for i := dot + 1; i < len(h); i++ {
		if !isLower(h[i]) {
			return false
		}
	}
	for i := 0; i < dot; i++ {
		if c := h[i]; !isAlnum(c) && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// segment splits off the first path segment.
func segment(path string) (first, rest string) {
	if i := strings.IndexAny(path, "/?#"); i >= 0 {
		return path[:i], strings.TrimLeft(path[i:], "/")
	}
	return path, ""
}

// profileLink reports whether host and path point at one person's
// social-media profile or posts, rather than a group, search or help page.
func profileLink(host, path string) bool {
	host = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(host, "www."), "m."), "mobile.")
	first, rest := segment(path)
	if strings.HasSuffix(host, ".tumblr.com") {
		return true
	}
	if first == "" {
		return false
	}
	switch host {
	case "facebook.com", "fb.com":
		return !oneOf(first, "groups", "events", "pages", "watch", "help", "policies", "sharer", "sharer.php", "share", "hashtag", "marketplace", "login", "gaming", "business")
	case "instagram.com":
		return !oneOf(first, "p", "reel", "reels", "explore", "accounts", "tv", "about", "developer", "legal")
	case "twitter.com", "x.com":
		return !oneOf(first, "i", "home", "search", "explore", "hashtag", "intent", "share", "settings", "login", "messages", "notifications", "tos", "privacy")
	case "linkedin.com":
		return oneOf(first, "in", "pub") && rest != ""
	case "tiktok.com", "threads.net", "threads.com":
		return first[0] == '@'
	case "youtube.com":
		return first[0] == '@' || oneOf(first, "c", "user", "channel") && rest != ""
	case "snapchat.com":
		return first == "add" && rest != ""
	case "reddit.com":
		return oneOf(first, "u", "user") && rest != ""
	case "bsky.app":
		return first == "profile" && rest != ""
	case "pinterest.com", "onlyfans.com", "venmo.com", "vk.com", "myspace.com":
		return !oneOf(first, "pin", "search", "help", "about", "login")
	}
	return false
}

func oneOf(w string, list ...string) bool {
	for _, x := range list {
		if strings.EqualFold(w, x) {
			return true
		}
	}
	return false
}

// ipv6 reports an IPv6 address chunk ("2001:db8::8a2e:370:7334"). Times
// ("14:30:00") and ratios ("1:2:3") fail to parse.
func (s *scanner) ipv6(c string, start int) {
	if len(c) < 7 || strings.IndexAny(c, "0123456789") < 0 {
		return
	}
	for i := 0; i < len(c); i++ {
		if ch := c[i]; !isDigit(ch) && !('a' <= ch|0x20 && ch|0x20 <= 'f') && ch != ':' && ch != '.' {
			return
		}
	}
	if a, err := netip.ParseAddr(c); err == nil && a.Is6() {
		s.add(IP, Medium, start, start+len(c))
	}
}

// citation sets aside the value after PMID, NCT, ISBN and the like.
func (s *scanner) citation(i int) {
	p := s.toks[i].end
	w := s.window(p, 64)
	q := 0
	for q < len(w) && q < 4 && (w[q] == ' ' || w[q] == ':' || w[q] == '#' || w[q] == '.') {
		q++
	}
	for q < len(w) && !isSpace(w[q]) {
		q++
	}
	s.exclude(s.toks[i].start, p+q)
}

// email reports an address around the '@' at token i. A local part that is
// itself preceded by '@' makes a fediverse handle (@alice@hospital.example),
// which is not an e-mail address.
func (s *scanner) email(i int) {
	text := s.text
	at := s.toks[i].start
	ls := at
	for ls > 0 && at-ls < 64 && localChar(text[ls-1]) {
		ls--
	}
	s.work += at - ls
	if ls == at || ls > 0 && (text[ls-1] == '@' || text[ls-1] == '/' || text[ls-1] == ':') {
		return
	}
	for ls < at && text[ls] == '.' {
		ls++
	}
	w := s.window(at+1, 255)
	d := 0
	for d < len(w) && (isAlnum(w[d]) || w[d] == '-' || w[d] == '.') {
		d++
	}
	for d > 0 && (w[d-1] == '.' || w[d-1] == '-') {
		d--
	}
	if d < len(w) && w[d] == '@' || !hostLike(strings.ToLower(w[:d])) {
		return
	}
	s.add(Email, Medium, ls, at+1+d)
}

func localChar(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

package phi

// Bare numbers: phone and fax numbers, SSNs, NHS numbers, ZIP+4 codes and
// IPv4 addresses are recognised by how their digits are grouped, then
// confirmed by a checksum or a context word. A number followed by a unit
// ("1 000 000 IU") is a measurement, whatever its shape.

const maxGroups = 8

// cluster is a run of digit groups joined by single separators:
// "(617) 555-0142", "+44 20 7946 0958", "943 476 5919".
type cluster struct {
	start, end int
	plus       bool // starts with '+'
	paren      bool // first group in parentheses
	n          int
	g          [maxGroups]span
	sep        [maxGroups]byte // sep[k] precedes group k
	digits     int
}

func (c *cluster) glen(k int) int { return c.g[k].end - c.g[k].start }

// lens reports whether the group lengths are exactly want.
func (c *cluster) lens(want ...int) bool {
	if c.n != len(want) {
		return false
	}
	for k, w := range want {
		if c.glen(k) != w {
			return false
		}
	}
	return true
}

// sameSep reports whether every separator is the same one of allowed.
func (c *cluster) sameSep(allowed string) bool {
	for k := 1; k < c.n; k++ {
		if c.sep[k] != c.sep[1] {
			return false
		}
	}
	for k := 0; k < len(allowed); k++ {
		if c.n > 1 && c.sep[1] == allowed[k] {
			return true
		}
	}
	return c.n == 1
}

// readCluster parses digit groups from pos, looking at most 40 bytes ahead.
func (s *scanner) readCluster(pos int) cluster {
	text := s.text
	lim := min(len(text), pos+40)
	s.work += lim - pos
	c := cluster{start: pos, end: pos}
	p := pos
	if p < lim && text[p] == '+' {
		c.plus = true
		p++
	}
	if p < lim && text[p] == '(' {
		q := p + 1
		for q < lim && isDigit(text[q]) {
			q++
		}
		if q-p-1 < 2 || q >= lim || text[q] != ')' {
			return c
		}
		c.paren = true
		c.g[0], c.n, c.digits, c.end = span{p + 1, q}, 1, q-p-1, q+1
		p = q + 1
		if p+1 < lim && (text[p] == ' ' || text[p] == '-' || text[p] == '.') && isDigit(text[p+1]) {
			p++
		}
		if p >= lim || !isDigit(text[p]) {
			return c
		}
		c.sep[1] = ')'
	}
	for c.n < maxGroups {
		q := p
		for q < lim && isDigit(text[q]) {
			q++
		}
		if q == p {
			break
		}
		c.g[c.n] = span{p, q}
		c.digits += q - p
		c.n++
		c.end, p = q, q
		if c.plus && c.n == 1 && hasPrefixFold(text[p:lim], " (0)") { // +44 (0)20…
			p += 4
		}
		if p+1 < lim && (text[p] == ' ' || text[p] == '-' || text[p] == '.') && isDigit(text[p+1]) {
			if c.n < maxGroups {
				c.sep[c.n] = text[p]
			}
			p++
			continue
		}
		break
	}
	return c
}

// digitAt returns the k-th digit of the cluster.
func (s *scanner) digitAt(c *cluster, k int) byte {
	for g := 0; g < c.n; g++ {
		if l := c.glen(g); k < l {
			return s.text[c.g[g].start+k]
		} else {
			k -= l
		}
	}
	return 0
}

// unitAfter reports whether a measurement unit, '%' or '°' follows pos.
func (s *scanner) unitAfter(pos int) bool {
	w := s.window(pos, 12)
	p := 0
	if p < len(w) && w[p] == ' ' {
		p++
	}
	if p >= len(w) {
		return false
	}
	switch w[p] {
	case '%':
		return true
	case '/':
		return p+1 < len(w) && isLetter(w[p+1]) // "/uL", "/min"
	case 0xC2: // '°'
		return true
	}
	q := p
	for q < len(w) && isLetter(w[q]) {
		q++
	}
	if q == p || q < len(w) && isDigit(w[q]) {
		return false
	}
	return lookupWord(w[p:q])&(kwUnit|kwTimeUnit) != 0
}

// classifyCluster reports the cluster that starts at token i, and whether
// it was an identifier.
func (s *scanner) classifyCluster(i int, c *cluster) bool {
	if c.n == 0 || c.digits < 7 || s.unitAfter(c.end) {
		return false
	}
	if c.end < len(s.text) && isAlnum(s.text[c.end]) {
		return false // runs on into a word or code
	}
	switch {
	case c.lens(3, 2, 4) && !c.plus && !c.paren && c.sameSep("- "):
		if validSSN(s.text[c.start:c.end]) {
			s.add(SSN, Medium, c.start, c.end)
			return true
		}
		return false
	case c.lens(5, 4) && c.sep[1] == '-':
		s.add(ZIP, Medium, c.start, c.end)
		return true
	}
	ctx := s.nearest(i, 5, kwPhone|kwFax|kwNHS|kwNPI)
	if s.tenDigits(c, ctx) {
		return true
	}
	ok, needCtx := s.phoneShape(c)
	if !ok || needCtx && ctx&(kwPhone|kwFax) == 0 {
		return false
	}
	cat, conf := Phone, Medium
	if ctx&kwFax != 0 {
		cat = Fax
	}
	if ctx&(kwPhone|kwFax) != 0 {
		conf = High
	}
	if s.organisational(c) {
		conf = Low // freephone and national-rate numbers belong to organisations
	}
	s.add(cat, conf, c.start, c.end)
	return true
}

// organisational reports US toll-free (8xx) and UK freephone or
// non-geographic (03, 08) numbers: helplines and insurers, not households.
func (s *scanner) organisational(c *cluster) bool {
	var n [4]byte // the first digits of the national number
	from, k := 0, 0
	switch {
	case c.plus && s.digitAt(c, 0) == '4' && s.digitAt(c, 1) == '4':
		n[0], from, k = '0', 2, 1 // +44 3… is 03…
	case s.digitAt(c, 0) == '1' && (c.plus || c.digits == 11):
		from = 1
	}
	for ; k < len(n) && from < c.digits; k, from = k+1, from+1 {
		n[k] = s.digitAt(c, from)
	}
	us := n[0] == '8' && (n[1] == '0' && n[2] == '0' || n[1] == n[2] && n[1] >= '3' && n[1] <= '8')
	uk := n[0] == '0' && (n[1] == '3' || n[1] == '8')
	return us || uk
}

// tenDigits handles ten-digit numbers that pass the NHS check or are NPIs
// named as such; it reports whether the number was claimed.
func (s *scanner) tenDigits(c *cluster, ctx kwSet) bool {
	if c.digits != 10 || c.plus || c.paren {
		return false
	}
	v := s.text[c.start:c.end]
	if ctx&kwNPI != 0 && c.n == 1 {
		if ValidNPI(v) {
			s.add(License, Low, c.start, c.end)
		}
		return true
	}
	shape := c.n == 1 || c.lens(3, 3, 4) && c.sameSep(" -")
	if !shape || !validNHS(v) {
		return false
	}
	switch {
	case ctx&kwNHS != 0:
		s.add(HealthPlan, High, c.start, c.end)
	case ctx&(kwPhone|kwFax) != 0:
		return false // a phone number that happens to pass the check
	case c.n == 3 && c.sep[1] == ' ':
		s.add(HealthPlan, Medium, c.start, c.end)
	case c.n == 1:
		s.add(HealthPlan, Low, c.start, c.end)
	default:
		return false // 617-555-0134 is written the American way: a phone number
	}
	return true
}

// phoneShape reports whether the cluster is grouped like a telephone
// number, and whether that grouping is too plain to count without a context
// word such as "phone" or "call".
func (s *scanner) phoneShape(c *cluster) (ok, needCtx bool) {
	first := s.digitAt(c, 0)
	switch {
	case c.plus:
		// International format is unambiguous: +44 20 7946 0958.
		return c.digits >= 8 && c.digits <= 15 && c.n >= 2, false
	case first == '0':
		return s.trunkShape(c)
	case c.digits == 10 || c.digits == 11 && first == '1':
		off := c.digits - 10 // skip a leading 1
		if s.digitAt(c, off) < '2' || s.digitAt(c, off+3) < '2' {
			return false, false
		}
		formatted := c.lens(3, 3, 4) || c.lens(1, 3, 3, 4)
		return formatted || c.n == 1, !formatted
	case c.digits == 7 && c.lens(3, 4):
		return first >= '2', true // local: 555-0176, 555 0198
	}
	return false, false
}

// trunkShape judges numbers written with a national trunk prefix 0: UK
// groupings stand alone (020 7946 0958, 0161 496 0000, 07700 900461); other
// countries' (030 1234567) need a context word.
func (s *scanner) trunkShape(c *cluster) (ok, needCtx bool) {
	if c.digits == 11 {
		grouped := c.lens(3, 4, 4) || c.lens(4, 3, 4) || c.lens(5, 6) || c.lens(5, 3, 3) || c.lens(4, 7)
		mobile := c.n == 1 && s.digitAt(c, 1) == '7'
		if grouped || mobile {
			return true, false
		}
	}
	return c.digits >= 9 && c.digits <= 12, true
}

// ipv4 reports a dotted quad at number token i, and whether it was one.
func (s *scanner) ipv4(i int) bool {
	start := s.toks[i].start
	w := s.window(start, 16)
	p := 0
	for k := 0; k < 4; k++ {
		if k > 0 {
			if p >= len(w) || w[p] != '.' {
				return false
			}
			p++
		}
		q, v := p, 0
		for q < len(w) && isDigit(w[q]) && q-p < 4 {
			v = v*10 + int(w[q]-'0')
			q++
		}
		if q == p || q-p > 3 || v > 255 {
			return false
		}
		p = q
	}
	end := start + p
	if end < len(s.text) && (isAlnum(s.text[end]) || s.text[end] == '.' && end+1 < len(s.text) && isDigit(s.text[end+1])) {
		return false
	}
	if s.before(i, 2)&(kwVersion|kwInfra) != 0 {
		return true // "version 1.2.3.4", "server 10.0.0.1"
	}
	s.add(IP, Medium, start, end)
	return true
}

// numberTriggers runs the detectors that can start at a number.
func (s *scanner) numberTriggers(i int) {
	t := s.toks[i]
	sep := s.byteAt(t.end) // most numbers end in a space or a unit: skip what cannot follow
	if sep == '.' && s.ipv4(i) {
		return
	}
	s.dateAt(i)
	if t.end-t.start <= 3 {
		s.ageAt(i)
	}
	if sep == ' ' || isUpper(sep) {
		s.addressAt(i)
	}
	if t.start >= s.inNum && (t.end-t.start >= 7 || (sep == ' ' || sep == '-' || sep == '.') && isDigit(s.byteAt(t.end+1))) {
		s.cluster(i, t.start)
	}
}

// cluster reads and reports the number starting at pos (token i). The
// groups of a multi-group number do not start numbers of their own: "555-0143"
// inside "(888) 555-0143" is not a second, local, number.
//
// Groups joined by single spaces may be two things side by side ("07700
// 900461 7 days a week"), so when the whole run is nothing, shorter prefixes
// are tried.
func (s *scanner) cluster(i, pos int) {
	c := s.readCluster(pos)
	for ; c.n > 0; c.n-- {
		c.end = c.g[c.n-1].end
		c.digits = 0
		for k := 0; k < c.n; k++ {
			c.digits += c.glen(k)
		}
		if s.classifyCluster(i, &c) {
			if c.n > 1 {
				s.inNum = c.end
			}
			return
		}
	}
}

// byteAt returns text[p], or 0 past the end.
func (s *scanner) byteAt(p int) byte {
	if p < len(s.text) {
		return s.text[p]
	}
	return 0
}

// punctTriggers runs the detectors that start at punctuation: e-mail at
// '@', international and bracketed phone numbers at '+' and '('.
func (s *scanner) punctTriggers(i int) {
	t := s.toks[i]
	switch s.text[t.start] {
	case '@':
		s.email(i)
	case '+', '(':
		if i+1 < len(s.toks) && s.toks[i+1].kind == tNum && s.adjacent(i+1) && s.chunkStart(i) && t.start >= s.inNum {
			s.cluster(i, t.start)
		}
	}
}

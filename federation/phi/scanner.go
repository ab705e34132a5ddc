package phi

import (
	"cmp"
	"slices"
	"sort"
	"sync"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tWord  tokKind = iota + 1 // a run of letters
	tNum                      // a run of ASCII digits
	tPunct                    // one other character (one rune)
)

// token is a word, number or punctuation mark. Detectors read context from
// the token stream and values from the text itself.
type token struct {
	start, end int
	kw         kwSet
	kind       tokKind
	space      bool // whitespace (or the start of the text) precedes it
	nl         bool // a line break precedes it
}

type span struct{ start, end int }

// scanner holds one Scan's state. Scanners are pooled so that scanning a
// clean post allocates nothing.
type scanner struct {
	text  string
	opt   Options
	toks  []token
	cands []span // token ranges of chunks that may be links or handles
	nums  []span // byte ranges of chunks with digits, for Options.MRNPattern
	excl  []span // handles, links and citations: never identifiers
	found []Finding
	work  int  // bytes examined; the fuzz test checks it grows linearly
	year  int  // the current year, read once when a birth year needs it
	cites bool // a citation label (PMID, DOI…) appears
	inNum int  // end of the last multi-group number: its groups start nothing

	chunk  int  // while tokenising: the first token of the current chunk
	marked bool // while tokenising: that chunk has '/', '@' or ':'
	digits bool // while tokenising: that chunk has a digit
}

var scanners = sync.Pool{New: func() any { return new(scanner) }}

func newScanner(text string, opt Options) *scanner {
	s := scanners.Get().(*scanner)
	s.text, s.opt = text, opt
	return s
}

func (s *scanner) release() {
	clear(s.found) // drop references to the text before pooling
	s.text, s.opt = "", Options{}
	s.toks, s.cands, s.nums, s.excl, s.found = s.toks[:0], s.cands[:0], s.nums[:0], s.excl[:0], s.found[:0]
	s.work, s.year, s.cites, s.inNum = 0, 0, false, 0
	scanners.Put(s)
}

func (s *scanner) run() {
	s.tokenize()
	s.exclusions()
	slices.SortFunc(s.excl, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	for k := 1; k < len(s.excl); k++ { // ends become running maxima; see excluded
		s.excl[k].end = max(s.excl[k].end, s.excl[k-1].end)
	}
	for i := range s.toks {
		s.visit(i)
	}
	s.work += len(s.toks)
	s.hospitalMRN()
	s.filterAllowed()
	s.resolve()
}

// scanCounted is Scan that also reports how much work it did, for the fuzz
// test's check that the cost grows linearly with the input.
func scanCounted(text string, opt Options) ([]Finding, int) {
	s := newScanner(text, opt)
	defer s.release()
	s.run()
	return s.result(), s.work
}

// result copies the findings out of the pooled buffer.
func (s *scanner) result() []Finding {
	if len(s.found) == 0 {
		return nil
	}
	return append([]Finding(nil), s.found...)
}

// visit dispatches token i to the detectors that can start there.
func (s *scanner) visit(i int) {
	t := &s.toks[i]
	switch t.kind {
	case tWord:
		if t.kw&triggerRoles != 0 || t.end-t.start == 1 {
			s.wordTriggers(i)
		}
		if t.end-t.start == 1 && s.text[t.start]|0x20 == 'b' {
			s.bornAbbrev(i) // b. 1929
		}
		if s.upperPair(i) { // state codes and "PO" carry no roles
			s.zipAfterState(i)
			s.poBox(i)
		}
		if s.chunkStart(i) {
			s.alnumChunk(i)
		}
	case tNum:
		if s.numberStart(i) {
			s.numberTriggers(i)
		}
		if s.chunkStart(i) {
			s.alnumChunk(i)
		}
	case tPunct:
		s.punctTriggers(i)
	}
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= (c|0x20) && (c|0x20) <= 'z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
func isUpper(c byte) bool  { return 'A' <= c && c <= 'Z' }
func isLower(c byte) bool  { return 'a' <= c && c <= 'z' }

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// tokenize splits the text into words, numbers and punctuation in one pass,
// noting on the way the whitespace-separated chunks that could be links or
// handles.
func (s *scanner) tokenize() {
	text := s.text
	s.work += len(text)
	s.chunk, s.marked, s.digits = 0, false, false
	space, nl := true, false
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case isSpace(c):
			space = true
			nl = nl || c == '\n' || c == '\r'
			i++
			continue
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(text[i:])
			if unicode.IsSpace(r) {
				space = true
				i += size
				continue
			}
			if space {
				s.endChunk()
			}
			if unicode.IsLetter(r) {
				i = s.addWord(i, space, nl)
			} else {
				s.toks = append(s.toks, token{start: i, end: i + size, kind: tPunct, space: space, nl: nl})
				i += size
			}
		case isLetter(c):
			if space {
				s.endChunk()
			}
			i = s.addWord(i, space, nl)
		case isDigit(c):
			if space {
				s.endChunk()
			}
			s.digits = true
			j := i + 1
			for j < len(text) && isDigit(text[j]) {
				j++
			}
			s.toks = append(s.toks, token{start: i, end: j, kind: tNum, space: space, nl: nl})
			i = j
		default:
			if space {
				s.endChunk()
			}
			s.marked = s.marked || c == '/' || c == '@' || c == ':'
			s.toks = append(s.toks, token{start: i, end: i + 1, kind: tPunct, space: space, nl: nl})
			i++
		}
		space, nl = false, false
	}
	s.endChunk()
}

// endChunk, called before a token that follows whitespace is appended,
// closes the current chunk. It keeps the chunk as a candidate link
// if it was marked or starts with "www", and as a candidate MRN if it has a
// digit and the hospital has an MRN pattern.
func (s *scanner) endChunk() {
	if s.chunk >= len(s.toks) {
		return
	}
	first := &s.toks[s.chunk]
	if s.marked || s.text[first.start]|0x20 == 'w' && s.is(s.chunk, "www") {
		s.cands = append(s.cands, span{s.chunk, len(s.toks)})
	}
	if s.digits && s.opt.MRNPattern != nil {
		s.nums = append(s.nums, span{first.start, s.toks[len(s.toks)-1].end})
	}
	s.chunk, s.marked, s.digits = len(s.toks), false, false
}

// addWord appends the letter run starting at i, with its lexicon roles, and
// returns its end.
func (s *scanner) addWord(i int, space, nl bool) int {
	text := s.text
	j := i
	ascii := true
	for j < len(text) {
		c := text[j]
		if isLetter(c) {
			j++
			continue
		}
		if c < 0x80 {
			break
		}
		r, size := utf8.DecodeRuneInString(text[j:])
		if !unicode.IsLetter(r) {
			break
		}
		j += size
		ascii = false
	}
	var kw kwSet
	if ascii {
		kw = lookupHashed(text[i:j], wordHash(text[i:j]))
	}
	if kw&kwCite != 0 {
		s.cites = true
	}
	s.toks = append(s.toks, token{start: i, end: j, kind: tWord, space: space, nl: nl, kw: kw})
	return j
}

// word returns the text of token i.
func (s *scanner) word(i int) string { return s.text[s.toks[i].start:s.toks[i].end] }

// adjacent reports whether token i directly follows token i-1.
func (s *scanner) adjacent(i int) bool {
	return i > 0 && s.toks[i-1].end == s.toks[i].start
}

// chunkStart reports whether token i begins a run of letters and digits.
func (s *scanner) chunkStart(i int) bool {
	return !s.adjacent(i) || s.toks[i-1].kind == tPunct
}

// numberStart reports whether digit token i begins a number rather than
// continuing one ("3.14", "v2", "123-45").
func (s *scanner) numberStart(i int) bool {
	if !s.adjacent(i) {
		return true
	}
	p := s.toks[i-1]
	if p.kind != tPunct {
		return false
	}
	switch s.text[p.start] {
	case '.', ',', ':', '/', '-', ')':
		return !(i >= 2 && s.adjacent(i-1) && s.toks[i-2].kind == tNum)
	}
	return true
}

// isPunct reports whether token i is the punctuation byte c.
func (s *scanner) isPunct(i int, c byte) bool {
	return i >= 0 && i < len(s.toks) && s.toks[i].kind == tPunct && s.text[s.toks[i].start] == c
}

// boundary reports whether token i ends a sentence or field for the
// purposes of context: ! ? ; | and full stops that do not end a short
// abbreviation ("Tel.", "no.").
func (s *scanner) boundary(i int) bool {
	t := s.toks[i]
	if t.nl {
		return true
	}
	if t.kind != tPunct {
		return false
	}
	switch s.text[t.start] {
	case '!', '?', ';', '|':
		return true
	case '.':
		return !(i > 0 && s.adjacent(i) && s.toks[i-1].kind == tWord && s.toks[i-1].end-s.toks[i-1].start <= 4)
	}
	return false
}

// before returns the roles of up to n words before token i in the same
// sentence.
func (s *scanner) before(i, n int) kwSet {
	var k kwSet
	for j, lim := i-1, i-3*n; j >= 0 && j >= lim && n > 0; j-- {
		s.work++
		if s.boundary(j + 1) {
			break
		}
		if s.toks[j].kind == tWord {
			k |= s.toks[j].kw
			n--
		}
	}
	return k
}

// nearest returns the roles, among mask, of the closest word before token i
// (within n words) that has any of them.
func (s *scanner) nearest(i, n int, mask kwSet) kwSet {
	for j, lim := i-1, i-3*n; j >= 0 && j >= lim && n > 0; j-- {
		s.work++
		if s.boundary(j + 1) {
			break
		}
		if s.toks[j].kind == tWord {
			if k := s.toks[j].kw & mask; k != 0 {
				return k
			}
			n--
		}
	}
	return 0
}

// after returns the roles of up to n words from token i on, in the same
// sentence.
func (s *scanner) after(i, n int) kwSet {
	var k kwSet
	for j, lim := i, i+3*n; j < len(s.toks) && j <= lim && n > 0; j++ {
		s.work++
		if j > i && s.boundary(j) {
			break
		}
		if s.toks[j].kind == tWord {
			k |= s.toks[j].kw
			n--
		}
	}
	return k
}

// tokenAt returns the index of the first token starting at or after pos.
func (s *scanner) tokenAt(pos int) int {
	return sort.Search(len(s.toks), func(k int) bool { return s.toks[k].start >= pos })
}

// nextWord returns the index of the first word token starting at or after
// pos, or -1 when punctuation other than spaces comes first.
func (s *scanner) nextWord(pos int) int {
	j := s.tokenAt(pos)
	if j < len(s.toks) && s.toks[j].kind == tWord {
		return j
	}
	return -1
}

// window returns up to n bytes of text from pos and counts them as work.
func (s *scanner) window(pos, n int) string {
	if pos >= len(s.text) {
		return ""
	}
	end := min(pos+n, len(s.text))
	s.work += end - pos
	return s.text[pos:end]
}

// add records a finding unless it falls inside a handle, link or citation.
func (s *scanner) add(c Category, conf Confidence, start, end int) {
	if start < 0 || end > len(s.text) || start >= end || s.excluded(start, end) {
		return
	}
	s.found = append(s.found, Finding{Category: c, Confidence: conf, Start: start, End: end, Match: s.text[start:end]})
}

// excluded reports whether [start, end) overlaps a set-aside span. The
// spans are sorted by start and each end holds the largest end so far, so
// the last span starting before end decides.
func (s *scanner) excluded(start, end int) bool {
	k := sort.Search(len(s.excl), func(k int) bool { return s.excl[k].start >= end })
	return k > 0 && s.excl[k-1].end > start
}

// resolve keeps, of overlapping findings, the most confident (then the
// longest): one stretch of text gets one explanation.
func (s *scanner) resolve() {
	f := s.found
	slices.SortStableFunc(f, func(a, b Finding) int { return cmp.Compare(a.Start, b.Start) })
	// out stays sorted and free of overlaps, so the findings x can overlap
	// form a suffix of it.
	out := f[:0]
	for _, x := range f {
		k := len(out)
		for k > 0 && out[k-1].End > x.Start {
			k--
		}
		s.work += len(out) - k + 1
		if !beatsAll(x, out[k:]) {
			continue
		}
		out = append(out[:k], x)
	}
	s.found = out
}

// beatsAll reports whether x is better than every finding in ys.
func beatsAll(x Finding, ys []Finding) bool {
	for _, y := range ys {
		if better(y, x) {
			return false
		}
	}
	return true
}

func better(a, b Finding) bool {
	if a.Confidence != b.Confidence {
		return a.Confidence > b.Confidence
	}
	return a.End-a.Start >= b.End-b.Start
}

package phi

import "time"

// Dates and ages. Safe Harbor removes every element of a date except the
// year when the date belongs to the patient (birth, admission, discharge,
// death) and every age over 89. Dates alone are everywhere in clinical
// writing ("grand rounds 3/14", "pain 7/10", "review in 2/7"), so a date
// counts only with a context word that ties it to a person.

type dateKind uint8

const (
	noDate    dateKind = iota
	dayMonth           // 3/14, March 3rd, 14 Feb
	monthYear          // 04/1931, March 2023
	fullDate           // 04/02/1931, 1962-08-23, 14 March 1947
	yearOnly           // 1931
)

// dateParse is a parsed date: where it ends, what it holds, and for numeric
// day/month forms the two numbers (to tell "2/3" fractions from dates).
type dateParse struct {
	end     int
	kind    dateKind
	numeric bool
	a, b    int
}

// readInt reads up to max digits at p (below lim): value and end.
func readInt(text string, p, lim, max int) (v, end int) {
	end = p
	for end < lim && end-p < max && isDigit(text[end]) {
		v = v*10 + int(text[end]-'0')
		end++
	}
	return v, end
}

// monthAt reports a month name at p: its end (after an optional '.').
// strict requires a capital first letter, as in running text.
func (s *scanner) monthAt(p, lim int, strict bool) (int, bool) {
	text := s.text
	q := p
	for q < lim && isLetter(text[q]) {
		q++
	}
	if q == p || strict && !isUpper(text[p]) || lookupWord(text[p:q])&kwMonth == 0 {
		return 0, false
	}
	if q < lim && text[q] == '.' {
		q++
	}
	return q, true
}

// dayAt reads a day of the month (1-31) at p with an optional ordinal.
func (s *scanner) dayAt(p, lim int) (int, bool) {
	v, q := readInt(s.text, p, lim, 3)
	if q == p || q-p > 2 || v < 1 || v > 31 {
		return 0, false
	}
	if q+2 <= lim {
		switch s.text[q : q+2] {
		case "st", "nd", "rd", "th":
			q += 2
		}
	}
	if q < lim && isAlnum(s.text[q]) {
		return 0, false
	}
	return q, true
}

// yearAt reads ", 1931" or " 1931" after a day or month.
func (s *scanner) yearAt(p, lim int) (int, bool) {
	text := s.text
	if p < lim && text[p] == ',' {
		p++
	}
	if p >= lim || (text[p] != ' ' && text[p] != '-') {
		return 0, false
	}
	v, q := readInt(text, p+1, lim, 5)
	if q-p-1 != 4 || v < 1800 || v > 2199 || q < lim && isAlnum(text[q]) {
		return 0, false
	}
	return q, true
}

// parseDate reads a date at pos in any of the common written forms.
func (s *scanner) parseDate(pos int, strict bool) dateParse {
	text := s.text
	lim := min(len(text), pos+32)
	s.work += lim - pos
	if pos >= lim {
		return dateParse{}
	}
	if !isDigit(text[pos]) {
		return s.parseMonthFirst(pos, lim, strict)
	}
	a, p := readInt(text, pos, lim, 5)
	switch n := p - pos; {
	case n == 4 && p < lim && text[p] == '-': // 1962-08-23
		m, q := readInt(text, p+1, lim, 3)
		if q-p-1 == 2 && m >= 1 && m <= 12 && q < lim && text[q] == '-' {
			d, r := readInt(text, q+1, lim, 3)
			if r-q-1 == 2 && d >= 1 && d <= 31 && !(r < lim && isAlnum(text[r])) {
				return dateParse{end: r, kind: fullDate}
			}
		}
		return dateParse{}
	case n == 4:
		if a >= 1800 && a <= 2199 && !(p < lim && (isAlnum(text[p]) || text[p] == '/')) {
			return dateParse{end: p, kind: yearOnly}
		}
		return dateParse{}
	case n > 2:
		return dateParse{}
	}
	if p < lim && (text[p] == '/' || text[p] == '-' || text[p] == '.') && p+1 < lim && isDigit(text[p+1]) {
		return s.parseNumeric(a, p, lim)
	}
	return s.parseDayFirst(pos, lim, strict)
}

// parseNumeric continues "3/14", "04/02/1931", "3.2.1941", "04/1931" after
// the first number a; sep is at p.
func (s *scanner) parseNumeric(a, p, lim int) dateParse {
	text := s.text
	sep := text[p]
	b, q := readInt(text, p+1, lim, 5)
	nb := q - p - 1
	if nb == 4 && sep == '/' && a >= 1 && a <= 12 && !(q < lim && isAlnum(text[q])) {
		return dateParse{end: q, kind: monthYear}
	}
	if nb > 2 || !(a >= 1 && a <= 12 && b >= 1 && b <= 31 || a >= 1 && a <= 31 && b >= 1 && b <= 12) {
		return dateParse{}
	}
	if q+1 < lim && text[q] == sep && isDigit(text[q+1]) {
		y, r := readInt(text, q+1, lim, 5)
		ny := r - q - 1
		if (ny == 2 || ny == 4 && y >= 1800 && y <= 2199) && !(r < lim && (isAlnum(text[r]) || text[r] == sep)) {
			return dateParse{end: r, kind: fullDate}
		}
		return dateParse{}
	}
	if sep != '/' || q < lim && (isAlnum(text[q]) || text[q] == '/') {
		return dateParse{} // "3-4 days", "3.2 mmol" are not dates
	}
	return dateParse{end: q, kind: dayMonth, numeric: true, a: a, b: b}
}

// parseDayFirst reads "14 March 1947", "14th of March", "15-Jun-1933".
func (s *scanner) parseDayFirst(pos, lim int, strict bool) dateParse {
	text := s.text
	p, ok := s.dayAt(pos, lim)
	if !ok || p >= lim {
		return dateParse{}
	}
	dash := text[p] == '-'
	if text[p] != ' ' && !dash {
		return dateParse{}
	}
	p++
	if !dash && hasPrefixFold(text[p:lim], "of ") {
		p += 3
	}
	q, ok := s.monthAt(p, lim, strict && !dash)
	if !ok {
		return dateParse{}
	}
	if r, ok := s.yearAt(q, lim); ok {
		return dateParse{end: r, kind: fullDate}
	}
	return dateParse{end: q, kind: dayMonth}
}

// parseMonthFirst reads "March 3rd", "Jan 5, 1950", "March 2023".
func (s *scanner) parseMonthFirst(pos, lim int, strict bool) dateParse {
	text := s.text
	q, ok := s.monthAt(pos, lim, strict)
	if !ok || q >= lim || text[q] != ' ' {
		return dateParse{}
	}
	if r, ok := s.yearAt(q, lim); ok {
		return dateParse{end: r, kind: monthYear}
	}
	r, ok := s.dayAt(q+1, lim)
	if !ok {
		return dateParse{}
	}
	if y, ok := s.yearAt(r, lim); ok {
		return dateParse{end: y, kind: fullDate}
	}
	return dateParse{end: r, kind: dayMonth}
}

// dateAt judges a date starting at number or month token i.
func (s *scanner) dateAt(i int) {
	if s.toks[i].kind == tNum && !s.dateMayFollow(s.toks[i].end) {
		return
	}
	d := s.parseDate(s.toks[i].start, true)
	if d.kind == noDate {
		d = s.ordinalDay(i)
	}
	if d.kind == noDate || d.kind == yearOnly {
		return
	}
	back := s.before(i, 8)
	if back&(kwDOB|kwBirth|kwBorn|kwEvent|kwCite) != 0 {
		return // the DOB detector owns it, or it is an event or a citation
	}
	next := s.tokenFrom(i, d.end)
	if s.after(next, 6)&kwEvent != 0 {
		return
	}
	imm := s.prevWord(i)
	if d.numeric && s.notADate(d, imm, next) {
		return
	}
	strong := back&kwDateStrong != 0
	person := s.before(i, 12)&kwPerson != 0
	conf := Confidence(0)
	switch d.kind {
	case fullDate:
		if strong || imm&kwDateWeak != 0 && person {
			conf = Medium
		} else if person {
			conf = Low
		}
	case dayMonth:
		if strong || imm&kwDateWeak != 0 && person {
			conf = Medium
		}
	case monthYear:
		if s.before(i, 2)&kwDateStrong != 0 {
			conf = Low
		}
	}
	if conf != 0 {
		s.add(Date, conf, s.toks[i].start, d.end)
	}
}

// dateMayFollow reports whether the bytes after a number at p could
// continue a date: a separator and a digit or letter ("3/14", "15-Jun"), a
// space and a capital ("14 March") or "of", or an ordinal suffix.
func (s *scanner) dateMayFollow(p int) bool {
	c, d := s.byteAt(p), s.byteAt(p+1)
	switch {
	case c == '/' || c == '-' || c == '.':
		return isAlnum(d)
	case c == ' ':
		return isUpper(d) || d == 'o'
	}
	return isLower(c) // st, nd, rd, th
}

// ordinalDay reads a day of the month on its own, "discharged on the
// 17th", but not "the 3rd shock" or "the 95th centile".
func (s *scanner) ordinalDay(i int) dateParse {
	t := s.toks[i]
	if s.toks[i].kind != tNum || !s.is(i-1, "the") {
		return dateParse{}
	}
	end, ok := s.dayAt(t.start, min(len(s.text), t.start+5))
	if !ok || end == t.end {
		return dateParse{}
	}
	next := s.tokenFrom(i, end)
	if next < len(s.toks) && s.toks[next].kind != tPunct && !s.is(next, "and") && !s.is(next, "at") {
		return dateParse{}
	}
	return dateParse{end: end, kind: dayMonth}
}

// notADate rejects numeric day/month pairs that read as fractions, scores or
// durations: "2/3 of patients", "pain 7/10", "review in 2/7", "seen 2/7 ago".
func (s *scanner) notADate(d dateParse, imm kwSet, next int) bool {
	if next < len(s.toks) && s.toks[next].kind == tWord && s.toks[next].kw&(kwFraction|kwAgo|kwTimeUnit|kwUnit) != 0 {
		return true
	}
	if (d.b == 7 || d.b == 12) && imm&kwDuration != 0 {
		return true
	}
	if d.a == 24 && d.b == 7 {
		return true // round the clock
	}
	if d.b == 10 && d.a <= 10 && imm&kwDateStrong == 0 {
		return true // a score out of ten
	}
	if d.a < d.b && d.b <= 8 && imm&(kwDateStrong|kwDateWeak) == 0 {
		return true // a fraction unless a date word is right before it
	}
	return false
}

// prevWord returns the roles of the word directly before token i, or none
// when punctuation intervenes.
func (s *scanner) prevWord(i int) kwSet {
	if i > 0 && s.toks[i-1].kind == tWord && s.toks[i].space && !s.toks[i].nl {
		return s.toks[i-1].kw
	}
	return 0
}

// tokenFrom returns the index of the first token at or after pos, searching
// forward from token i.
func (s *scanner) tokenFrom(i, pos int) int {
	j := i
	for j < len(s.toks) && s.toks[j].start < pos {
		j++
		s.work++
	}
	return j
}

// dob reports the date after a date-of-birth label at word token i: "DOB",
// "D.O.B.", "date of birth", "birth date", "birthday".
func (s *scanner) dob(i int) {
	t := s.toks[i]
	start, j := t.start, i+1
	switch {
	case t.kw&kwBirth != 0:
		if s.is(i-1, "of") && s.is(i-2, "date") {
			start = s.toks[i-2].start
		} else if s.is(i+1, "date") || s.is(i+1, "day") {
			j = i + 2
		} else {
			return
		}
	case t.kw&kwDOB == 0: // "D.O.B."
		if !hasPrefixFold(s.window(t.start, 6), "d.o.b") {
			return
		}
		j = s.tokenFrom(i, t.start+5)
	}
	for k, n := j, 0; k < len(s.toks) && n < 6; k++ {
		if s.boundary(k) && !(k == j && s.isPunct(k, '.')) {
			return
		}
		if s.toks[k].kind == tPunct {
			continue
		}
		n++
		if s.toks[k].kind == tWord && s.toks[k].kw&kwMonth == 0 {
			continue
		}
		d := s.parseDate(s.toks[k].start, false)
		if d.kind == noDate {
			continue
		}
		conf := High
		if d.kind == yearOnly {
			conf = Medium
		}
		if n > 2 {
			start = s.toks[k].start // far from the label: report the date alone
		}
		s.add(DOB, conf, start, d.end)
		s.nameBeforeField(i)
		return
	}
}

// born reports "born 9/30/1929" as a date of birth, and "born in 1931" as an
// age over 89 when that year is 90 or more years ago.
func (s *scanner) born(i int) {
	j := i + 1
	for k := 0; k < 2 && (s.is(j, "on") || s.is(j, "in") || s.isPunct(j, ':')); k++ {
		j++
	}
	if !s.onLine(j) || s.toks[j].kind == tPunct {
		return
	}
	d := s.parseDate(s.toks[j].start, false)
	switch d.kind {
	case noDate:
	case yearOnly:
		s.birthYear(i, j, d.end)
	default:
		s.add(DOB, High, s.toks[i].start, d.end)
	}
}

// birthYear reports "born in 1931" (label at token i, year at token j,
// ending at end) as an age over 89 when that year is 90 or more years ago:
// Safe Harbor removes years that reveal such ages.
func (s *scanner) birthYear(i, j, end int) {
	y, _ := readInt(s.text, s.toks[j].start, end, 4)
	if s.thisYear()-y >= 90 {
		s.add(AgeOver89, Medium, s.toks[i].start, end)
	}
}

// bornAbbrev handles "b. 1929".
func (s *scanner) bornAbbrev(i int) {
	j := i + 2
	if !s.isPunct(i+1, '.') || !s.adjacent(i+1) || !s.onLine(j) || s.toks[j].kind != tNum {
		return
	}
	if d := s.parseDate(s.toks[j].start, false); d.kind == yearOnly {
		s.birthYear(i, j, d.end)
	}
}

// now is the clock for birth-year arithmetic; tests replace it.
var now = time.Now

func (s *scanner) thisYear() int {
	if s.year == 0 {
		s.year = now().Year()
	}
	return s.year
}

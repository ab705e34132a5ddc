package phi

import "strings"

// Ages over 89. Safe Harbor lets "67-year-old man" stand but not
// "92-year-old": very old patients are few enough to be identifiable. A
// number is an age only with an age word around it ("yo", "-year-old", "age
// 94", "94M"), so "90 mg" and "95% sat" are safe.

// ageSuffix reads what makes the number ending at pos an age: "M"/"F"
// attached ("94M"), "yo", "y/o", "y.o.", "y", "-year-old", " years old",
// " years of age". sex reports the bare M/F form.
func (s *scanner) ageSuffix(pos int) (end int, ok, sex bool) {
	w := s.window(pos, 24)
	if w == "" {
		return 0, false, false
	}
	if (w[0] == 'M' || w[0] == 'F') && (len(w) == 1 || !isAlnum(w[1])) {
		return pos + 1, true, true
	}
	p := 0
	if w[0] == ' ' || w[0] == '-' {
		p = 1
	}
	q := p
	for q < len(w) && isLetter(w[q]) {
		q++
	}
	word := w[p:q]
	switch {
	case strings.EqualFold(word, "yo") || strings.EqualFold(word, "yof") || strings.EqualFold(word, "yom"):
		return pos + q, true, false
	case strings.EqualFold(word, "y"):
		if q+1 < len(w) && (w[q] == '/' || w[q] == '.') && (w[q+1]|0x20) == 'o' {
			if q+2 < len(w) && w[q+2] == '.' {
				return pos + q + 3, true, false
			}
			return pos + q + 2, true, false
		}
		if p == 0 && (q == len(w) || !isAlnum(w[q])) {
			return pos + q, true, false // "93y"
		}
	case strings.EqualFold(word, "year") || strings.EqualFold(word, "years") ||
		strings.EqualFold(word, "yr") || strings.EqualFold(word, "yrs"):
		return s.yearsOld(pos, w, q)
	}
	return 0, false, false
}

// yearsOld finishes "year-old", "years old", "yrs of age" after the unit
// ending at q in w (which starts at pos).
func (s *scanner) yearsOld(pos int, w string, q int) (int, bool, bool) {
	if q < len(w) && (w[q] == ' ' || w[q] == '-') {
		q++
	}
	r := q
	for r < len(w) && isLetter(w[r]) {
		r++
	}
	switch next := w[q:r]; {
	case strings.EqualFold(next, "old"):
		return pos + r, true, false
	case strings.EqualFold(next, "of") && hasPrefixFold(w[r:], " age"):
		return pos + r + 4, true, false
	}
	return 0, false, false
}

// ageAt judges number token i as an age.
func (s *scanner) ageAt(i int) {
	t := s.toks[i]
	if t.end-t.start > 3 {
		return
	}
	v, _ := readInt(s.text, t.start, t.end, 3)
	var end int
	var ok, sex bool
	if c := s.byteAt(t.end); c == 'M' || c == 'F' || c|0x20 == 'y' || (c == ' ' || c == '-') && s.byteAt(t.end+1)|0x20 == 'y' {
		end, ok, sex = s.ageSuffix(t.end) // only these can start an age suffix
	}
	if !ok {
		if v >= 90 && v < 150 {
			s.ageStated(i)
		}
		s.nameThenAge(i, v)
		return
	}
	if v >= 90 && v < 150 && !(sex && (s.is(i-1, "t") || s.is(i-1, "temp"))) && !s.thingAfter(i, end) {
		s.add(AgeOver89, Medium, t.start, end)
	}
	s.nameBeforeAge(i)
}

// thingAfter reports whether the word after an age names an object: "the
// 90-year-old building".
func (s *scanner) thingAfter(i, end int) bool {
	j := s.tokenFrom(i, end)
	return j < len(s.toks) && s.toks[j].kind == tWord && s.toks[j].kw&kwThing != 0
}

// ageStated catches ages written without an age word: "she is 91", "he's
// 96", "our patient (97)", "F, 94,".
func (s *scanner) ageStated(i int) {
	t := s.toks[i]
	if s.unitAfter(t.end) || t.end < len(s.text) && isAlnum(s.text[t.end]) {
		return
	}
	person := func(j int) bool { return j >= 0 && s.toks[j].kind == tWord && s.toks[j].kw&kwPerson != 0 }
	switch {
	case (s.is(i-1, "is") || s.is(i-1, "was") || s.is(i-1, "turned") || s.is(i-1, "turns") || s.is(i-1, "now")) && person(i-2):
		s.add(AgeOver89, Medium, s.toks[i-2].start, t.end)
	case s.is(i-1, "s") && s.apostrophe(i-2) && person(i-3): // she's 91
		s.add(AgeOver89, Medium, s.toks[i-3].start, t.end)
	case s.isPunct(i-1, '(') && s.isPunct(i+1, ')') && person(i-2): // our patient (97)
		s.add(AgeOver89, Medium, s.toks[i-1].start, s.toks[i+1].end)
	case s.isPunct(i-1, ',') && i >= 2 && (s.word(i-2) == "M" || s.word(i-2) == "F") && (i == 2 || s.boundary(i-2) || s.opener(i-3)):
		s.add(AgeOver89, Medium, s.toks[i-2].start, t.end) // F, 94
	}
}

// nameThenAge handles "Doris, 93, on the ward…": a name opening a sentence
// followed by a bare age between commas.
func (s *scanner) nameThenAge(i, v int) {
	if v == 0 || i < 2 || !s.isPunct(i-1, ',') || !s.isPunct(i+1, ',') || !s.adjacent(i+1) {
		return
	}
	if !s.nameToken(i-2, false) || !(i == 2 || s.toks[i-2].nl || s.opener(i-3)) {
		return
	}
	s.add(Name, Medium, s.toks[i-2].start, s.toks[i-2].end)
	if v >= 90 && v < 150 {
		s.add(AgeOver89, Medium, s.toks[i].start, s.toks[i].end)
	}
}

// ageWord handles "age 94", "aged 104", "age: 96".
func (s *scanner) ageWord(i int) {
	j := i + 1
	for k := 0; k < 2 && (s.isPunct(j, ':') || s.is(j, "of") || s.is(j, "is")); k++ {
		j++
	}
	if !s.onLine(j) || s.toks[j].kind != tNum || s.toks[j].end-s.toks[j].start > 3 {
		return
	}
	t := s.toks[j]
	v, _ := readInt(s.text, t.start, t.end, 3)
	if v < 90 || v >= 150 || s.unitAfter(t.end) || t.end < len(s.text) && isAlnum(s.text[t.end]) {
		return
	}
	s.add(AgeOver89, Medium, s.toks[i].start, t.end)
}

// ninety handles ages in words: "ninety-four-year-old".
func (s *scanner) ninety(i int) {
	p := s.toks[i].end
	w := s.window(p, 8)
	if len(w) > 1 && (w[0] == '-' || w[0] == ' ') {
		q := 1
		for q < len(w) && isLetter(w[q]) {
			q++
		}
		switch strings.ToLower(w[1:q]) {
		case "one", "two", "three", "four", "five", "six", "seven", "eight", "nine":
			p += q
		}
	}
	if end, ok, sex := s.ageSuffix(p); ok && !sex {
		s.add(AgeOver89, Medium, s.toks[i].start, end)
	} else if s.is(i-1, "is") || s.is(i-1, "was") || s.is(i-1, "turned") || s.is(i-1, "aged") || s.is(i-1, "age") {
		s.add(AgeOver89, Medium, s.toks[i].start, p) // "he is ninety-one"
	}
}

package phi

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names. Without a language model the scanner looks for names only where a
// clinician's writing puts them: after an honorific ("Mrs. Jones"), after
// "patient"/"pt", after a relative ("his wife Margaret"), in a "Name:" field,
// after "a lady called", and before an age and sex ("Jane Morrow, 71F").
// Capitalised words that are not names (sentence openers, departments,
// eponyms) are kept out by the stop list; clinicians' own names by
// Options.StaffNames.

// capitalised reports whether w starts with an upper-case letter and has a
// lower-case one after it ("Smith", "McAllister", "Žofie"; not "ICU").
func capitalised(w string) bool {
	r, size := utf8.DecodeRuneInString(w)
	if !unicode.IsUpper(r) {
		return false
	}
	for _, r := range w[size:] {
		if unicode.IsLower(r) {
			return true
		}
	}
	return false
}

// nameToken reports whether token j could be part of a person's name.
// After an honorific, eponyms are surnames ("Mr Wilson").
func (s *scanner) nameToken(j int, honorific bool) bool {
	if j < 0 || j >= len(s.toks) || s.toks[j].kind != tWord {
		return false
	}
	w := s.word(j)
	if len(w) < 2 || !capitalised(w) || len(w) == 2 && w[1] == 'x' { // Hx, Dx
		return false
	}
	stop := kwStop | kwMonth
	if !honorific {
		stop |= kwEponym
	}
	return s.toks[j].kw&stop == 0
}

// apostrophe reports whether token k is ' or ’.
func (s *scanner) apostrophe(k int) bool {
	if k < 0 || k >= len(s.toks) || s.toks[k].kind != tPunct {
		return false
	}
	p := s.text[s.toks[k].start:s.toks[k].end]
	return p == "'" || p == "’"
}

// joined extends a name part at token j over "-Jones" and "'Brien" and
// returns the index after it. Possessive "'s" is left out.
func (s *scanner) joined(j int) int {
	k := j + 1
	for k+1 < len(s.toks) && s.adjacent(k) && s.adjacent(k+1) && (s.isPunct(k, '-') || s.apostrophe(k)) && capitalised(s.word(k+1)) {
		k += 2
	}
	return k
}

// readName reads up to max name parts from token j, separated by single
// spaces on one line, with middle initials ("John A. Smith"). It returns
// the index after the name, the byte end, and the number of parts.
func (s *scanner) readName(j, max int, honorific bool) (next, end, n int) {
	next = j
	for n < max && s.onLine(j) {
		if n > 0 && !s.toks[j].space {
			break
		}
		if n > 0 && s.initial(j) && s.isPunct(j+1, '.') && s.nameToken(j+2, true) {
			j += 2
			continue
		}
		first := j
		if s.initial(j) && s.apostrophe(j+1) && s.adjacent(j+1) { // O'Sullivan, D'Souza
			if k := s.joined(j); k > j+1 {
				next, end, n, j = k, s.toks[k-1].end, n+1, k
				continue
			}
		}
		if !s.nameToken(j, honorific || n > 0) {
			break
		}
		k := s.joined(first)
		next, end, n, j = k, s.toks[k-1].end, n+1, k
	}
	return next, end, n
}

// initial reports whether token j is a single capital letter.
func (s *scanner) initial(j int) bool {
	return j >= 0 && j < len(s.toks) && s.toks[j].kind == tWord && s.toks[j].end-s.toks[j].start == 1 && isUpper(s.text[s.toks[j].start])
}

// honorific handles "Mr Okonkwo", "Mrs. Delacroix" and "Mr. X, 67M".
func (s *scanner) honorific(i int) {
	w := s.word(i)
	if !isUpper(w[0]) || strings.ToLower(w[1:]) != w[1:] {
		return // "MR" is mitral regurgitation, "MS" multiple sclerosis
	}
	j := i + 1
	if s.isPunct(j, '.') && s.adjacent(j) {
		j++
	}
	if j >= len(s.toks) || !s.toks[j].space || s.toks[j].nl {
		return
	}
	if s.initial(j) && !s.apostrophe(j+1) {
		// An initial is a name only with the patient's age and sex after it.
		if s.isPunct(j+1, ',') && j+2 < len(s.toks) && s.toks[j+2].kind == tNum {
			if _, ok, _ := s.ageSuffix(s.toks[j+2].end); ok {
				s.add(Name, Low, s.toks[i].start, s.toks[j].end)
			}
		}
		return
	}
	next, end, n := s.readName(j, 3, true)
	if n == 0 || s.after(next, 5)&kwStaff != 0 { // "Mr Patel, our consultant surgeon"
		return
	}
	s.add(Name, Medium, s.toks[i].start, end)
}

// afterContext reads a name that follows a context word at token i,
// allowing one ',', ':' or '(' and, with words, "is"/"named"/"called"
// between.
func (s *scanner) afterContext(i, max int, words bool) {
	j := i + 1
	if s.isPunct(j, ',') || s.isPunct(j, ':') || s.isPunct(j, '(') {
		j++
	}
	if words && (s.is(j, "is") || s.is(j, "named") || s.is(j, "called")) {
		j++
	}
	if j >= len(s.toks) || !s.toks[j].space && !s.isPunct(j-1, ':') && !s.isPunct(j-1, '(') || s.toks[j].nl {
		return
	}
	_, end, n := s.readName(j, max, false)
	if n > 0 {
		s.add(Name, Medium, s.toks[j].start, end)
	}
}

// patientName handles "pt John Smith", "Patient: Robert Fairbanks" and
// "the patient, Aisha Rahman,".
func (s *scanner) patientName(i int) {
	if s.apostrophe(i + 1) {
		return // "patient's"
	}
	s.afterContext(i, 3, false)
}

// relativeName handles "his wife Margaret", "the mother, Danielle".
func (s *scanner) relativeName(i int) {
	s.afterContext(i, 2, true)
}

// nameField handles "Name: Kevin O'Sullivan", "her name is Doris", "a lady
// called Doris", "two patients named Williams".
func (s *scanner) nameField(i int) {
	switch {
	case s.is(i, "name"):
		j := i + 2
		switch {
		case s.isPunct(i+1, ':'), s.is(i+1, "is") && s.before(i, 2)&kwPerson != 0:
		case i > 0 && s.toks[i-1].kw&kwPatient != 0: // "pt name Gloria …"
			j = i + 1
		default:
			return
		}
		_, end, n := s.readName(j, 3, false)
		if n > 0 {
			s.add(Name, Medium, s.toks[j].start, end)
		}
	case s.before(i, 3)&(kwPerson|kwPeople) != 0:
		s.afterContext(i, 2, false)
	}
}

// nameBeforeAge handles "Eleanor Whitfield, 91F", "Jane Morrow (71F)" and
// board-style "Jones, Peter - 78M": capitalised words right before an age and
// sex are the patient's name when they start a line, sentence or field.
func (s *scanner) nameBeforeAge(i int) {
	if i >= 2 && s.separator(i-1) {
		s.nameBackward(i-2, false)
	}
}

// nameBeforeField handles "Nguyen, T - MRN 8812034": a "Surname, Given"
// name in front of a record field.
func (s *scanner) nameBeforeField(i int) {
	if i >= 2 && s.separator(i-1) && !s.isPunct(i-1, '(') {
		s.nameBackward(i-2, true)
	}
}

// separator reports whether token j separates fields: , ( | / or a dash.
func (s *scanner) separator(j int) bool {
	return s.isPunct(j, ',') || s.isPunct(j, '(') || s.isPunct(j, '|') || s.isPunct(j, '/') || s.dash(j)
}

// dash reports whether token j is -, – or —.
func (s *scanner) dash(j int) bool {
	if j < 0 || j >= len(s.toks) || s.toks[j].kind != tPunct {
		return false
	}
	p := s.text[s.toks[j].start:s.toks[j].end]
	return p == "-" || p == "–" || p == "—"
}

// opener reports whether token j ends what comes before a field: nothing,
// or one of : - | * ( . ; / •.
func (s *scanner) opener(j int) bool {
	if j < 0 {
		return true
	}
	t := s.toks[j]
	if t.kind != tPunct {
		return false
	}
	return strings.IndexByte(":-|*(.;/", s.text[t.start]) >= 0 || s.dash(j) || s.text[t.start:t.end] == "•"
}

// nameBackward reads a name that ends at token last, reading backwards:
// "Eleanor Whitfield", or (always, when comma is set) "Jones, Peter" and
// "Nguyen, T". The name must open a line or field.
func (s *scanner) nameBackward(last int, comma bool) {
	first := -1
	switch {
	case (s.nameToken(last, false) || s.initial(last)) && s.isPunct(last-1, ',') && s.nameToken(last-2, false):
		first = last - 2
	case comma:
		return
	default:
		for j, n := last, 0; j >= 0 && n < 3 && s.nameToken(j, false); j, n = j-1, n+1 {
			first = j
			if s.toks[j].nl || !s.toks[j].space {
				break
			}
		}
	}
	if first < 0 {
		return
	}
	if !s.toks[first].nl && !s.opener(first-1) && !(first > 0 && s.toks[first-1].kw&kwPatient != 0) {
		return
	}
	s.add(Name, Medium, s.toks[first].start, s.toks[last].end)
}

// isStaff reports whether every word of a name finding belongs to one of the
// clinicians' own names ("Mr Patel" and "Sanjay" both match "Sanjay Patel").
func isStaff(match string, staff []string) bool {
	for _, name := range staff {
		if allWordsIn(match, name) {
			return true
		}
	}
	return false
}

// allWordsIn reports whether each word of match (honorifics and initials
// aside) is a word of name, ignoring case.
func allWordsIn(match, name string) bool {
	found := false
	for rest := match; rest != ""; {
		var w string
		w, rest = nextWord(rest)
		if w == "" || len(w) == 1 || isHonorific(w) {
			continue
		}
		if !hasWordFold(name, w) {
			return false
		}
		found = true
	}
	return found
}

// nextWord splits the first word off s at spaces, commas and full stops.
func nextWord(s string) (word, rest string) {
	i := 0
	for i < len(s) && nameSep(s[i]) {
		i++
	}
	j := i
	for j < len(s) && !nameSep(s[j]) {
		j++
	}
	return s[i:j], s[j:]
}

func nameSep(c byte) bool { return c == ' ' || c == ',' || c == '.' }

func isHonorific(w string) bool { return lookupWord(w)&kwHonor != 0 }

// hasWordFold reports whether name contains w as a whole word, ignoring case.
func hasWordFold(name, w string) bool {
	for rest := name; rest != ""; {
		var f string
		f, rest = nextWord(rest)
		if strings.EqualFold(f, w) {
			return true
		}
	}
	return false
}

package phi

// Places: street addresses, ZIP codes and postcodes (Safe Harbor's
// geographic subdivisions smaller than a state), and room and bed numbers.

// streetWord reports whether token j can sit inside a street name:
// a capitalised word, a compass point, or an ordinal ("5th").
func (s *scanner) streetWord(j int) bool {
	t := s.toks[j]
	switch t.kind {
	case tWord:
		w := s.word(j)
		switch w {
		case "N", "S", "E", "W", "NE", "NW", "SE", "SW":
			return true
		}
		return capitalised(w)
	case tNum:
		if j+1 < len(s.toks) && s.adjacent(j+1) {
			switch s.word(j + 1) {
			case "st", "nd", "rd", "th":
				return true
			}
		}
	}
	return false
}

// street reads "Willow Creek Road", "N Lake Shore Dr Apt 12C" from token j:
// one to four street words and a suffix. It returns the byte end.
func (s *scanner) street(j int) (int, bool) {
	words := 0
	for k := j; k < len(s.toks) && k < j+12 && words <= 5; k++ {
		t := s.toks[k]
		if !t.space || t.nl {
			if t.kind == tPunct && s.text[t.start] == '.' {
				continue // "N." or "St." inside the name
			}
			if t.kind == tWord && k > j && s.toks[k-1].kind == tNum {
				continue // the "th" of "5th"
			}
			return 0, false
		}
		if words > 0 && t.kind == tWord && t.kw&kwStreet != 0 && isUpper(s.text[t.start]) {
			if s.word(k) == "Dr" && s.titleAfter(k) {
				return 0, false // "… Dr Patel" is a doctor, not a drive
			}
			return s.unitAfterStreet(k), true
		}
		if !s.streetWord(k) {
			return 0, false
		}
		words++
	}
	return 0, false
}

// titleAfter reports whether a capitalised word other than a unit ("Apt")
// follows token k, as after the title "Dr".
func (s *scanner) titleAfter(k int) bool {
	j := k + 1
	if s.isPunct(j, '.') {
		j++
	}
	if j >= len(s.toks) || s.toks[j].kind != tWord || !capitalised(s.word(j)) {
		return false
	}
	return !s.is(j, "apt") && !s.is(j, "unit") && !s.is(j, "suite") && !s.is(j, "flat")
}

// unitAfterStreet extends an address over ", Apt 4B", "Unit 3", "#12".
func (s *scanner) unitAfterStreet(k int) int {
	end := s.toks[k].end
	j := k + 1
	if s.isPunct(j, '.') && s.adjacent(j) {
		end, j = s.toks[j].end, j+1
	}
	if s.isPunct(j, ',') {
		j++
	}
	if s.is(j, "apt") || s.is(j, "apartment") || s.is(j, "unit") || s.is(j, "suite") || s.is(j, "ste") || s.isPunct(j, '#') {
		if v := s.glueEnd(j + 1); v < len(s.toks) {
			if e, d, _ := s.readValue(s.toks[v].start, false); d > 0 {
				return e
			}
		}
	}
	return end
}

// addressAt handles a house number at number token i: "42 Willow Creek Road",
// "221B Baker Street".
func (s *scanner) addressAt(i int) {
	t := s.toks[i]
	if t.end-t.start > 6 {
		return
	}
	j := i + 1
	if j < len(s.toks) && s.adjacent(j) {
		if !s.initial(j) {
			return
		}
		j++ // 221B
	}
	if j >= len(s.toks) {
		return
	}
	if end, ok := s.street(j); ok {
		s.add(Address, Medium, t.start, end)
	}
}

// streetNamed handles an address without a house number after "lives on",
// "resides at", "address:".
func (s *scanner) streetNamed(i int) {
	j := i + 1
	if s.is(j, "on") || s.is(j, "at") || s.is(j, "in") || s.isPunct(j, ':') {
		j++
	}
	if j >= len(s.toks) || s.toks[j].kind != tWord {
		return
	}
	if end, ok := s.street(j); ok {
		s.add(Address, Medium, s.toks[j].start, end)
	}
}

// poBox handles "P.O. Box 4471" and "PO Box 77".
func (s *scanner) poBox(i int) {
	w := s.window(s.toks[i].start, 12)
	var p int
	switch {
	case hasPrefixFold(w, "p.o. box "):
		p = 9
	case hasPrefixFold(w, "po box "):
		p = 7
	default:
		return
	}
	start := s.toks[i].start
	if _, end := readInt(s.text, start+p, min(len(s.text), start+p+8), 8); end > start+p {
		s.add(Address, Medium, start, end)
	}
}

// zipDigits reads a five-digit ZIP code, with an optional "-1234", at pos.
func (s *scanner) zipDigits(pos int) (int, bool) {
	text := s.text
	lim := min(len(text), pos+12)
	_, q := readInt(text, pos, lim, 6)
	if q-pos != 5 {
		return 0, false
	}
	if q+5 <= lim && text[q] == '-' {
		if _, r := readInt(text, q+1, lim, 5); r-q-1 == 4 {
			q = r
		}
	}
	if q < len(text) && isAlnum(text[q]) || s.unitAfter(q) {
		return 0, false
	}
	return q, true
}

// zipAfterState handles "Portland, OR 97209" and "Boston MA 02115-1234".
func (s *scanner) zipAfterState(i int) {
	code := s.word(i)
	if len(code) != 2 || !usStates[code] {
		return
	}
	j := i + 1
	if j >= len(s.toks) || s.toks[j].kind != tNum || s.toks[j].start != s.toks[i].end+1 {
		return
	}
	end, ok := s.zipDigits(s.toks[j].start)
	if !ok {
		return
	}
	comma := s.isPunct(i-1, ',')
	city := i > 0 && s.toks[i-1].kind == tWord && capitalised(s.word(i-1))
	plus4 := end-s.toks[j].start == 10
	if comma || plus4 || city && !clinicalStates[code] {
		s.add(ZIP, Medium, s.toks[i].start, end)
	}
}

// zipLabel handles "ZIP 60614", "zip code: 30318", "postcode M14 5RH".
func (s *scanner) zipLabel(i int) {
	j := i + 1
	if s.is(i, "post") || s.is(i, "postal") {
		if !s.is(j, "code") {
			return
		}
		j++
	} else if s.is(j, "code") {
		j++
	}
	j = s.glueEnd(j)
	if !s.onLine(j) {
		return
	}
	if s.toks[j].kind == tNum {
		if end, ok := s.zipDigits(s.toks[j].start); ok {
			s.add(ZIP, Medium, s.toks[i].start, end)
		}
		return
	}
	if end, ok := s.postcode(j); ok {
		s.add(ZIP, Medium, s.toks[i].start, end)
	}
}

// postcodeAt reports a UK postcode whose outward code starts at token i.
func (s *scanner) postcodeAt(i int) {
	if e, ok := s.postcode(i); ok {
		s.add(ZIP, Medium, s.toks[i].start, e)
	}
}

// postcode reads a UK postcode at token i: an outward code in a real
// postcode area ("LS6", "SW1A", "M14"), a space, and an inward code of a
// digit and two letters from the set the Royal Mail uses.
func (s *scanner) postcode(i int) (int, bool) {
	start := s.toks[i].start
	w := s.window(start, 9)
	p := 0
	for p < len(w) && p < 2 && isUpper(w[p]) {
		p++
	}
	if p == 0 || !ukAreas[w[:p]] || p >= len(w) || !isDigit(w[p]) {
		return 0, false
	}
	p++
	if p < len(w) && (isDigit(w[p]) || isUpper(w[p])) {
		p++
	}
	if p+4 > len(w) || w[p] != ' ' || !isDigit(w[p+1]) || !inwardLetter(w[p+2]) || !inwardLetter(w[p+3]) {
		return 0, false
	}
	end := start + p + 4
	if end < len(s.text) && isAlnum(s.text[end]) {
		return 0, false
	}
	return end, true
}

func inwardLetter(c byte) bool {
	switch c {
	case 'C', 'I', 'K', 'M', 'O', 'V':
		return false
	}
	return isUpper(c)
}

// roomBed handles "room 412", "bed 3B", "Rm 12-B", "bay 4", "cubicle 7".
func (s *scanner) roomBed(i int) {
	if s.before(i, 3)&kwRoomSkip != 0 {
		return // "conference room 4", "clinic moved to room 5"
	}
	j := i + 1
	if s.isPunct(j, '.') && s.adjacent(j) {
		j++
	}
	j, _ = s.markerEnd(j)
	if s.isPunct(j, ':') {
		j++
	}
	if !s.onLine(j) || s.toks[j].kind != tNum || s.toks[j].end-s.toks[j].start > 4 || !s.toks[j].space && !s.isPunct(j-1, '#') {
		return
	}
	end := s.toks[j].end
	w := s.window(end, 3)
	switch {
	case len(w) >= 1 && isLetter(w[0]) && (len(w) == 1 || !isAlnum(w[1])):
		end++ // 3B
	case len(w) >= 2 && w[0] == '-' && isAlnum(w[1]) && (len(w) == 2 || !isAlnum(w[2])):
		end += 2 // 12-B
	case len(w) >= 2 && (w[0] == '.' || w[0] == ':' || w[0] == '/') && isDigit(w[1]):
		return // "bed 1.5", "1:1 nursing", "3/4"
	case len(w) >= 1 && isAlnum(w[0]):
		return
	}
	if s.unitAfter(end) || s.after(s.tokenFrom(j, end), 3)&kwVacant != 0 {
		return // "bed 3 is empty" holds no patient
	}
	s.add(RoomBed, Medium, s.toks[i].start, end)
}

package phi

// triggerRoles are the roles that start a detector at a word; words with
// only other roles (stop words, units) are context, read by lookbacks.
const triggerRoles = kwLabel | kwDOB | kwBirth | kwBorn | kwMonth | kwAge | kwNinety | kwAgeWord |
	kwHonor | kwPatient | kwRelative | kwNameWord | kwRoom | kwZip | kwAddrCtx

// wordTriggers runs the detectors that a word's roles make possible. Most
// words have no roles and cost nothing here.
func (s *scanner) wordTriggers(i int) {
	kw := s.toks[i].kw
	if kw&kwLabel != 0 {
		s.labelled(i)
	}
	short := s.toks[i].end-s.toks[i].start == 1
	if kw&(kwDOB|kwBirth) != 0 || short && s.is(i, "d") {
		s.dob(i)
	}
	if kw&kwBorn != 0 {
		s.born(i)
	}
	if kw&kwMonth != 0 {
		s.dateAt(i)
	}
	if kw&kwAge != 0 {
		s.ageWord(i)
	}
	if kw&kwNinety != 0 {
		s.ninety(i)
	}
	if kw&kwAgeWord != 0 {
		s.add(AgeOver89, Low, s.toks[i].start, s.toks[i].end)
	}
	s.nameTriggers(i, kw)
	s.placeTriggers(i, kw)
	if short && s.is(i, "p") {
		s.poBox(i)
	}
}

func (s *scanner) nameTriggers(i int, kw kwSet) {
	if kw&kwHonor != 0 {
		s.honorific(i)
	}
	if kw&kwPatient != 0 {
		s.patientName(i)
	}
	if kw&kwRelative != 0 {
		s.relativeName(i)
	}
	if kw&kwNameWord != 0 {
		s.nameField(i)
	}
}

func (s *scanner) placeTriggers(i int, kw kwSet) {
	if kw&kwRoom != 0 {
		s.roomBed(i)
	}
	if kw&kwZip != 0 {
		s.zipLabel(i)
	}
	if kw&kwAddrCtx != 0 {
		s.streetNamed(i)
	}
}

// upperPair reports whether token i is two capital letters ("MA", "LS").
func (s *scanner) upperPair(i int) bool {
	t := &s.toks[i]
	return t.end-t.start == 2 && isUpper(s.text[t.start]) && isUpper(s.text[t.start+1])
}

// filterAllowed drops the hospital's own phone numbers and clinicians' own
// names before overlaps are resolved, so an allowed number cannot hide a
// weaker finding nearby.
func (s *scanner) filterAllowed() {
	out := s.found[:0]
	for _, f := range s.found {
		switch {
		case (f.Category == Phone || f.Category == Fax) && allowedPhone(f.Match, s.opt.AllowPhones):
			continue
		case f.Category == Name && len(s.opt.StaffNames) > 0 && isStaff(f.Match, s.opt.StaffNames):
			continue
		}
		out = append(out, f)
	}
	s.found = out
}

// allowedPhone reports whether number is one of the allowed numbers. It
// compares digits from the end, so "+1 (617) 555-0100" matches "617-555-0100"
// and "020 7946 0000" matches "+44 20 7946 0000".
func allowedPhone(number string, allowed []string) bool {
	for _, a := range allowed {
		if sameNumber(number, a) {
			return true
		}
	}
	return false
}

func sameNumber(a, b string) bool {
	i, j := len(a)-1, len(b)-1
	matched, na, nb := 0, countDigits(a), countDigits(b)
	for matched < 10 {
		for i >= 0 && !isDigit(a[i]) {
			i--
		}
		for j >= 0 && !isDigit(b[j]) {
			j--
		}
		if i < 0 || j < 0 || a[i] != b[j] {
			break
		}
		matched++
		i--
		j--
	}
	return matched >= 7 && matched >= min(10, na, nb)
}

package phi

import "strings"

// Labelled identifiers: "MRN: 00123456", "NHS no. 943 476 5919", "Acct #
// 88120456". A label alone is weak evidence and a number alone is weaker;
// together they are the strongest signal the scanner has, so a value right
// after its label is High.

// labelNeed says what must follow a label word before its value.
type labelNeed uint8

const (
	needNothing labelNeed = iota // "MRN 123", "SSN 123"
	needMarker                   // "chart # 123", "policy no. 123"
	needFollow                   // "medical record", "social security"
	needSymbol                   // "SN: 123", "acc # 123": a ':' or '#'
)

type labelRule struct {
	cat    Category
	need   labelNeed
	follow string // for needFollow: the next word, by prefix ("record" matches "records")
	upper  bool   // only in capitals: "FIN", "CSN" are words in lower case
	conf   Confidence
}

var labelRules = map[string]labelRule{
	"mrn": {cat: MRN}, "urn": {cat: MRN, upper: true},
	"mr": {cat: MRN, need: needMarker}, "ur": {cat: MRN, need: needMarker},
	"medical":  {cat: MRN, need: needFollow, follow: "record"},
	"med":      {cat: MRN, need: needFollow, follow: "rec"},
	"hospital": {cat: MRN, need: needMarker}, "hosp": {cat: MRN, need: needMarker},
	"chart": {cat: MRN, need: needMarker}, "unit": {cat: MRN, need: needMarker},
	"record": {cat: MRN, need: needMarker}, "patient": {cat: MRN, need: needMarker},
	"pt": {cat: MRN, need: needMarker},

	"ssn": {cat: SSN}, "ss": {cat: SSN, need: needSymbol},
	"social": {cat: SSN, need: needFollow, follow: "security"},
	"soc":    {cat: SSN, need: needFollow, follow: "sec"},

	"nhs": {cat: HealthPlan}, "chi": {cat: HealthPlan, upper: true}, "mbi": {cat: HealthPlan},
	"hicn": {cat: HealthPlan}, "medicare": {cat: HealthPlan}, "medicaid": {cat: HealthPlan},
	"member": {cat: HealthPlan, need: needMarker}, "subscriber": {cat: HealthPlan, need: needMarker},
	"beneficiary": {cat: HealthPlan, need: needMarker}, "policy": {cat: HealthPlan, need: needMarker},
	"insurance": {cat: HealthPlan, need: needMarker}, "ins": {cat: HealthPlan, need: needMarker},
	"plan": {cat: HealthPlan, need: needMarker},

	"account": {cat: Account}, "acct": {cat: Account},
	"billing": {cat: Account, need: needMarker}, "claim": {cat: Account, need: needMarker},
	"invoice": {cat: Account, need: needMarker}, "encounter": {cat: Account, need: needMarker},
	"visit": {cat: Account, need: needMarker}, "fin": {cat: Account, upper: true},
	"csn": {cat: Account, upper: true}, "har": {cat: Account, upper: true},

	"license": {cat: License}, "licence": {cat: License}, "lic": {cat: License, need: needMarker},
	"dl": {cat: License, upper: true}, "dea": {cat: License}, "npi": {cat: License, conf: Low},
	"gmc": {cat: License, conf: Low}, "nmc": {cat: License, need: needMarker, conf: Low},
	"passport": {cat: License}, "plate": {cat: License},
	"registration": {cat: License, need: needFollow, follow: "plate"},
	"reg":          {cat: License, need: needFollow, follow: "plate"},
	"cert":         {cat: License, need: needMarker}, "certificate": {cat: License, need: needMarker},
	"permit": {cat: License, need: needMarker},

	"serial": {cat: DeviceSerial}, "sn": {cat: DeviceSerial, upper: true},
	"udi": {cat: DeviceSerial}, "imei": {cat: DeviceSerial}, "vin": {cat: DeviceSerial, upper: true},
	"device": {cat: DeviceSerial, need: needMarker}, "lot": {cat: DeviceSerial, conf: Low},

	"accession": {cat: Accession}, "acc": {cat: Accession, need: needSymbol},
	"specimen": {cat: Accession, need: needMarker}, "path": {cat: Accession, need: needMarker},
	"pathology": {cat: Accession, need: needMarker}, "requisition": {cat: Accession, need: needMarker},
	"req": {cat: Accession, need: needMarker}, "lab": {cat: Accession, need: needMarker},
	"sample": {cat: Accession, need: needMarker}, "order": {cat: Accession, need: needMarker},
}

// lowerASCII copies w, lower-cased, into buf; ok is false for long or
// non-ASCII words.
func lowerASCII(buf *[24]byte, w string) (string, bool) {
	if len(w) > len(buf) {
		return "", false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= 0x80 {
			return "", false
		}
		if isUpper(c) {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return string(buf[:len(w)]), true // escapes only into map lookups and compares
}

// is reports whether token i is the word w (ASCII, any case).
func (s *scanner) is(i int, w string) bool {
	if i < 0 || i >= len(s.toks) {
		return false
	}
	t := s.toks[i]
	return t.kind == tWord && t.end-t.start == len(w) && strings.EqualFold(s.text[t.start:t.end], w)
}

// markerEnd skips an optional number marker ("#", "no", "no.", "number",
// "id") at token j and reports whether there was one.
func (s *scanner) markerEnd(j int) (int, bool) {
	found := false
	for k := 0; k < 3 && s.onLine(j); k++ {
		switch {
		case s.isPunct(j, '#'):
			j++
		case s.is(j, "no") || s.is(j, "number") || s.is(j, "num") || s.is(j, "nbr") || s.is(j, "nr") || s.is(j, "id"):
			j++
			if s.isPunct(j, '.') {
				j++
			}
		default:
			return j, found
		}
		found = true
	}
	return j, found
}

// onLine reports whether token j exists and is on the same line as the
// token before it.
func (s *scanner) onLine(j int) bool { return j >= 0 && j < len(s.toks) && !s.toks[j].nl }

// labelAt recognises an identifier label at word token i. It returns the
// rule and the index of the first token after the label.
func (s *scanner) labelAt(i int) (labelRule, int, bool) {
	var buf [24]byte
	w, ok := lowerASCII(&buf, s.word(i))
	if !ok {
		return labelRule{}, 0, false
	}
	r, ok := labelRules[w]
	if !ok {
		if w == "s" && s.isPunct(i+1, '/') && (s.is(i+2, "n") || s.is(i+2, "no")) {
			r, i = labelRule{cat: DeviceSerial}, i+2 // S/N
		} else {
			return labelRule{}, 0, false
		}
	}
	if r.upper && !isUpper(s.text[s.toks[i].start+1]) {
		return labelRule{}, 0, false
	}
	j := i + 1
	if s.isPunct(j, '.') && s.adjacent(j) {
		j++ // "Lic. #", "Hosp. no"
	}
	switch r.need {
	case needFollow:
		if j >= len(s.toks) || s.toks[j].kind != tWord || !hasPrefixFold(s.word(j), r.follow) {
			return labelRule{}, 0, false
		}
		j, _ = s.markerEnd(j + 1)
	case needMarker:
		var found bool
		if j, found = s.markerEnd(j); !found {
			return labelRule{}, 0, false
		}
	case needSymbol:
		if !s.isPunct(j, ':') && !s.isPunct(j, '#') {
			return labelRule{}, 0, false
		}
	default:
		j, _ = s.markerEnd(j)
	}
	if r.conf == 0 {
		r.conf = High
	}
	return r, j, true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// glueEnd skips what sits between a label and its value: spaces, ':', '=',
// '#', '-', and the words is/was/as/of.
func (s *scanner) glueEnd(j int) int {
	for k := 0; k < 4 && s.onLine(j); k++ {
		t := s.toks[j]
		if t.kind == tPunct {
			switch s.text[t.start] {
			case ':', '=', '#', '-':
				j++
				continue
			}
			return j
		}
		if s.is(j, "is") || s.is(j, "was") || s.is(j, "as") || s.is(j, "of") {
			j++
			continue
		}
		return j
	}
	return j
}

// labelled finds the value after the label at word token i.
func (s *scanner) labelled(i int) {
	r, j, ok := s.labelAt(i)
	if !ok {
		return
	}
	j = s.glueEnd(j)
	if !s.onLine(j) {
		return // values do not continue on the next line
	}
	if s.toks[j].kind != tPunct || s.isPunct(j, '(') {
		if end, conf, ok := s.labelValue(r, s.toks[j].start); ok {
			s.add(r.cat, conf, s.toks[i].start, end)
			s.nameBeforeField(i)
			return
		}
	}
	// The value may come a few words later: "the ssn on the card is 464720457".
	for k, n := j, 0; k < len(s.toks) && n < 8; k++ {
		if s.boundary(k) {
			return
		}
		if s.toks[k].kind == tNum && s.chunkStart(k) {
			if end, conf, ok := s.labelValue(r, s.toks[k].start); ok && s.strictValue(r.cat, s.toks[k].start, end) {
				s.add(r.cat, min(conf, Medium), s.toks[k].start, end)
				return
			}
		}
		if s.toks[k].kind != tPunct {
			n++
		}
	}
}

// strictValue admits a value found away from its label only when its shape
// alone is telling.
func (s *scanner) strictValue(c Category, start, end int) bool {
	d := countDigits(s.text[start:end])
	switch c {
	case SSN:
		return d == 9
	case HealthPlan:
		return d == 10 || d == 11
	default:
		return d >= 6
	}
}

func countDigits(v string) int {
	n := 0
	for i := 0; i < len(v); i++ {
		if isDigit(v[i]) {
			n++
		}
	}
	return n
}

// labelValue reads the value at pos and judges it for the label's category.
func (s *scanner) labelValue(r labelRule, pos int) (end int, conf Confidence, ok bool) {
	end, digits, letters := s.readValue(pos, r.cat == DeviceSerial)
	if end <= pos {
		return 0, 0, false
	}
	v := s.text[pos:end]
	n := end - pos
	conf = r.conf
	switch r.cat {
	case MRN:
		ok = digits >= 5 && digits <= 15 && letters <= 3
	case SSN:
		ok = digits == 9 && letters == 0
		if ok && !validSSN(v) {
			conf = Low
		}
	case HealthPlan:
		switch {
		case digits == 10 && letters == 0:
			ok = true
			if !validNHS(v) {
				conf = Medium
			}
		case validMBI(v):
			ok = true
		default:
			ok = digits >= 4 && n >= 5
		}
	case Account, Accession:
		ok = digits >= 4
	case License:
		ok = digits >= 2 && n >= 4 && n <= 20
		if ok && letters == 2 && digits == 7 && !ValidDEA(v) && conf == High {
			conf = Medium
		}
	case DeviceSerial:
		ok = digits >= 1 && n >= 5
	}
	return end, conf, ok
}

// readValue reads an identifier at pos: letters and digits joined by single
// '-', '/' or '.', and digit groups joined by single spaces ("943 476 5919").
// UDIs also keep their GS1 parentheses.
func (s *scanner) readValue(pos int, parens bool) (end, digits, letters int) {
	w := s.window(pos, 48)
	if w == "" || !(isAlnum(w[0]) || parens && w[0] == '(') {
		return pos, 0, 0
	}
	group := 0 // digits in the current space-separated group; -1 once it has a letter
	p := 0
	for p < len(w) {
		c := w[p]
		switch {
		case isDigit(c):
			digits++
			if group >= 0 {
				group++
			}
		case isLetter(c):
			letters++
			group = -1
		case parens && (c == '(' || c == ')'):
		case (c == '-' || c == '/' || c == '.') && p > 0 && isAlnum(w[p-1]) && p+1 < len(w) && isAlnum(w[p+1]):
		case c == ' ' && group > 0 && p+2 < len(w) && isDigit(w[p+1]) && isDigit(w[p+2]) && digits < 12:
			group = 0
		default:
			return pos + p, digits, letters
		}
		p++
	}
	return pos + p, digits, letters
}

// alnumChunk checks runs that mix letters and digits for self-describing
// formats: Medicare MBI, DEA numbers, VINs, pathology accession numbers and
// UK postcodes.
func (s *scanner) alnumChunk(i int) {
	next := i + 1
	mixed := next < len(s.toks) && s.adjacent(next) && (s.toks[next].kind != tPunct || s.isPunct(next, '-'))
	if !mixed {
		return // a plain word or number: no format here mixes nothing
	}
	start := s.toks[i].start
	end, letters, digits := s.chunkEnd(i)
	if letters == 0 || digits == 0 {
		return
	}
	v := s.text[start:end]
	switch {
	case validMBI(v):
		s.add(HealthPlan, Medium, start, end)
	case len(v) == 9 && ValidDEA(v):
		s.add(License, Medium, start, end)
	case len(v) == 17 && validVIN(v):
		s.add(DeviceSerial, Medium, start, end)
	case accessionShape(v):
		s.add(Accession, Medium, start, end)
	}
	s.postcodeAt(i)
}

// chunkEnd returns the end of the letter-and-digit run starting at token i
// (single hyphens included) and its letter and digit counts.
func (s *scanner) chunkEnd(i int) (end, letters, digits int) {
	w := s.window(s.toks[i].start, 24)
	p := 0
	for p < len(w) {
		c := w[p]
		switch {
		case isDigit(c):
			digits++
		case isLetter(c):
			letters++
		case c == '-' && p > 0 && p+1 < len(w) && isAlnum(w[p+1]):
		default:
			return s.toks[i].start + p, letters, digits
		}
		p++
	}
	if p == len(w) && s.toks[i].start+p < len(s.text) && isAlnum(s.text[s.toks[i].start+p]) {
		return s.toks[i].start, 0, 0 // longer than any format we know
	}
	return s.toks[i].start + p, letters, digits
}

// accessionShape matches laboratory numbers like "S23-18842", "SP-24-00817"
// and "RAD-2023-00123": a short capital prefix, a year, and a serial.
func accessionShape(v string) bool {
	p := 0
	for p < len(v) && p < 4 && isUpper(v[p]) {
		p++
	}
	if p == 0 {
		return false
	}
	if p < len(v) && v[p] == '-' {
		p++
	}
	y := p
	for p < len(v) && isDigit(v[p]) {
		p++
	}
	if n := p - y; n != 2 && n != 4 {
		return false
	}
	if p >= len(v) || v[p] != '-' {
		return false
	}
	p++
	serial := len(v) - p
	return serial >= 3 && serial <= 7 && countDigits(v[p:]) == serial
}

// hospitalMRN reports every match of the hospital's own MRN grammar. The
// pattern runs only over the words that contain a digit (neighbouring such
// words joined, so "943 476 5919" stays whole): running a user's regular
// expression over every byte of every post would cost more than the rest of
// the scanner together.
func (s *scanner) hospitalMRN() {
	re := s.opt.MRNPattern
	if re == nil {
		return
	}
	for k := 0; k < len(s.nums); {
		w := s.nums[k]
		for k++; k < len(s.nums) && s.nums[k].start == w.end+1 && s.text[w.end] == ' '; k++ {
			w.end = s.nums[k].end
		}
		s.work += w.end - w.start
		for _, m := range re.FindAllStringIndex(s.text[w.start:w.end], 16) {
			s.add(MRN, Medium, w.start+m[0], w.start+m[1])
		}
	}
}

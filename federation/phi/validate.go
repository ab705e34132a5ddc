package phi

// Check digits. A number that passes its format's check is far more likely
// to be that identifier than a number that merely has the right length, so
// validators are what let the scanner flag a bare NHS number or DEA number
// without a context word.

// digitsOf appends the ASCII digits of v to dst, skipping the separators
// people write inside numbers (space, '-', '.'); ok is false if v holds
// anything else.
func digitsOf(dst []byte, v string) ([]byte, bool) {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case isDigit(c):
			dst = append(dst, c-'0')
		case c == ' ' || c == '-' || c == '.':
		default:
			return dst, false
		}
	}
	return dst, true
}

func allSame(d []byte) bool {
	for _, x := range d[1:] {
		if x != d[0] {
			return false
		}
	}
	return true
}

// validNHS reports whether v is a UK NHS number: ten digits whose last is
// the modulus-11 check digit of the first nine (weights 10 down to 2; a
// remainder giving 10 is never issued).
func validNHS(v string) bool {
	var buf [16]byte
	d, ok := digitsOf(buf[:0], v)
	if !ok || len(d) != 10 || allSame(d) {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		sum += int(d[i]) * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && check == int(d[9])
}

// validSSN reports whether v could be an issued US Social Security number:
// nine digits, plain or grouped 3-2-4 with one consistent separator; area not
// 000, 666 or 900-999; group not 00; serial not 0000; and not one of the
// numbers famous from advertising and examples.
func validSSN(v string) bool {
	switch len(v) {
	case 9:
	case 11:
		if v[3] != v[6] || (v[3] != '-' && v[3] != ' ') {
			return false
		}
	default:
		return false
	}
	var buf [16]byte
	d, ok := digitsOf(buf[:0], v)
	if !ok || len(d) != 9 || allSame(d) {
		return false
	}
	area := int(d[0])*100 + int(d[1])*10 + int(d[2])
	group := int(d[3])*10 + int(d[4])
	serial := int(d[5])*1000 + int(d[6])*100 + int(d[7])*10 + int(d[8])
	if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
		return false
	}
	famous := area == 78 && group == 5 && serial == 1120 || // the Woolworth wallet card
		area == 219 && group == 9 && serial == 9999 || // an SSA advertisement
		area == 123 && group == 45 && serial == 6789 // every form's example
	return !famous
}

// ValidNPI reports whether v is a US National Provider Identifier: exactly
// ten ASCII digits starting with 1 or 2, whose last digit is the Luhn check
// digit computed over the card-issuer prefix 80840 followed by the first nine
// digits.
func ValidNPI(v string) bool {
	if len(v) != 10 || (v[0] != '1' && v[0] != '2') {
		return false
	}
	sum := 24 // Luhn contribution of the 80840 prefix, per the NPI standard
	for i := 0; i < 10; i++ {
		c := v[i]
		if !isDigit(c) {
			return false
		}
		d := int(c - '0')
		if i%2 == 0 { // doubled positions, counting from the check digit
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// ValidDEA reports whether v is a DEA registration number: a registrant-type
// letter, a second letter (or 9), six digits and a check digit equal to the
// last digit of (d1+d3+d5) + 2×(d2+d4+d6).
func ValidDEA(v string) bool {
	if len(v) != 9 {
		return false
	}
	switch v[0] {
	case 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'P', 'R', 'S', 'T', 'U', 'X':
	default:
		return false
	}
	if !isUpper(v[1]) && v[1] != '9' {
		return false
	}
	var d [7]int
	for i := range d {
		c := v[2+i]
		if !isDigit(c) {
			return false
		}
		d[i] = int(c - '0')
	}
	sum := d[0] + d[2] + d[4] + 2*(d[1]+d[3]+d[5])
	return sum%10 == d[6]
}

// mbiLetter reports whether c may appear as a letter in a Medicare
// Beneficiary Identifier (S, L, O, I, B and Z are never used).
func mbiLetter(c byte) bool {
	switch c {
	case 'S', 'L', 'O', 'I', 'B', 'Z':
		return false
	}
	return isUpper(c)
}

// validMBI reports whether v has the US Medicare Beneficiary Identifier
// format, written plain (11 characters) or as 4-3-4 with hyphens.
func validMBI(v string) bool {
	if len(v) == 13 {
		if v[4] != '-' || v[8] != '-' {
			return false
		}
		var b [11]byte
		copy(b[:4], v[:4])
		copy(b[4:7], v[5:8])
		copy(b[7:], v[9:])
		return mbiPlain(b[:])
	}
	if len(v) != 11 {
		return false
	}
	var b [11]byte
	copy(b[:], v)
	return mbiPlain(b[:])
}

func mbiPlain(b []byte) bool {
	// Position classes: n = digit 1-9, d = digit, a = letter, x = letter or digit.
	const pattern = "naxdaxdaadd"
	for i, c := range b {
		switch pattern[i] {
		case 'n':
			if c < '1' || c > '9' {
				return false
			}
		case 'd':
			if !isDigit(c) {
				return false
			}
		case 'a':
			if !mbiLetter(c) {
				return false
			}
		case 'x':
			if !isDigit(c) && !mbiLetter(c) {
				return false
			}
		}
	}
	return true
}

// validVIN reports whether v is a 17-character vehicle identification number
// with a correct check digit (position 9, North American rule).
func validVIN(v string) bool {
	if len(v) != 17 {
		return false
	}
	weights := [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}
	sum, same := 0, true
	for i := 0; i < 17; i++ {
		n, ok := vinValue(v[i])
		if !ok {
			return false
		}
		sum += n * weights[i]
		same = same && v[i] == v[0]
	}
	if same {
		return false
	}
	check := byte('0' + sum%11)
	if sum%11 == 10 {
		check = 'X'
	}
	return v[8] == check
}

// vinValue transliterates a VIN character; I, O and Q are not allowed.
func vinValue(c byte) (int, bool) {
	switch {
	case isDigit(c):
		return int(c - '0'), true
	case c == 'I' || c == 'O' || c == 'Q' || !isUpper(c):
		return 0, false
	}
	const values = "12345678_12345_7_923456789" // A..Z, '_' for I, O, Q
	return int(values[c-'A'] - '0'), true
}

// Package phi finds patient identifiers in free text before a post is stored
// in a deliverable state. Federation cannot take a post back reliably once it
// has left, so the guard must be both careful (HIPAA Safe Harbor's eighteen
// identifiers, plus the UK NHS number) and cheap enough to run on every
// status, edit, poll option, media description and profile field.
//
// The scanner is deterministic: context words ("MRN", "DOB", "pt"),
// checksums (NHS modulus 11, SSN rules, DEA, MBI, VIN) and allowlists
// (fediverse handles, doses, vitals, citations, the hospital's published phone
// numbers, staff names) decide what counts. It makes one tokenising pass and
// runs small hand-written parsers only where a token could start an
// identifier, so its cost is linear in the input; there are no backtracking
// regular expressions.
//
// Matched text is returned to the caller (to tell the author what to remove)
// and never logged: Finding's String and LogValue leave it out.
package phi

import (
	"fmt"
	"log/slog"
	"regexp"
)

// Category names an identifier family. The values are stable strings used in
// configuration and audit records.
type Category string

// Categories of patient identifier.
const (
	Name         Category = "name"          // a person's name with patient context
	DOB          Category = "dob"           // date of birth
	Date         Category = "date"          // admission, discharge, death, service dates
	AgeOver89    Category = "age_over_89"   // ages of 90 and over
	Phone        Category = "phone"         // telephone numbers
	Fax          Category = "fax"           // fax numbers
	Email        Category = "email"         // e-mail addresses
	Address      Category = "address"       // street addresses
	ZIP          Category = "zip"           // ZIP codes and postcodes
	SSN          Category = "ssn"           // US Social Security numbers
	MRN          Category = "mrn"           // medical record numbers
	HealthPlan   Category = "health_plan"   // NHS, Medicare (MBI), insurer member numbers
	Account      Category = "account"       // billing, encounter, claim numbers
	License      Category = "license"       // licence, DEA, passport, number plates
	DeviceSerial Category = "device_serial" // device, implant and vehicle identifiers
	Accession    Category = "accession"     // lab, pathology and imaging accession numbers
	RoomBed      Category = "room_bed"      // room and bed numbers
	URL          Category = "url"           // links to personal profiles
	IP           Category = "ip"            // IP addresses
)

var allCategories = []Category{
	Name, DOB, Date, AgeOver89, Phone, Fax, Email, Address, ZIP, SSN, MRN,
	HealthPlan, Account, License, DeviceSerial, Accession, RoomBed, URL, IP,
}

// Categories lists every category, in a fixed order.
func Categories() []Category { return append([]Category(nil), allCategories...) }

// Confidence says how sure the scanner is that a finding is an identifier.
type Confidence int

// Confidence levels. Low findings lack the context or checksum that would
// make them certain (a bare 10-digit number that passes the NHS check, a
// date with only a pronoun nearby); the policy treats them one step softer.
const (
	Low Confidence = iota + 1
	Medium
	High
)

func (c Confidence) String() string {
	switch c {
	case Low:
		return "low"
	case Medium:
		return "medium"
	case High:
		return "high"
	}
	return fmt.Sprintf("Confidence(%d)", int(c))
}

// Finding is one suspected identifier: Match is text[Start:End]. For
// labelled identifiers the span includes the label ("DOB 04/02/1931"), so the
// message shown to the author reads naturally.
type Finding struct {
	Category   Category
	Confidence Confidence
	Start, End int // byte offsets into the scanned text
	Match      string
}

// String describes f without its matched text, so that a finding that ends up
// in a log line does not carry the identifier with it.
func (f Finding) String() string {
	return fmt.Sprintf("%s(%s)@%d-%d", f.Category, f.Confidence, f.Start, f.End)
}

// GoString keeps %#v from printing Match too.
func (f Finding) GoString() string { return "phi.Finding{" + f.String() + "}" }

// LogValue makes slog record category, confidence and span, never Match.
func (f Finding) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("category", string(f.Category)),
		slog.String("confidence", f.Confidence.String()),
		slog.Int("start", f.Start),
		slog.Int("end", f.End),
	)
}

// Options carries the hospital's own knowledge. The zero value works.
type Options struct {
	// MRNPattern is the hospital's MRN grammar; every match is reported as
	// an MRN even without a context word. It is matched against the words
	// that contain a digit (adjacent ones joined by their single space), so
	// it should describe the identifier itself, not its surroundings:
	// `\bE\d{7}\b`, not `MRN:\s*E\d{7}`.
	MRNPattern *regexp.Regexp
	// AllowPhones are the hospital's published numbers, never flagged.
	AllowPhones []string
	// StaffNames are clinicians' own names, never flagged as patient names.
	StaffNames []string
}

// Scan returns the suspected identifiers in text, ordered by position, with
// overlapping findings reduced to the most certain one. It returns nil when
// the text looks clean.
func Scan(text string, opt Options) []Finding {
	s := newScanner(text, opt)
	defer s.release()
	s.run()
	return s.result()
}

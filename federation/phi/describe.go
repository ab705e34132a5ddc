package phi

import (
	"strings"
	"unicode/utf8"
)

// descriptions are the clinician-readable names of the categories, written
// to complete "This post looks like it contains …".
var descriptions = map[Category]string{
	Name:         "a patient's name",
	DOB:          "a date of birth",
	Date:         "a date linked to a patient (such as an admission or discharge date)",
	AgeOver89:    "an age over 89",
	Phone:        "a phone number",
	Fax:          "a fax number",
	Email:        "an email address",
	Address:      "a street address",
	ZIP:          "a ZIP code or postcode",
	SSN:          "a Social Security number",
	MRN:          "a medical record number",
	HealthPlan:   "a health plan or NHS number",
	Account:      "an account number",
	License:      "a licence or certificate number",
	DeviceSerial: "a device serial number",
	Accession:    "a lab or pathology accession number",
	RoomBed:      "a room or bed number",
	URL:          "a link to a personal profile",
	IP:           "an IP address",
}

// Describe names f's category in words a clinician understands.
func Describe(f Finding) string {
	if d, ok := descriptions[f.Category]; ok {
		return d
	}
	return "a patient identifier"
}

// maxQuoted bounds how much of the match a message repeats.
const maxQuoted = 80

// Message is the sentence shown to an author whose post was stopped:
//
//	This post looks like it contains a date of birth: “DOB 04/02/1931”. Remove patient identifiers before posting.
//
// It quotes the author's own text back to them; it is not for logs.
func Message(f Finding) string {
	m := strings.Join(strings.Fields(f.Match), " ")
	if len(m) > maxQuoted {
		cut := maxQuoted
		for cut > 0 && !utf8.RuneStart(m[cut]) {
			cut--
		}
		m = m[:cut] + "…"
	}
	return "This post looks like it contains " + Describe(f) + ": “" + m + "”. Remove patient identifiers before posting."
}

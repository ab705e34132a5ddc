package phi

import (
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"
)

// has reports whether Scan finds category c covering want in text.
func has(text string, c Category, want string, opt Options) bool {
	start := strings.Index(text, want)
	for _, f := range Scan(text, opt) {
		if f.Category == c && f.Start < start+len(want) && start < f.End {
			return true
		}
	}
	return false
}

type catCase struct {
	text string
	want string // the identifier; "" for a negative case
}

// checkCategory runs positive cases (want set) and negative ones (want "",
// and no finding of any category may appear).
func checkCategory(t *testing.T, c Category, cases []catCase, opt Options) {
	t.Helper()
	for _, tc := range cases {
		if tc.want == "" {
			if got := Scan(tc.text, opt); len(got) > 0 {
				t.Errorf("%s: Scan(%q) = %v, want nothing", c, tc.text, got)
			}
			continue
		}
		if !has(tc.text, c, tc.want, opt) {
			t.Errorf("%s: Scan(%q) = %v, want %s on %q", c, tc.text, Scan(tc.text, opt), c, tc.want)
		}
	}
}

func TestScanDOB(t *testing.T) {
	checkCategory(t, DOB, []catCase{
		{"DOB 04/02/1931", "04/02/1931"},
		{"dob: 1/2/45, lives alone", "1/2/45"},
		{"D.O.B. 3 June 1950.", "3 June 1950"},
		{"date of birth 1960-12-01", "1960-12-01"},
		{"Birth date: Feb 29, 1944", "Feb 29, 1944"},
		{"born on 7th of July 1939", "7th of July 1939"},
		{"DOB 11-Nov-1948", "11-Nov-1948"},
		{"her birthday (4/12) is tomorrow", "4/12"},
		{"DOB and MRN removed from the handover sheet.", ""},
		{"Born at 29 weeks, now 4 kg.", ""},
		{"Always check the date of birth on the wristband.", ""},
	}, Options{})
}

func TestScanDate(t *testing.T) {
	checkCategory(t, Date, []catCase{
		{"admitted 3/14 with sepsis", "3/14"},
		{"discharged on 12 May, readmitted", "12 May"},
		{"Date of death: 2023-08-19.", "2023-08-19"},
		{"She was seen on 4/2 in clinic.", "4/2"},
		{"intubated on the 3rd, extubated today", "the 3rd"},
		{"Operated 10/10/2022 for a perforated DU.", "10/10/2022"},
		{"pain 7/10, BP 120/80, sats 94%", ""},
		{"2/3 of patients improved", ""},
		{"Grand rounds on 3/14 at noon", ""},
		{"Review in 2/7 with bloods.", ""},
		{"Seen 24/7 by the team.", ""},
		{"Journal club: published 2021-03-04 in JAMA.", ""},
		{"At the 3rd shock, give amiodarone.", ""},
	}, Options{})
}

func TestScanAgeOver89(t *testing.T) {
	checkCategory(t, AgeOver89, []catCase{
		{"a 92-year-old man", "92-year-old"},
		{"age 94, independent", "age 94"},
		{"93yo F with falls", "93yo"},
		{"94M, CCF", "94M"},
		{"a 101 y/o lady", "101 y/o"},
		{"96 years old and sharp", "96 years old"},
		{"she's 91 today", "she's 91"},
		{"ninety-two year old", "ninety-two year old"},
		{"a 67-year-old man with chest pain", ""},
		{"metoprolol 95 mg daily", ""},
		{"sats 95% on air", ""},
		{"aged 90 days, bronchiolitis", ""},
		{"the 90-year-old building", ""},
	}, Options{})
	now = func() time.Time { return time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC) }
	defer func() { now = time.Now }()
	checkCategory(t, AgeOver89, []catCase{
		{"born in 1931, still drives", "1931"},
		{"born in 1960, still drives", ""},
	}, Options{})
}

func TestScanPhoneFax(t *testing.T) {
	hospital := Options{AllowPhones: []string{"+1 617 555 0100"}}
	checkCategory(t, Phone, []catCase{
		{"call (312) 555-0187 tonight", "(312) 555-0187"},
		{"her cell 773.555.0112", "773.555.0112"},
		{"mobile 07700 900461", "07700 900461"},
		{"+44 20 7946 0958 is the daughter", "+44 20 7946 0958"},
		{"phone 5550176", ""}, // too short to be a number anyone could dial
		{"landline 555-0176", "555-0176"},
		{"mobile 07700 900461 7 days a week", "07700 900461"},
		{"tel 6175550143", "6175550143"},
		{"Switchboard 617-555-0100", ""},
		{"BP 120/80, HR 88, RR 18", ""},
		{"1 000 000 IU of vitamin D", ""},
		{"N Engl J Med 2020;383:2603-2615", ""},
	}, hospital)
	checkCategory(t, Fax, []catCase{
		{"fax 415-555-0199", "415-555-0199"},
		{"Fax: (202) 555-0183", "(202) 555-0183"},
	}, Options{})
}

func TestScanEmailAndHandles(t *testing.T) {
	checkCategory(t, Email, []catCase{
		{"write to jane.doe72@gmail.com please", "jane.doe72@gmail.com"},
		{"(contact: a_b+c@mail.example.org)", "a_b+c@mail.example.org"},
		{"thanks @alice@hospital.example!", ""},
		{"cc @bob and @carol@med.example", ""},
	}, Options{})
}

func TestScanAddressZIP(t *testing.T) {
	checkCategory(t, Address, []catCase{
		{"lives at 42 Willow Creek Road", "42 Willow Creek Road"},
		{"found at 3900 N Lake Shore Dr", "3900 N Lake Shore Dr"},
		{"P.O. Box 4471", "P.O. Box 4471"},
		{"lives on Maple Avenue", "Maple Avenue"},
		{"seen by 2 Dr Patel and colleagues", ""},
		{"the 6 Ps of limb ischaemia", ""},
	}, Options{})
	checkCategory(t, ZIP, []catCase{
		{"Portland, OR 97209", "97209"},
		{"ends in 02139-4307", "02139-4307"},
		{"Leeds LS6 2QT", "LS6 2QT"},
		{"zip 60614", "60614"},
		{"CT 12345 accession", ""},
		{"T1 2DM", ""},
	}, Options{})
}

func TestScanSSN(t *testing.T) {
	checkCategory(t, SSN, []catCase{
		{"SSN 795-20-2824", "795-20-2824"},
		{"social security number: 145 61 1972", "145 61 1972"},
		{"sticky note 574-08-4072", "574-08-4072"},
		{"the ssn on the card is 464720457", "464720457"},
		{"example 123-45-6789 on the form", ""},
		{"area 666-12-3456", ""},
		{"ISBN 978-0-19-876653-1", ""},
	}, Options{})
}

func TestScanMRN(t *testing.T) {
	hospital := Options{MRNPattern: regexp.MustCompile(`\bE\d{7}\b`)}
	checkCategory(t, MRN, []catCase{
		{"MRN: 00123456", "00123456"},
		{"MR# 0045821", "0045821"},
		{"medical record number 55012873", "55012873"},
		{"Chart # 0092284", "0092284"},
		{"hosp no. 7730912", "7730912"},
		{"patient ID 99102831", "99102831"},
		{"please review E4417720 today", "E4417720"},
		{"MRN and DOB on every label", ""},
		{"PMID 32678530", ""},
		{"NCT04368728", ""},
	}, hospital)
}

func TestScanHealthPlan(t *testing.T) {
	checkCategory(t, HealthPlan, []catCase{
		{"NHS number 943 476 5919", "943 476 5919"},
		{"NHS no: 9434765919", "9434765919"},
		{"referral 943 476 5919 bounced", "943 476 5919"},
		{"MBI 1EG4-TE5-MK73", "1EG4-TE5-MK73"},
		{"new card 1EG4TE5MK73", "1EG4TE5MK73"},
		{"Member ID: XKW882319070", "XKW882319070"},
		{"policy # 4471-220-918", "4471-220-918"},
		{"NHS 111 online", ""},
		{"the policy no longer applies", ""},
	}, Options{})
}

func TestScanOtherCodes(t *testing.T) {
	checkCategory(t, Account, []catCase{
		{"Acct # 88120456", "88120456"},
		{"FIN 77120398", "77120398"},
		{"a fin whale", ""},
	}, Options{})
	checkCategory(t, License, []catCase{
		{"DEA number AK2154728", "AK2154728"},
		{"script with AK2154728 on it", "AK2154728"},
		{"licence no. 12A3456", "12A3456"},
		{"plate 7ABC123", "7ABC123"},
		{"NPI 1234567893", "1234567893"},
	}, Options{})
	checkCategory(t, DeviceSerial, []catCase{
		{"S/N: PJN123456X", "PJN123456X"},
		{"serial number 1HX-882-4471", "1HX-882-4471"},
		{"UDI (01)00643169001763(17)250630", "(01)00643169001763(17)250630"},
		{"VIN 1M8GDM9AXKP042788", "1M8GDM9AXKP042788"},
		{"serial troponins at 0 and 3 h", ""},
	}, Options{})
	checkCategory(t, Accession, []catCase{
		{"accession # RAD-2023-00123", "RAD-2023-00123"},
		{"path report S23-18842 back", "S23-18842"},
		{"CURB-65 of 2, COVID-19, PHQ-9", ""},
	}, Options{})
	checkCategory(t, RoomBed, []catCase{
		{"room 412", "room 412"},
		{"bed 3B", "bed 3B"},
		{"rm 12-B", "rm 12-B"},
		{"conference room 4 at noon", ""},
		{"room air, bedside echo", ""},
		{"bed 3 is empty", ""},
	}, Options{})
}

func TestScanNetwork(t *testing.T) {
	checkCategory(t, URL, []catCase{
		{"see facebook.com/daniel.okoro.355", "facebook.com/daniel.okoro.355"},
		{"https://www.linkedin.com/in/jane-doe", "https://www.linkedin.com/in/jane-doe"},
		{"x.com/BabyTheo", "x.com/BabyTheo"},
		{"https://doi.org/10.1056/NEJMoa2034577", ""},
		{"https://pubmed.ncbi.nlm.nih.gov/32678530/", ""},
		{"facebook.com/groups/icu-nurses", ""},
	}, Options{})
	checkCategory(t, IP, []catCase{
		{"from 203.0.113.45 last night", "203.0.113.45"},
		{"v6 2001:db8::8a2e:370:7334", "2001:db8::8a2e:370:7334"},
		{"version 1.2.3.4 of the app", ""},
		{"at 14:30:00 sharp", ""},
		{"999.1.1.1", ""},
	}, Options{})
}

func TestScanNames(t *testing.T) {
	staff := Options{StaffNames: []string{"Sanjay Patel", "Priya Raman"}}
	checkCategory(t, Name, []catCase{
		{"pt John Smith in bed 4", "John Smith"},
		{"patient Mrs. Jones asked", "Mrs. Jones"},
		{"Mr. X, 67M, chest pain", "Mr. X"},
		{"his wife Margaret called", "Margaret"},
		{"Name: Kevin O'Sullivan", "Kevin O'Sullivan"},
		{"Eleanor Whitfield, 91F, delirium", "Eleanor Whitfield"},
		{"a lady called Doris", "Doris"},
		{"Mr Patel, our consultant surgeon", ""},
		{"Thanks Dr Raman for the save", ""},
		{"Patient Safety Week starts Monday", ""},
		{"patient Crohn's flare", ""},
		{"the patient's daughter", ""},
	}, staff)
}

func TestScanCleanClinicalText(t *testing.T) {
	for _, text := range []string{
		"metoprolol 25 mg BID, 5 mg/kg, BP 120/80, HR 88, SpO2 94%, T 38.2, pain 7/10",
		"K 3.2, Hb 9.8 g/dL, INR 2.5, eGFR 45, ratio 1:8, 3/4 of patients",
		"doi:10.1056/NEJMoa2034577, PMID 12345678, N Engl J Med 2020;383:2603",
		"in 2019, ESC 2023, ICD-10 I21.4, at 14:30, a 67-year-old man",
		"@alice@hospital.example, Parkinson's, Crohn's disease, Down syndrome",
	} {
		if got := Scan(text, Options{}); got != nil {
			t.Errorf("Scan(%q) = %v, want nothing", text, got)
		}
	}
}

func TestFindingNeverPrintsMatch(t *testing.T) {
	f := Scan("DOB 04/02/1931", Options{})[0]
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("blocked", "finding", f)
	for _, s := range []string{f.String(), f.GoString(), b.String()} {
		if strings.Contains(s, "1931") {
			t.Errorf("%q leaks the matched text", s)
		}
	}
}

func TestMessage(t *testing.T) {
	f := Scan("Note: DOB 04/02/1931, frail.", Options{})[0]
	want := "This post looks like it contains a date of birth: “DOB 04/02/1931”. Remove patient identifiers before posting."
	if got := Message(f); got != want {
		t.Errorf("Message = %q\nwant      %q", got, want)
	}
	for _, c := range Categories() {
		if d := Describe(Finding{Category: c}); d == "a patient identifier" {
			t.Errorf("no description for %s", c)
		}
	}
	long := Message(Finding{Category: Name, Match: strings.Repeat("é", 100)})
	if !strings.Contains(long, "…”") || strings.Contains(long, "\uFFFD") {
		t.Errorf("long match not cut on a rune boundary: %q", long)
	}
}

func TestScanSpansAndOrder(t *testing.T) {
	text := "MRN 4482913, DOB 04/02/1931, call 617-555-0142, room 412"
	got := Scan(text, Options{})
	if len(got) != 4 {
		t.Fatalf("Scan = %v, want 4 findings", got)
	}
	for k, f := range got {
		if f.Match != text[f.Start:f.End] {
			t.Errorf("finding %d: Match %q is not text[%d:%d]", k, f.Match, f.Start, f.End)
		}
		if k > 0 && got[k-1].End > f.Start {
			t.Errorf("findings %d and %d overlap or are out of order", k-1, k)
		}
	}
}

func TestLexiconFits(t *testing.T) {
	if n := len(buildLexicon()); n*3 > lexSize {
		t.Errorf("lexicon has %d words; grow lexSize (%d) to keep probes short", n, lexSize)
	}
	for _, w := range []string{"DOB", "mrn", "Patient", "mg"} {
		if lookupWord(w) == 0 {
			t.Errorf("lookupWord(%q) = 0", w)
		}
	}
	if lookupWord("zebrafish") != 0 {
		t.Error("unknown word has roles")
	}
}

func TestScanAllocatesNothingWhenClean(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items under the race detector")
	}
	text := "metoprolol 25 mg BID, BP 120/80 at follow-up; see doi:10.1056/NEJMoa1501035"
	Scan(text, Options{})
	if n := testing.AllocsPerRun(100, func() { Scan(text, Options{}) }); n > 0 {
		t.Errorf("Scan of a clean post allocates %.0f times", n)
	}
}

func TestOrganisationalNumbersAreLow(t *testing.T) {
	for _, text := range []string{
		"call 1-800-555-0199", "fax (888) 555-0143", "helpline 0300 123 4567",
		"freephone 0800 123 4567", "+44 300 123 4567",
	} {
		got := Scan(text, Options{})
		if len(got) != 1 || got[0].Confidence != Low {
			t.Errorf("Scan(%q) = %v, want one low-confidence number", text, got)
		}
	}
	if got := Scan("call (312) 555-0187", Options{}); len(got) != 1 || got[0].Confidence != High {
		t.Errorf("a household number: %v", got)
	}
}

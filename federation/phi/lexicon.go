package phi

import "strings"

// kwSet is a bit set of the roles a word can play. Every word token is
// looked up once (lower-cased) while tokenising, so detectors test context
// with a bit mask instead of comparing strings.
type kwSet uint64

const (
	kwDOB        kwSet = 1 << iota // dob, birthdate, birthday
	kwBirth                        // "birth" of "date of birth" / "birth date"
	kwBorn                         // born
	kwDateStrong                   // admitted, discharged, seen, died…: a date nearby is the patient's
	kwDateWeak                     // on, since, from…: only with a person nearby
	kwEvent                        // rounds, conference, deadline…: a date nearby is not a patient's
	kwPatient                      // pt, patient
	kwPerson                       // pronouns and person nouns
	kwHonor                        // mr, mrs, ms, miss, mx
	kwRelative                     // wife, son, daughter…
	kwNameWord                     // name, named, called
	kwPhone                        // phone, tel, mobile, call…
	kwFax                          // fax
	kwLabel                        // starts an identifier label (see labelAt)
	kwRoom                         // room, bed, bay…
	kwRoomSkip                     // conference, seminar…: rooms that are not a patient's
	kwAge                          // age, aged
	kwAgeWord                      // nonagenarian, centenarian
	kwNinety                       // ninety
	kwCite                         // pmid, doi, nct, isbn…: the value is a citation
	kwZip                          // zip, postcode
	kwAddrCtx                      // lives, resides, address
	kwStaff                        // consultant, surgeon…: the name is a colleague's
	kwUnit                         // mg, mL, units…: the number is a measurement
	kwTimeUnit                     // days, weeks, hours…
	kwMonth                        // month names
	kwStop                         // never part of a person's name
	kwFraction                     // sets, doses, of…: "2/3 sets" is a fraction
	kwAgo                          // ago, later: "seen 2/7 ago" is a duration
	kwDuration                     // in, for, over: "review in 2/7" is a duration
	kwStreet                       // street suffixes (case checked by the detector)
	kwVersion                      // version, section…: "v 1.2.3.4" is not an IP
	kwDeath                        // died, DOD: strong context
	kwEponym                       // Crohn, Parkinson…: a disease, unless after "Mr"
	kwNHS                          // nhs, chi: a 10-digit number nearby is an NHS number
	kwNPI                          // npi: a 10-digit number nearby is a provider's NPI
	kwSSNWord                      // ssn, social security: a 9-digit number nearby is an SSN
	kwPeople                       // patients, pts: people, but not one person
	kwThing                        // building, tree…: "a 90-year-old building" is not a patient
	kwVacant                       // empty, free…: "bed 3 is empty" has no patient in it
	kwInfra                        // server, gateway…: the address is a machine's, not a person's
)

// lexicon maps a lower-case word to its roles. It is an open-addressing
// hash table rather than a Go map because every word of every post is looked
// up: hashing while lower-casing, in one pass and without a copy, is most of
// the tokeniser's speed.
var lexicon = newLexTable(buildLexicon())

const lexSize = 1 << 12 // a power of two, well above three times the word count

type lexEntry struct {
	key string
	kw  kwSet
}

type lexTable [lexSize]lexEntry

// lexHash mixes the length and the first three and last two letters of a
// lower-case ASCII word: constant work per word, and spread enough for a
// table this sparse. ok is false for words with other bytes, which are never
// in the lexicon.
func lexHash(w string) (uint32, bool) {
	for i := 0; i < len(w); i++ {
		if w[i] >= 0x80 {
			return 0, false
		}
	}
	return wordHash(w), true
}

// wordHash is lexHash without the ASCII check, for the tokeniser, which
// already knows.
func wordHash(w string) uint32 {
	n := len(w)
	if n == 0 {
		return 0
	}
	at := func(i int) uint32 { return uint32(w[max(0, min(i, n-1))] | 0x20) }
	h := uint32(n)*0x9E3779B1 ^ at(0)<<24 ^ at(1)<<16 ^ at(2)<<8 ^ at(n-2)<<4 ^ at(n-1)
	h ^= h >> 15
	h *= 0x2C1B3C6D
	h ^= h >> 12
	return h
}

func newLexTable(m map[string]kwSet) *lexTable {
	t := new(lexTable)
	for k, v := range m {
		h, _ := lexHash(k)
		i := h & (lexSize - 1)
		for t[i].key != "" {
			i = (i + 1) & (lexSize - 1)
		}
		t[i] = lexEntry{k, v}
	}
	return t
}

// lookupWord returns the roles of a word, case-insensitively.
func lookupWord(w string) kwSet {
	h, ok := lexHash(w)
	if !ok {
		return 0
	}
	return lookupHashed(w, h)
}

// lookupHashed looks up an ASCII word whose lexHash is h.
func lookupHashed(w string, h uint32) kwSet {
	if len(w) > 24 {
		return 0
	}
	for i := h & (lexSize - 1); ; i = (i + 1) & (lexSize - 1) {
		e := &lexicon[i]
		if e.key == "" {
			return 0
		}
		if len(e.key) == len(w) && equalLower(e.key, w) {
			return e.kw
		}
	}
}

// equalLower reports whether w, lower-cased, equals the lower-case key.
func equalLower(key, w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != key[i] {
			return false
		}
	}
	return true
}

func buildLexicon() map[string]kwSet {
	m := make(map[string]kwSet, 1500)
	add := func(bits kwSet, words string) {
		for _, w := range strings.Fields(words) {
			m[w] |= bits
		}
	}
	add(kwDOB, "dob dobs birthdate birthday dob's")
	add(kwBirth, "birth")
	add(kwBorn, "born")
	add(kwDateStrong, `admitted admit admission admissions readmitted readmission discharged
		discharge dc adm seen presented presenting presentation surgery op operated operation
		died death expired deceased passed dod doa dos lmp edd delivered delivery transferred
		transfer intubated extubated appt appointment biopsy procedure injured injury fell
		arrested arrest collapsed visit visited diagnosed date started stopped commenced
		cabg pci ercp tavi tkr thr ogd colonoscopy endoscopy scanned returned attended
		reviewed booked`)
	add(kwDeath, "died death expired deceased dod passed")
	add(kwDateWeak, "on since from until till by dated")
	add(kwEvent, `rounds journal club conference congress symposium webinar meeting seminar
		lecture talk workshop course abstract abstracts submission submissions deadline
		registration register session summit event published publication accessed updated
		update retrieved posted released effective issued version edition guideline
		guidelines rota shift shifts schedule holiday exam exams election vote portal
		visiting teaching training launch launched opens closes reopens`)
	add(kwPatient|kwPerson, "pt patient")
	add(kwPeople, "patients pts people")
	add(kwPerson, `he she his her him hers lady gentleman gent man woman boy girl child baby
		infant toddler teen teenager kid guy chap someone resident`)
	add(kwHonor, "mr mrs ms miss mx mstr")
	add(kwRelative|kwPerson, `wife husband daughter son mother father mum mom dad sister
		brother partner spouse grandson granddaughter grandmother grandfather niece nephew
		carer caregiver nok fiance fiancee aunt uncle cousin stepson stepdaughter`)
	add(kwNameWord, "name named called")
	add(kwPhone, `phone ph tel telephone cell cellphone mobile mob landline call called calling
		ring rang text texted contact home work reach reached reachable
		whatsapp voicemail p callback`)
	add(kwFax, "fax faxed facsimile f")
	add(kwLabel, `mrn urn mr ur medical med hospital hosp chart unit record patient pt ssn ss
		social soc nhs mbi hicn medicare medicaid member subscriber beneficiary policy
		insurance ins plan chi account acct billing claim invoice encounter visit fin csn
		har license licence lic dl dea npi gmc nmc passport plate
		registration reg cert certificate permit serial s sn udi imei device lot vin
		accession acc specimen path pathology requisition req lab sample order`)
	add(kwRoom, "room rm bed bay cubicle cube bedspace resus majors minors trolley")
	add(kwThing, `building hospital house home tree church tradition institution practice
		company trust school bridge ward clinic book car law rule debate problem question
		machine system record tortoise cat dog horse parrot`)
	add(kwRoomSkip, `conference seminar meeting lecture teaching sim simulation break staff
		board tutorial training education committee changing locker quiet prayer server
		store storage utility sluice family relatives waiting interview consulting clinic
		clinics outpatient outpatients office theatre library gym`)
	add(kwAge, "age aged")
	add(kwAgeWord, "nonagenarian centenarian supercentenarian")
	add(kwNinety, "ninety")
	add(kwNHS, "nhs chi")
	add(kwNPI, "npi")
	add(kwSSNWord, "ssn ss social")
	add(kwCite, "pmid pmcid pmc doi nct isbn issn isrctn arxiv eudract")
	add(kwZip, "zip zipcode postcode postal post")
	add(kwAddrCtx, "lives living resides address addr home")
	add(kwVacant, "empty free available vacant closed clean cleaned blocked")
	add(kwInfra, "server servers gateway dns proxy printer subnet vpn firewall")
	add(kwStaff, `consultant surgeon registrar colleague attending physician doctor nurse
		fellow professor prof dr matron midwife pharmacist anaesthetist anesthesiologist
		radiologist cardiologist our my sho fy1 fy2 reg lead director team`)
	add(kwUnit, `mg mcg ug g kg ml l dl mmol mol meq iu u units unit mmhg bpm cm mm km kpa
		mosm ng pg nmol pmol umol mu miu copies cells puffs tabs tablets caps drops gtt lpm
		kcal cal x10 ms mg/kg mcg/kg ml/h percent ppm mcl ul`)
	add(kwTimeUnit, `day days d week weeks wk wks month months mo mos year years yr yrs hour
		hours h hr hrs minute minutes min mins second seconds sec secs`)
	add(kwMonth, `january february march april may june july august september october
		november december jan feb mar apr jun jul aug sep sept oct nov dec`)
	add(kwFraction, `of sets set bottles bottle cultures criteria doses dose tabs tablets
		strength ns saline pts patients cases agents drugs views lobes vessels nodes cores
		samples specimens pressors pain power score times shifts beds units vials bags
		consultants referrals`)
	add(kwAgo, "ago later prior previously hx")
	add(kwDuration, "in for over within past last next x")
	add(kwStreet, `st street ave avenue rd road blvd boulevard dr drive ln lane ct court way
		pl place ter terrace pkwy parkway hwy highway circle cir close crescent cres grove
		gardens square sq row mews trail loop alley`)
	add(kwVersion, `v ver version section sec table fig figure chapter ch rule step release
		build firmware software app ios android page`)
	add(kwStop, stopwords)
	add(kwEponym, eponyms)
	add(kwStop, `mr mrs ms miss mx mstr dr doctor prof professor nurse sister`)
	return m
}

// usStates are the two-letter codes that precede a ZIP code. Codes that are
// also common clinical abbreviations (CT, MD, OR, PA, MS…) need stronger
// evidence; see zipAfterState.
var usStates = setOf(`AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN
	MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR`)

var clinicalStates = setOf("CT MD OR PA MS ME IN OK ID CO AL DE HI LA VA")

// ukAreas are the UK postcode areas; a postcode-shaped token outside them is
// not a postcode.
var ukAreas = setOf(`AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE
	DG DH DL DN DT DY E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE
	KA KT KW KY L LA LD LE LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO
	PR RG RH RM S SA SE SG SK SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA
	WC WD WF WN WR WS WV YO ZE`)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

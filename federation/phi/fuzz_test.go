package phi

import (
	"strings"
	"testing"
)

// fuzzSeeds are lines from the corpus and shapes that stress the parsers.
var fuzzSeeds = []string{
	"Interesting one from nights: 92 yo F admitted 3/14 with new AF and a GI bleed on apixaban. MRN: 00123456, DOB 04/02/1931.",
	"94M with HFrEF, room 12B, pacemaker S/N: PJN123456X, accession # RAD-2023-00123.",
	"Handover for tonight: pt John Smith in bed 14, MRN 4482913. Daughter wants a call back on 617-555-0142.",
	"Referral bounced again. NHS number 937 865 7974, 78F, frailty and recurrent falls.",
	"Family asked that we send the discharge summary to mark.hollis72@gmail.com rather than the GP.",
	"Lives alone at 1187 Harbor View Drive, Portland, OR 97209, no car.",
	"Just found out she posts on instagram.com/jess_loves_cats_92, including photos from the ward.",
	"Portal login from 2001:db8:85a3::8a2e:370:7334 flagged, and 203.0.113.45 too.",
	"Medicare MBI 1EG4-TE5-MK73 came back as not eligible.",
	"Explanted generator, UDI (01)00643169001763(17)250630(21)A8K2LP for the recall registry.",
	"Billing keeps merging two encounters. Acct # 88120456 and FIN 77120398.",
	"D.O.B. 14 March 1947. Sorry, pasted from the referral letter.",
	"In clinic: ninety-four-year-old man, still gardening, PSA 48.",
	"Tel: +44 161 496 0734 (patient's son, NOK). Fax: (617) 555-0122.",
	"Pasted from the ED board: Lopez, Carmen | 89F | MRN 3390217 | Bed 6 | ph 773-555-0199",
	"Name: Kevin O'Sullivan, 45M, paracetamol OD, staggered, NAC started.",
	"Seen on the 14th, discharged on the 17th, back again today.",
	"Metoprolol 25 mg BID plus lisinopril 10 mg daily, BP 120/80 at follow-up.",
	"INR 2.5 on warfarin (doi:10.1056/NEJMoa1501035), PMID 12345678, NCT04368728.",
	"Great thread by @alice@hospital.example on sepsis fluids.",
	"Citing N Engl J Med 2020;383:2603 for the mRNA data.",
	"CURB-65 of 2, so 1/3 of our registrars would admit and 2/3 would send home.",
	"Pain 8/10 on admission, 2/10 after the block. Review in 2/7. Seen 24/7.",
	"https://doi.org/10.1001/jama.2023.12345 and https://pubmed.ncbi.nlm.nih.gov/32678530/",
	"Mr Sanjay Patel, our consultant colorectal surgeon, did the first robotic resection.",
	"Doris, 93, on the ward again with a UTI.",
	"She's 91 and still doing the crossword in pen. b. 1929.",
	"Postcode M14 5RH; ZIP 02139-4307; P.O. Box 4471.",
	"",
	"@",
	"@@@@a@b.co@",
	"((((((((((((0))))))))))))",
	"+++++++1 (((617))) 555--0142",
	"0.0.0.0.0.0.0.0.0.0.0",
	"::::::::::1:::",
	"1/1/1/1/1/1/1/1/1",
	"Mr Mr Mr Mr Mr Mr Mr Mr",
	"DOB DOB DOB DOB DOB DOB 1/2/3/4",
	"pt pt pt pt pt pt pt Smith",
	"\xff\xfe\xe2\x80\x99 caf\xc3\xa9 J\xc3\xb3zef \xe2\x80\x94 92\xe2\x80\x91year\xe2\x80\x91old",
	"a" + strings.Repeat("1", 100) + "b",
}

// FuzzScan checks that any input scans without panicking, with findings in
// bounds, ordered and not overlapping, and that ten copies of an input cost
// about ten times one: no detector may look further than a bounded window.
func FuzzScan(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, _ := scanCounted(text, corpusOptions)
		checkFindings(t, text, got)

		if len(text) > 4096 {
			return // big inputs make minimising slow; the cost check needs none
		}
		// Copies are kept apart by a line break and padding wider than any
		// detector's window, so each costs the same as the first.
		unit := text + "\n" + strings.Repeat(" ", 300)
		_, one := scanCounted(unit, Options{})
		_, ten := scanCounted(strings.Repeat(unit, 10), Options{})
		if ten > 10*one+1024 {
			t.Errorf("10 copies cost %d, one costs %d: not linear", ten, one)
		}
	})
}

func checkFindings(t *testing.T, text string, got []Finding) {
	t.Helper()
	for k, f := range got {
		if f.Start < 0 || f.End > len(text) || f.Start >= f.End {
			t.Fatalf("finding %v out of bounds for %d bytes", f, len(text))
		}
		if f.Match != text[f.Start:f.End] {
			t.Fatalf("finding %v: Match differs from its span", f)
		}
		if _, ok := defaultTiers[f.Category]; !ok || f.Confidence < Low || f.Confidence > High {
			t.Fatalf("finding %v has an unknown category or confidence", f)
		}
		if k > 0 && got[k-1].End > f.Start {
			t.Fatalf("findings %v and %v overlap or are out of order", got[k-1], f)
		}
	}
}

package phi

import (
	"slices"
	"testing"
)

func finding(c Category, conf Confidence) Finding {
	return Finding{Category: c, Confidence: conf, Start: 0, End: 1, Match: "x"}
}

func TestDefaultPolicyTable(t *testing.T) {
	p := DefaultPolicy()
	cases := []struct {
		c    Category
		want [4]Action // public, partners, institution, direct
	}{
		{DOB, [4]Action{Block, Block, Block, Block}},
		{SSN, [4]Action{Block, Block, Block, Block}},
		{MRN, [4]Action{Block, Block, Block, Block}},
		{HealthPlan, [4]Action{Block, Block, Block, Block}},
		{AgeOver89, [4]Action{Block, Block, Warn, Warn}},
		{Phone, [4]Action{Block, Block, Warn, Warn}},
		{Name, [4]Action{Block, Block, Warn, Warn}},
		{URL, [4]Action{Warn, Warn, Allow, Allow}},
		{IP, [4]Action{Warn, Warn, Allow, Allow}},
	}
	for _, tc := range cases {
		for k, aud := range audiences {
			got, why := p.Decide([]Finding{finding(tc.c, High)}, aud)
			if got != tc.want[k] {
				t.Errorf("%s to %s: %s, want %s", tc.c, aud, got, tc.want[k])
			}
			if (got == Allow) != (why == nil) {
				t.Errorf("%s to %s: findings %v with action %s", tc.c, aud, why, got)
			}
		}
	}
	for _, c := range Categories() {
		if _, ok := p.Rules[c]; !ok {
			t.Errorf("DefaultPolicy has no rule for %s", c)
		}
	}
	if err := p.Validate(); err != nil {
		t.Errorf("DefaultPolicy is invalid: %v", err)
	}
}

func TestDecideLowConfidenceIsSofter(t *testing.T) {
	var p Policy // the zero value is the standard policy
	if got, _ := p.Decide([]Finding{finding(Phone, Low)}, Public); got != Warn {
		t.Errorf("low-confidence phone to public: %s, want warn", got)
	}
	if got, _ := p.Decide([]Finding{finding(Phone, Low)}, Direct); got != Allow {
		t.Errorf("low-confidence phone in a DM: %s, want allow", got)
	}
}

func TestDecideReturnsTheDecidingFindings(t *testing.T) {
	fs := []Finding{finding(URL, Medium), finding(DOB, High), finding(RoomBed, Medium), finding(SSN, High)}
	got, why := Policy{}.Decide(fs, Public)
	if got != Block || len(why) != 2 || why[0].Category != DOB || why[1].Category != SSN {
		t.Errorf("Decide = %s %v, want block for the DOB and the SSN", got, why)
	}
	if got, why := (Policy{}).Decide(nil, Public); got != Allow || why != nil {
		t.Errorf("no findings: %s %v", got, why)
	}
}

func TestDecideModes(t *testing.T) {
	fs := []Finding{finding(IP, Low)}
	if got, why := (Policy{Mode: ModeStrict}).Decide(fs, Direct); got != Block || !slices.Equal(why, fs) {
		t.Errorf("strict: %s %v, want block", got, why)
	}
	if got, _ := (Policy{Mode: ModeStrict}).Decide(nil, Public); got != Allow {
		t.Errorf("strict with nothing found: %s, want allow", got)
	}
	if got, why := (Policy{Mode: ModeOff}).Decide([]Finding{finding(SSN, High)}, Public); got != Allow || why != nil {
		t.Errorf("off: %s %v, want allow", got, why)
	}
}

func TestDecideCustomRules(t *testing.T) {
	p := Policy{Rules: map[Category]map[Audience]Action{
		Name: {Institution: Allow, Public: Warn},
	}}
	if got, _ := p.Decide([]Finding{finding(Name, Medium)}, Institution); got != Allow {
		t.Errorf("custom institution rule: %s", got)
	}
	if got, _ := p.Decide([]Finding{finding(Name, Medium)}, Partners); got != Block {
		t.Errorf("missing audience falls back to the default: %s", got)
	}
	if got, _ := p.Decide([]Finding{finding(Name, Medium)}, "elsewhere"); got != Warn {
		t.Errorf("unknown audience is treated as public: %s", got)
	}
}

func TestPolicyValidate(t *testing.T) {
	for _, p := range []Policy{
		{Mode: "paranoid"},
		{Rules: map[Category]map[Audience]Action{"shoe_size": {Public: Block}}},
		{Rules: map[Category]map[Audience]Action{Name: {"world": Block}}},
		{Rules: map[Category]map[Audience]Action{Name: {Public: "shred"}}},
	} {
		if p.Validate() == nil {
			t.Errorf("Validate(%+v) = nil, want an error", p)
		}
	}
	if err := (Policy{Mode: ModeOff}).Validate(); err != nil {
		t.Error(err)
	}
}

package phi

import (
	"fmt"
	"slices"
)

// Action is what happens to a post with findings.
type Action string

// Actions, from mildest to strictest.
const (
	Allow Action = "allow" // store and deliver
	Warn  Action = "warn"  // deliver, tell the author, audit
	Block Action = "block" // refuse (HTTP 422) and store nothing
)

func (a Action) rank() int {
	switch a {
	case Warn:
		return 1
	case Block:
		return 2
	}
	return 0
}

// soften moves an action one step towards Allow.
func (a Action) soften() Action {
	switch a {
	case Block:
		return Warn
	case Warn:
		return Allow
	}
	return a
}

// Audience is who a post reaches.
type Audience string

// Audiences, from widest to narrowest.
const (
	Public      Audience = "public"      // anyone, any instance
	Partners    Audience = "partners"    // followers on partner (consortium) instances
	Institution Audience = "institution" // this hospital's instance only
	Direct      Audience = "direct"      // the people mentioned
)

var audiences = []Audience{Public, Partners, Institution, Direct}

// Modes of the guard (config phi.mode, env ROUNDS_PHI_MODE).
const (
	ModeStandard = "standard" // per-category, per-audience rules
	ModeStrict   = "strict"   // every finding blocks, in every audience
	ModeOff      = "off"      // the guard allows everything
)

// Policy decides what to do with findings. The zero value is the standard
// mode with the default rules.
type Policy struct {
	Mode  string
	Rules map[Category]map[Audience]Action // missing entries fall back to the defaults
}

// tier is one row of the research report's decision table (§4.3), indexed
// like audiences.
type tier [4]Action

var (
	// Direct identifiers that are certain when found: block everywhere.
	tierHigh = tier{Block, Block, Block, Block}
	// Identifiers that need context to be sure, or identify only in
	// combination: block where the post leaves the hospital, warn inside it.
	tierMedium = tier{Block, Block, Warn, Warn}
	// Weak signals (links, network addresses, room numbers): warn outside,
	// let through inside.
	tierLow = tier{Warn, Warn, Allow, Allow}
)

var defaultTiers = map[Category]tier{
	DOB: tierHigh, SSN: tierHigh, MRN: tierHigh, HealthPlan: tierHigh,

	Name: tierMedium, Date: tierMedium, AgeOver89: tierMedium, Phone: tierMedium,
	Fax: tierMedium, Email: tierMedium, Address: tierMedium, ZIP: tierMedium,
	Account: tierMedium, License: tierMedium, DeviceSerial: tierMedium, Accession: tierMedium,

	RoomBed: tierLow, URL: tierLow, IP: tierLow,
}

// DefaultPolicy returns the standard policy with the report's decision table
// written out, for configuration to start from.
func DefaultPolicy() Policy {
	rules := make(map[Category]map[Audience]Action, len(defaultTiers))
	for c, t := range defaultTiers {
		m := make(map[Audience]Action, len(audiences))
		for k, a := range audiences {
			m[a] = t[k]
		}
		rules[c] = m
	}
	return Policy{Mode: ModeStandard, Rules: rules}
}

// rule returns the configured or default action for c in aud. An unknown
// audience is treated as public, the widest.
func (p Policy) rule(c Category, aud Audience) Action {
	k := slices.Index(audiences, aud)
	if k < 0 {
		k, aud = 0, Public
	}
	if a, ok := p.Rules[c][aud]; ok && (a == Allow || a == Warn || a == Block) {
		return a
	}
	if t, ok := defaultTiers[c]; ok {
		return t[k]
	}
	return tierMedium[k]
}

// Decide returns the action for a post with these findings sent to aud, and
// the findings that led to it (nil when the action is Allow). In standard
// mode a Low-confidence finding is treated one step softer than its rule.
func (p Policy) Decide(findings []Finding, aud Audience) (Action, []Finding) {
	switch p.Mode {
	case ModeOff:
		return Allow, nil
	case ModeStrict:
		if len(findings) == 0 {
			return Allow, nil
		}
		return Block, slices.Clone(findings)
	}
	best := Allow
	var why []Finding
	for _, f := range findings {
		a := p.rule(f.Category, aud)
		if f.Confidence == Low {
			a = a.soften()
		}
		switch {
		case a.rank() > best.rank():
			best, why = a, []Finding{f}
		case a == best && a != Allow:
			why = append(why, f)
		}
	}
	return best, why
}

// Validate reports configuration mistakes: an unknown mode, category,
// audience or action.
func (p Policy) Validate() error {
	switch p.Mode {
	case "", ModeStandard, ModeStrict, ModeOff:
	default:
		return fmt.Errorf("phi: unknown mode %q (want standard, strict or off)", p.Mode)
	}
	for c, m := range p.Rules {
		if _, ok := defaultTiers[c]; !ok {
			return fmt.Errorf("phi: unknown category %q", c)
		}
		for aud, a := range m {
			if !slices.Contains(audiences, aud) {
				return fmt.Errorf("phi: %s: unknown audience %q", c, aud)
			}
			if a != Allow && a != Warn && a != Block {
				return fmt.Errorf("phi: %s/%s: unknown action %q", c, aud, a)
			}
		}
	}
	return nil
}

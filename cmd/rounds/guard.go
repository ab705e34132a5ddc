package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rounds-social/rounds/config"
	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/phi"
)

// newGuard builds the patient-identifier guard from the phi.* settings.
func newGuard(cfg config.Config) (*federation.Guard, error) {
	g := &federation.Guard{Policy: phi.Policy{Mode: cfg.PHI.Mode, Rules: map[phi.Category]map[phi.Audience]phi.Action{}},
		Options: phi.Options{AllowPhones: cfg.PHI.PublishedPhones}}
	if cfg.PHI.MRNPattern != "" {
		re, err := regexp.Compile(cfg.PHI.MRNPattern)
		if err != nil {
			return nil, fmt.Errorf("phi.mrn_pattern: %w", err)
		}
		g.Options.MRNPattern = re
	}
	for _, r := range cfg.PHI.Rules {
		parts := strings.Split(r, ":")
		if len(parts) != 3 {
			return nil, fmt.Errorf("phi.rules: %q is not category:audience:action", r)
		}
		cat, aud := phi.Category(parts[0]), phi.Audience(parts[1])
		if g.Policy.Rules[cat] == nil {
			g.Policy.Rules[cat] = map[phi.Audience]phi.Action{}
		}
		g.Policy.Rules[cat][aud] = phi.Action(parts[2])
	}
	if err := g.Policy.Validate(); err != nil {
		return nil, fmt.Errorf("phi.rules: %w", err)
	}
	return g, nil
}

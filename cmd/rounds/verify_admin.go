package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/federation/credential"
)

// adminVerify attests (verify) or revokes (unverify) a member's clinician
// credential.
func adminVerify(ctx context.Context, verb string, args []string, e env) error {
	usage := "rounds admin unverify USERNAME"
	if verb == "verify" {
		usage = `rounds admin verify USERNAME --role physician|nurse|pharmacist|allied_health|student|staff [--specialty S] [--department D] [--license "NY:123456"] [--npi 1234567893]`
	}
	fs := newFlagSet("admin "+verb, usage, e)
	var cf configFlags
	cf.register(fs)
	var c credential.Claims
	if verb == "verify" {
		fs.StringVar(&c.Role, "role", "", "the attested role: "+strings.Join(credential.Roles, ", "))
		fs.StringVar(&c.Specialty, "specialty", "", "specialty, e.g. Cardiology (required for physicians)")
		fs.StringVar(&c.Department, "department", "", "department")
		fs.StringVar(&c.License, "license", "", `licence, e.g. "NY:123456"`)
		fs.StringVar(&c.NPI, "npi", "", "US National Provider Identifier (checked with the Luhn/80840 rule)")
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErr(e, fs, "%s takes exactly one USERNAME", verb)
	}
	if verb == "verify" {
		c.Role = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(c.Role)), " ", "_")
		if err := c.Validate(); err != nil {
			return usageErr(e, fs, "%v", err)
		}
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		if verb == "unverify" {
			a, err := svc.Unverify(ctx, fs.Arg(0))
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "revoked the credential of %s; followers' servers are told with an Update\n", a.Username)
			return recordAdmin(ctx, svc, audit.AccountUnverify, a.Username, nil)
		}
		a, cred, err := svc.Attest(ctx, fs.Arg(0), c)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s is now shown as %q: %s\n", a.Username, credential.FieldName, cred.FieldValue())
		return recordAdmin(ctx, svc, audit.AccountVerify, a.Username, map[string]any{"role": c.Role, "specialty": c.Specialty})
	})
}

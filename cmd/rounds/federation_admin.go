package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/storage"
)

func adminFederation(ctx context.Context, verb string, args []string, e env) error {
	fs := newFlagSet("admin federation "+verb, "rounds admin federation allow|block|remove DOMAIN, or list", e)
	var cf configFlags
	cf.register(fs)
	note := fs.String("note", "", "why (kept with the rule)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if verb == "list" {
		return withService(ctx, &cf, e, func(svc *federation.Service) error { return listDomains(ctx, svc, e) })
	}
	if fs.NArg() != 1 {
		return usageErr(e, fs, "federation %s takes exactly one DOMAIN", verb)
	}
	domain := strings.ToLower(strings.TrimSpace(fs.Arg(0)))
	if !validDomain(domain) {
		return usageErr(e, fs, "%q is not a domain (expected e.g. hospital-b.example or host:port)", fs.Arg(0))
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		st := svc.Store()
		if verb == "remove" {
			if err := st.DeleteDomainPolicy(ctx, domain); errors.Is(err, storage.ErrNotFound) {
				return fmt.Errorf("no rule for %s", domain)
			} else if err != nil {
				return err
			}
			if err := recordAdmin(ctx, svc, "federation.remove", domain, nil); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "removed the rule for %s\n", domain)
			return nil
		}
		if err := st.PutDomainPolicy(ctx, &storage.DomainPolicy{Domain: domain, Policy: verb, Note: *note}); err != nil {
			return err
		}
		if err := recordAdmin(ctx, svc, "federation."+verb, domain, map[string]any{"note": *note}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %s (takes effect for running servers within a minute)\n", domain, map[string]string{"allow": "allowed", "block": "blocked"}[verb])
		return nil
	})
}

func listDomains(ctx context.Context, svc *federation.Service, e env) error {
	list, err := svc.Store().DomainPolicies(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DOMAIN\tPOLICY\tNOTE")
	for _, d := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", d.Domain, d.Policy, d.Note)
	}
	return tw.Flush()
}

func validDomain(d string) bool {
	if d == "" || len(d) > 253 || strings.ContainsAny(d, "/ @?#") {
		return false
	}
	host := d
	if i := strings.LastIndex(d, ":"); i > 0 && !strings.HasSuffix(d, "]") {
		// A rule for "host:" or "host:abc" would be stored and never match.
		host = d[:i]
		if port, err := strconv.Atoi(d[i+1:]); err != nil || port < 1 || port > 65535 || d[i+1] == '+' {
			return false
		}
	}
	return host != "" && !strings.HasPrefix(host, ".") && !strings.HasSuffix(host, ".")
}

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/audit"
)

// adminAudit runs "rounds admin audit list|verify|export".
func adminAudit(ctx context.Context, verb string, args []string, e env) error {
	switch verb {
	case "list":
		return adminAuditList(ctx, args, e)
	case "verify":
		return adminAuditVerify(ctx, args, e)
	case "export":
		return adminAuditExport(ctx, args, e)
	}
	fmt.Fprintf(e.stderr, "rounds: unknown admin command %q\n\n%s", "audit "+verb, adminUsage)
	return errUsage
}

// auditFilterFlags are the selection flags list and export share.
type auditFilterFlags struct {
	action, actor, since, until string
	limit                       int
}

func (a *auditFilterFlags) register(fs *flag.FlagSet, defaultLimit int) {
	fs.StringVar(&a.action, "action", "", "only this action, e.g. account.suspend")
	fs.StringVar(&a.actor, "actor", "", "only entries by this actor (username, cli:USER, system, remote URI)")
	fs.StringVar(&a.since, "since", "", "only entries at or after this date (2006-01-02, or RFC 3339)")
	fs.StringVar(&a.until, "until", "", "only entries before this date (2006-01-02, or RFC 3339)")
	fs.IntVar(&a.limit, "limit", defaultLimit, "at most this many entries (0: all)")
}

// filter checks the flags, so a typo is a usage error before the database opens.
func (a *auditFilterFlags) filter() (audit.Filter, error) {
	f := audit.Filter{Action: a.action, Actor: a.actor, Limit: a.limit}
	if a.action != "" && !knownAction(a.action) {
		return f, fmt.Errorf("--action %q is not an audit action (one of %s)", a.action, strings.Join(audit.Actions, ", "))
	}
	if a.limit < 0 {
		return f, fmt.Errorf("--limit must be 0 or more")
	}
	var err error
	if f.Since, err = parseWhen("--since", a.since); err != nil {
		return f, err
	}
	f.Until, err = parseWhen("--until", a.until)
	return f, err
}

func knownAction(a string) bool {
	for _, k := range audit.Actions {
		if k == a {
			return true
		}
	}
	return false
}

// parseWhen reads a date (midnight UTC) or an RFC 3339 time.
func parseWhen(flagName, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%s %q: expected a date like 2026-01-31 or a time like 2026-01-31T08:00:00Z", flagName, v)
}

func adminAuditList(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin audit list", "rounds admin audit list [--action A] [--actor U] [--since 2026-01-01] [--until DATE] [--limit N]", e)
	var cf configFlags
	cf.register(fs)
	var af auditFilterFlags
	af.register(fs, 50)
	if err := parse(fs, args); err != nil {
		return err
	}
	f, err := af.filter()
	if err != nil {
		return usageErr(e, fs, "%v", err)
	}
	if fs.NArg() > 0 {
		return usageErr(e, fs, "unexpected arguments %q", fs.Args())
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		list, err := audit.List(ctx, svc.Store(), f)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEQ\tTIME\tACTION\tACTOR\tTARGET\tIP\tDETAIL")
		for _, a := range list {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", a.Seq, a.At.UTC().Format(time.RFC3339), a.Action,
				a.Actor, a.Target, a.IP, a.Detail)
		}
		return tw.Flush()
	})
}

// errChainBroken carries the verdict so it reaches stderr with exit code 1.
type errChainBroken struct{ report audit.Report }

func (e errChainBroken) Error() string { return e.report.String() }

func adminAuditVerify(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin audit verify", "rounds admin audit verify", e)
	var cf configFlags
	cf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr(e, fs, "unexpected arguments %q", fs.Args())
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		r, err := audit.Verify(ctx, svc.Store())
		if err != nil {
			return err
		}
		if !r.OK {
			return errChainBroken{r}
		}
		fmt.Fprintln(e.stdout, r)
		return nil
	})
}

func adminAuditExport(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin audit export", "rounds admin audit export [--out FILE] [--action A] [--actor U] [--since DATE] [--until DATE]", e)
	var cf configFlags
	cf.register(fs)
	var af auditFilterFlags
	af.register(fs, 0)
	out := fs.String("out", "", "write JSON lines to FILE (created with mode 0600) instead of stdout")
	if err := parse(fs, args); err != nil {
		return err
	}
	f, err := af.filter()
	if err != nil {
		return usageErr(e, fs, "%v", err)
	}
	if fs.NArg() > 0 {
		return usageErr(e, fs, "unexpected arguments %q", fs.Args())
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		if *out == "" {
			return audit.Export(ctx, svc.Store(), e.stdout, f)
		}
		return exportToFile(ctx, svc, *out, f)
	})
}

// exportToFile writes the export to path, removing a partial file on error
// so a SIEM import never picks up half a log. Mode 0600: the log names
// people and addresses.
func exportToFile(ctx context.Context, svc *federation.Service, path string, f audit.Filter) error {
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("export audit log: %w", err)
	}
	err = audit.Export(ctx, svc.Store(), file, f)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return err
	}
	return nil
}

// recordAdmin records an admin command in the audit log. The actor is the
// operating-system user who ran the command ("cli:root"): the CLI has no
// signed-in account, and 164.312(a)(2)(i) wants a person named.
func recordAdmin(ctx context.Context, svc *federation.Service, action, target string, detail map[string]any) error {
	return audit.Record(ctx, svc.Store(), audit.Entry{Actor: cliActor(), Action: action, Target: target, Detail: detail})
}

// cliActor names who runs the CLI: $SUDO_USER first, since "sudo rounds
// admin …" would otherwise always say root.
func cliActor() string {
	if u := os.Getenv("SUDO_USER"); u != "" {
		return "cli:" + u
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	return "cli"
}

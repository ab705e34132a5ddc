package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
)

// Commands for a compliance officer: who holds a copy of a post, retract it
// everywhere, export an account's data, erase an account.

func statusIDArg(e env, fs interface {
	NArg() int
	Arg(int) string
}, usage func()) (int64, error) {
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "rounds: expected exactly one status ID")
		usage()
		return 0, errUsage
	}
	id, err := storage.ParseID(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(e.stderr, "rounds: %v\n", err)
		usage()
		return 0, errUsage
	}
	return id, nil
}

func adminStatusRecipients(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin status recipients", "rounds admin status recipients STATUS_ID", e)
	var cf configFlags
	cf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	id, err := statusIDArg(e, fs, fs.Usage)
	if err != nil {
		return err
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		list, err := svc.Recipients(ctx, id)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "INSTANCE\tACTIVITY\tSTATE\tHTTP\tWHEN\tINBOX")
		for _, r := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", r.Domain, r.Activity, r.State, r.HTTPStatus, r.At.Format("2006-01-02 15:04:05"), r.Inbox)
		}
		if len(list) == 0 {
			fmt.Fprintln(tw, "(no remote server was sent this status)")
		}
		return tw.Flush()
	})
}

func adminStatusRetract(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin status retract", `rounds admin status retract STATUS_ID --reason "…"`, e)
	var cf configFlags
	cf.register(fs)
	reason := fs.String("reason", "", "why the post is retracted (kept in the audit log; required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	id, err := statusIDArg(e, fs, fs.Usage)
	if err != nil {
		return err
	}
	if *reason == "" {
		return usageErr(e, fs, "--reason is required: the audit log keeps why a post was retracted")
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		st, err := svc.Retract(ctx, id)
		if err != nil {
			return err
		}
		list, err := svc.Recipients(ctx, st.ID)
		if err != nil {
			return err
		}
		n := 0
		for _, r := range list {
			if r.Activity == "Delete" {
				n++
			}
		}
		fmt.Fprintf(e.stdout, "retracted %s: deleted here, Delete queued to %d remote inboxes; follow it with `rounds admin status recipients %s`\n",
			storage.FormatID(st.ID), n, storage.FormatID(st.ID))
		return recordAdmin(ctx, svc, audit.StatusRetract, storage.FormatID(st.ID), map[string]any{"reason": *reason, "deletes_queued": n})
	})
}

func adminAccountExport(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin account export", "rounds admin account export USERNAME [--out archive.tar.gz]", e)
	var cf configFlags
	cf.register(fs)
	out := fs.String("out", "", "write the archive here (default: USERNAME-archive.tar.gz)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErr(e, fs, "account export takes exactly one USERNAME")
	}
	name := *out
	if name == "" {
		name = fs.Arg(0) + "-archive.tar.gz"
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if err := svc.Export(ctx, fs.Arg(0), f); err != nil {
			f.Close()
			os.Remove(name)
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "wrote %s\n", name)
		return recordAdmin(ctx, svc, audit.AccountExport, fs.Arg(0), nil)
	})
}

func adminAccountErase(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin account erase", "rounds admin account erase USERNAME --confirm USERNAME", e)
	var cf configFlags
	cf.register(fs)
	confirm := fs.String("confirm", "", "repeat the username: erasure cannot be undone")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErr(e, fs, "account erase takes exactly one USERNAME")
	}
	if *confirm != fs.Arg(0) {
		return usageErr(e, fs, "erasure cannot be undone: repeat the username with --confirm %s", fs.Arg(0))
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		a, inboxes, err := svc.Erase(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "erased %s: content deleted here, Delete of the account queued to %d remote servers\n", a.Username, len(inboxes))
		return recordAdmin(ctx, svc, audit.AccountErase, a.Username, map[string]any{"servers": len(inboxes)})
	})
}

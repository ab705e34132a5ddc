package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/oauth"
)

const adminUsage = `Usage: rounds admin <command> [flags]

Commands:
  account create --username U --email E [--password P] [--role admin|moderator|member]
  account list
  account suspend USERNAME
  account export USERNAME [--out FILE]          archive in Mastodon's layout
  account erase USERNAME --confirm USERNAME     right to erasure: here and on every server it reached
  status recipients STATUS_ID                   the delivery ledger: who holds a copy
  status retract STATUS_ID --reason "…"         delete it here and on every server in the ledger
  token create --username U [--scopes "read write follow"]
  federation allow DOMAIN | block DOMAIN | remove DOMAIN | list
  invite create [--role member|moderator|admin] [--uses 1] [--expires 7d]
  verify USERNAME --role ROLE [--specialty S] [--department D] [--license L] [--npi N]
  unverify USERNAME
  audit list [--action A] [--actor U] [--since 2026-01-01] [--until DATE] [--limit N]
  audit verify                  exit 1 and name the first broken entry if the log was tampered with
  audit export [--out FILE]     JSON lines for a SIEM
  migrate-to-postgres --from rounds.db --to postgres://…   copy everything to a new PostgreSQL database, verified

Every command accepts --config, --database and --set like rounds serve.
`

func cmdAdmin(ctx context.Context, args []string, e env) error {
	if len(args) == 0 {
		// A usage error: the usage goes to stderr, as for every other one.
		fmt.Fprint(e.stderr, adminUsage)
		return errUsage
	}
	if args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
		fmt.Fprint(e.stdout, adminUsage)
		return nil
	}
	if args[0] == "migrate-to-postgres" {
		return adminMigrateToPostgres(ctx, args[1:], e)
	}
	if len(args) < 2 && args[0] != "help" {
		fmt.Fprintf(e.stderr, "rounds: admin %s needs a subcommand\n\n%s", args[0], adminUsage)
		return errUsage
	}
	if args[0]+" "+args[1] == "invite create" {
		return adminInviteCreate(ctx, args[2:], e)
	}
	if args[0] == "verify" || args[0] == "unverify" {
		return adminVerify(ctx, args[0], args[1:], e)
	}
	switch args[0] + " " + args[1] {
	case "account create":
		return adminAccountCreate(ctx, args[2:], e)
	case "account list":
		return adminAccountList(ctx, args[2:], e)
	case "account suspend":
		return adminAccountSuspend(ctx, args[2:], e)
	case "status recipients":
		return adminStatusRecipients(ctx, args[2:], e)
	case "status retract":
		return adminStatusRetract(ctx, args[2:], e)
	case "account export":
		return adminAccountExport(ctx, args[2:], e)
	case "account erase":
		return adminAccountErase(ctx, args[2:], e)
	case "token create":
		return adminTokenCreate(ctx, args[2:], e)
	case "federation allow", "federation block", "federation remove", "federation list":
		return adminFederation(ctx, args[1], args[2:], e)
	case "audit list", "audit verify", "audit export":
		return adminAudit(ctx, args[1], args[2:], e)
	}
	fmt.Fprintf(e.stderr, "rounds: unknown admin command %q\n\n%s", args[0]+" "+args[1], adminUsage)
	return errUsage
}

// withService loads config, opens the store and runs fn.
func withService(ctx context.Context, cf *configFlags, e env, fn func(*federation.Service) error) error {
	cfg, err := cf.load(e)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	return fn(newService(store, cfg, newLogger(cfg, env{stdout: e.stdout, stderr: discardIfQuiet(e)})))
}

func adminAccountCreate(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin account create", "rounds admin account create --username U --email E [--password P] [--role admin|moderator|member]", e)
	var cf configFlags
	cf.register(fs)
	username := fs.String("username", "", "username (1-30 lowercase letters, digits, underscores)")
	email := fs.String("email", "", "e-mail address used to sign in")
	password := fs.String("password", "", "password (default: a random one, printed once)")
	role := fs.String("role", storage.RoleMember, "admin, moderator or member")
	displayName := fs.String("display-name", "", "display name")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" || *email == "" {
		return usageErr(e, fs, "--username and --email are required")
	}
	if fs.NArg() > 0 {
		return usageErr(e, fs, "unexpected arguments %q", fs.Args())
	}
	generated := *password == ""
	if generated {
		*password = oauth.NewSecret()[:20]
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		acct, user, err := svc.CreateLocalAccount(ctx, federation.NewAccount{Username: *username, Email: *email,
			Password: *password, Role: *role, DisplayName: *displayName})
		if err != nil {
			return fmt.Errorf("create account: %w", err)
		}
		if err := recordAdmin(ctx, svc, audit.AccountCreate, acct.Username, map[string]any{"role": user.Role}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "created %s (%s) with role %s\nid: %s\nactor: %s\n", acct.Username, user.Email, user.Role,
			storage.FormatID(acct.ID), acct.URI)
		if generated {
			fmt.Fprintf(e.stdout, "password: %s\n(shown once; the user should change it after signing in)\n", *password)
		}
		return nil
	})
}

func adminAccountList(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin account list", "rounds admin account list", e)
	var cf configFlags
	cf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		accts, err := svc.Store().LocalAccounts(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tEMAIL\tROLE\tSTATUS\tCREATED")
		for _, a := range accts {
			u, err := svc.Store().UserByAccount(ctx, a.ID)
			if err != nil {
				return fmt.Errorf("user of %s: %w", a.Username, err)
			}
			state := "active"
			if a.Suspended() {
				state = "suspended"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Username, u.Email, u.Role, state, a.CreatedAt.Format("2006-01-02"))
		}
		return tw.Flush()
	})
}

func adminAccountSuspend(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin account suspend", "rounds admin account suspend USERNAME", e)
	var cf configFlags
	cf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErr(e, fs, "account suspend takes exactly one USERNAME")
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		a, err := svc.SuspendLocalAccount(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		if err := recordAdmin(ctx, svc, audit.AccountSuspend, a.Username, nil); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "suspended %s; they can no longer sign in or use their tokens\n", a.Username)
		return nil
	})
}

func adminTokenCreate(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin token create", `rounds admin token create --username U [--scopes "read write follow"]`, e)
	var cf configFlags
	cf.register(fs)
	username := fs.String("username", "", "local account the token acts as")
	scopes := fs.String("scopes", "read write follow", "space-separated OAuth scopes")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *username == "" {
		return usageErr(e, fs, "--username is required")
	}
	sc, err := oauth.ParseScopes(*scopes)
	if err != nil {
		return usageErr(e, fs, "--scopes: %v", err)
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		st := svc.Store()
		a, err := st.AccountByUsername(ctx, *username, "")
		if errors.Is(err, storage.ErrNotFound) || (err == nil && a.Username == storage.InstanceActorUsername) {
			return fmt.Errorf("no local account named %q", *username)
		}
		if err != nil {
			return err
		}
		u, err := st.UserByAccount(ctx, a.ID)
		if err != nil {
			return err
		}
		if u.Disabled || a.Suspended() {
			return fmt.Errorf("account %q is suspended", a.Username)
		}
		plain, _, err := oauth.Issue(ctx, st, u.ID, 0, sc)
		if err != nil {
			return err
		}
		if err := recordAdmin(ctx, svc, audit.TokenGrant, a.Username, map[string]any{"scopes": sc}); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, plain)
		return nil
	})
}

func discardIfQuiet(e env) *nopWriter { return &nopWriter{} }

type nopWriter struct{}

func (*nopWriter) Write(p []byte) (int, error) { return len(p), nil }

var _ = flag.ErrHelp

package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"

	_ "github.com/mattn/go-sqlite3" // the source database, opened read-only

	"github.com/rounds-social/rounds/storage/postgres"
)

const migratePGUsage = "rounds admin migrate-to-postgres --from rounds.db --to postgres://USER:PASSWORD@HOST/DB"

// adminMigrateToPostgres copies an instance's SQLite database into a new,
// empty PostgreSQL database and verifies the copy table by table. Stop
// `rounds serve` first: rows written during the copy would be missing (and
// the verification would say so).
func adminMigrateToPostgres(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin migrate-to-postgres", migratePGUsage, e)
	from := fs.String("from", "", "the SQLite database file (the database setting of the instance)")
	to := fs.String("to", "", "the PostgreSQL database URL; it must be empty (created, with no tables or only Rounds' empty ones)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usageErr(e, fs, "--from and --to are required")
	}
	if fs.NArg() > 0 {
		return usageErr(e, fs, "unexpected arguments %q", fs.Args())
	}
	if !strings.HasPrefix(*to, "postgres://") && !strings.HasPrefix(*to, "postgresql://") {
		return usageErr(e, fs, "--to must be a postgres:// URL")
	}
	path := strings.TrimPrefix(*from, "file:")
	if st, err := os.Stat(path); err != nil {
		return fmt.Errorf("source database %s: %w", path, err)
	} else if st.IsDir() {
		return fmt.Errorf("source database %s is a directory", path)
	}
	src, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer src.Close()
	if err := src.PingContext(ctx); err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	fmt.Fprintf(e.stderr, "copying %s to %s\n", path, redactURL(*to))
	checks, err := postgres.ImportSQLite(ctx, src, *to, func(table string, rows int64) {
		fmt.Fprintf(e.stderr, "  %-22s %d rows\n", table, rows)
	})
	if err != nil {
		return fmt.Errorf("migrate to postgres: %w", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tSQLITE ROWS\tPOSTGRES ROWS\tSQLITE SHA-256\tPOSTGRES SHA-256\tOK")
	var bad []string
	for _, c := range checks {
		ok := "ok"
		if !c.OK() {
			ok, bad = "MISMATCH", append(bad, c.Table)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\n", c.Table, c.SourceRows, c.TargetRows, short(c.SourceSum), short(c.TargetSum), ok)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(bad) > 0 {
		return fmt.Errorf("verification failed for %s: was the instance still running during the copy? Drop the target database, stop rounds and run this again", strings.Join(bad, ", "))
	}
	fmt.Fprintf(e.stdout, "\nAll %d tables verified. Point the database setting at the PostgreSQL URL and start rounds.\n", len(checks)-1)
	return nil
}

func short(sum string) string {
	if len(sum) > 16 {
		return sum[:16]
	}
	return sum
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(postgres)"
	}
	return u.Redacted()
}

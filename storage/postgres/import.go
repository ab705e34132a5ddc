package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file moves an instance from storage/sqlite to PostgreSQL (rounds admin
// migrate-to-postgres). The two backends share table and column names and
// the stored representation of every value (times as Unix milliseconds,
// booleans as 0/1), so rows copy one to one; only the driver types differ.

// TableCheck is the verification of one copied table: row counts and a
// checksum computed the same way on both sides.
type TableCheck struct {
	Table                  string
	SourceRows, TargetRows int64
	SourceSum, TargetSum   string
}

// OK reports whether source and target agree.
func (c TableCheck) OK() bool {
	return c.SourceRows == c.TargetRows && c.SourceSum == c.TargetSum
}

// derived tables are filled by triggers while other tables are copied; they
// are copied last, over what the triggers wrote, so they hold exactly the
// source's values (which the checksum then confirms).
var derivedTables = []string{"account_stats"}

// skipTables exist only in PostgreSQL or only as bookkeeping.
// audit_log_high is PostgreSQL's stand-in for SQLite's sqlite_sequence row
// of audit_log and is set from it (and checked) separately.
var skipTables = map[string]bool{"goose_db_version": true, "audit_log_high": true}

type column struct{ name, typ string }

type table struct {
	name string
	cols []column
}

// ImportSQLite copies every table of the SQLite database src into the empty
// PostgreSQL database at dsn (migrating it first) in one transaction, then
// reads both back and returns a count and checksum per table. It refuses a
// target that already holds rows. progress, if not nil, is told of each
// table once copied.
func ImportSQLite(ctx context.Context, src *sql.DB, dsn string, progress func(table string, rows int64)) ([]TableCheck, error) {
	db, err := Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	pg := db.pool

	srcVer, err := scalarInt(ctx, src, `SELECT coalesce(max(version_id), 0) FROM goose_db_version WHERE is_applied`)
	if err != nil {
		return nil, fmt.Errorf("read the source's schema version (is it a Rounds database?): %w", err)
	}
	dstVer, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the target's schema version: %w", err)
	}
	if srcVer != dstVer {
		return nil, fmt.Errorf("the SQLite database is at schema version %d and PostgreSQL at %d: start this version of rounds once on the SQLite database (it migrates on start), then run this again", srcVer, dstVer)
	}

	tables, err := targetTables(ctx, pg)
	if err != nil {
		return nil, err
	}
	for _, t := range tables {
		var any bool
		if err := pg.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+quote(t.name)+`)`).Scan(&any); err != nil {
			return nil, fmt.Errorf("check target table %s is empty: %w", t.name, err)
		}
		if any {
			return nil, fmt.Errorf("the target database is not empty (table %s has rows): migrate-to-postgres only fills a new, empty database", t.name)
		}
	}
	if err := checkSourceTables(ctx, src, tables); err != nil {
		return nil, err
	}

	tx, err := pg.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, t := range tables {
		if slices.Contains(derivedTables, t.name) {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+quote(t.name)); err != nil {
				return nil, fmt.Errorf("clear derived table %s: %w", t.name, err)
			}
		}
		n, err := copyTable(ctx, src, tx, t)
		if err != nil {
			return nil, fmt.Errorf("copy table %s: %w", t.name, err)
		}
		if progress != nil {
			progress(t.name, n)
		}
	}
	if err := resetSequences(ctx, tx); err != nil {
		return nil, err
	}
	// The highest audit seq ever used, so that rows removed from the end
	// before the move still show as a gap to audit verify.
	high, err := sqliteAuditHigh(ctx, src)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_log_high SET seq = greatest(seq, $1)`, high); err != nil {
		return nil, fmt.Errorf("set audit_log_high: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", err)
	}

	var checks []TableCheck
	for _, t := range tables {
		c := TableCheck{Table: t.name}
		if c.SourceRows, c.SourceSum, err = checksum(ctx, src, t); err != nil {
			return nil, fmt.Errorf("checksum source table %s: %w", t.name, err)
		}
		if c.TargetRows, c.TargetSum, err = checksum(ctx, pg, t); err != nil {
			return nil, fmt.Errorf("checksum target table %s: %w", t.name, err)
		}
		checks = append(checks, c)
	}
	var pgHigh int64
	if err := pg.QueryRowContext(ctx, `SELECT seq FROM audit_log_high`).Scan(&pgHigh); err != nil {
		return nil, fmt.Errorf("read audit_log_high: %w", err)
	}
	srcMax, _ := scalarInt(ctx, src, `SELECT coalesce(max(seq), 0) FROM audit_log`)
	want := max(high, srcMax)
	checks = append(checks, TableCheck{Table: "audit high seq", SourceRows: 1, TargetRows: 1,
		SourceSum: strconv.FormatInt(want, 10), TargetSum: strconv.FormatInt(pgHigh, 10)})
	return checks, nil
}

func scalarInt(ctx context.Context, q querier, query string) (int64, error) {
	var v int64
	err := q.QueryRowContext(ctx, query).Scan(&v)
	return v, err
}

// targetTables lists the target's tables with their columns, parents before
// children (foreign keys) and derived tables last.
func targetTables(ctx context.Context, pg *sql.DB) ([]table, error) {
	rows, err := pg.QueryContext(ctx, `SELECT c.table_name, c.column_name, c.data_type
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("list target tables: %w", err)
	}
	byName := map[string]*table{}
	var names []string
	for rows.Next() {
		var tn, cn, typ string
		if err := rows.Scan(&tn, &cn, &typ); err != nil {
			rows.Close()
			return nil, err
		}
		if skipTables[tn] {
			continue
		}
		t := byName[tn]
		if t == nil {
			t = &table{name: tn}
			byName[tn] = t
			names = append(names, tn)
		}
		t.cols = append(t.cols, column{cn, typ})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, errors.New("the target schema has no tables after migrating")
	}
	// Foreign keys within the schema: child -> parents.
	fk, err := pg.QueryContext(ctx, `SELECT ch.relname, pa.relname FROM pg_constraint k
		JOIN pg_class ch ON ch.oid = k.conrelid JOIN pg_class pa ON pa.oid = k.confrelid
		JOIN pg_namespace n ON n.oid = ch.relnamespace
		WHERE k.contype = 'f' AND n.nspname = current_schema()`)
	if err != nil {
		return nil, fmt.Errorf("list foreign keys: %w", err)
	}
	parents := map[string][]string{}
	for fk.Next() {
		var c, p string
		if err := fk.Scan(&c, &p); err != nil {
			fk.Close()
			return nil, err
		}
		if c != p {
			parents[c] = append(parents[c], p)
		}
	}
	fk.Close()
	// Depth-first topological order; names are sorted so the order is stable.
	slices.Sort(names)
	var order []string
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(string) error
	visit = func(n string) error {
		switch state[n] {
		case 1:
			return fmt.Errorf("foreign keys form a cycle through %s", n)
		case 2:
			return nil
		}
		state[n] = 1
		for _, p := range parents[n] {
			if byName[p] != nil {
				if err := visit(p); err != nil {
					return err
				}
			}
		}
		state[n] = 2
		if !slices.Contains(derivedTables, n) {
			order = append(order, n)
		}
		return nil
	}
	for _, n := range names {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	for _, n := range derivedTables {
		if byName[n] != nil {
			order = append(order, n)
		}
	}
	out := make([]table, len(order))
	for i, n := range order {
		out[i] = *byName[n]
	}
	return out, nil
}

// checkSourceTables makes sure the two schemas hold the same tables and the
// source has every target column.
func checkSourceTables(ctx context.Context, src *sql.DB, tables []table) error {
	rows, err := src.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
	if err != nil {
		return fmt.Errorf("list source tables: %w", err)
	}
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		have[n] = true
	}
	rows.Close()
	want := map[string]bool{}
	for _, t := range tables {
		want[t.name] = true
		if !have[t.name] {
			return fmt.Errorf("the SQLite database has no table %s: is it a Rounds database of this version?", t.name)
		}
		cols := map[string]bool{}
		crows, err := src.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, t.name)
		if err != nil {
			return fmt.Errorf("list columns of source table %s: %w", t.name, err)
		}
		for crows.Next() {
			var n string
			if err := crows.Scan(&n); err != nil {
				crows.Close()
				return err
			}
			cols[n] = true
		}
		crows.Close()
		for _, c := range t.cols {
			if !cols[c.name] {
				return fmt.Errorf("the SQLite table %s has no column %s", t.name, c.name)
			}
		}
	}
	for n := range have {
		if !want[n] && !skipTables[n] {
			return fmt.Errorf("the SQLite database has a table %s that PostgreSQL lacks: nothing would copy it", n)
		}
	}
	return nil
}

func quote(ident string) string { return `"` + strings.ReplaceAll(ident, `"`, `""`) + `"` }

func selectAll(t table) string {
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = quote(c.name)
	}
	return `SELECT ` + strings.Join(names, ", ") + ` FROM ` + quote(t.name)
}

// copyBatch rows go in one INSERT (well under PostgreSQL's 65535 parameters).
const copyBatch = 500

func copyTable(ctx context.Context, src *sql.DB, tx *sql.Tx, t table) (int64, error) {
	rows, err := src.QueryContext(ctx, selectAll(t))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	names := make([]string, len(t.cols))
	for i, c := range t.cols {
		names[i] = quote(c.name)
	}
	head := `INSERT INTO ` + quote(t.name) + ` (` + strings.Join(names, ", ") + `) VALUES `
	var (
		args  []any
		n     int64
		batch int
	)
	flush := func() error {
		if batch == 0 {
			return nil
		}
		var sb strings.Builder
		sb.WriteString(head)
		p := 1
		for r := 0; r < batch; r++ {
			if r > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('(')
			for c := range t.cols {
				if c > 0 {
					sb.WriteString(", ")
				}
				sb.WriteString("$" + strconv.Itoa(p))
				p++
			}
			sb.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return err
		}
		args, batch = args[:0], 0
		return nil
	}
	vals := make([]any, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, c := range t.cols {
			v, err := convert(vals[i], c.typ)
			if err != nil {
				return n, fmt.Errorf("row %d column %s: %w", n+1, c.name, err)
			}
			args = append(args, v)
		}
		n++
		if batch++; batch == copyBatch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, flush()
}

// convert turns a value read from SQLite into what the PostgreSQL column of
// type typ (information_schema's data_type) takes.
func convert(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case "bigint", "integer", "smallint":
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			if x == float64(int64(x)) {
				return int64(x), nil
			}
		case bool:
			return int64(b2i(x)), nil
		case string:
			return strconv.ParseInt(x, 10, 64)
		case []byte:
			return strconv.ParseInt(string(x), 10, 64)
		}
	case "boolean":
		switch x := v.(type) {
		case int64:
			return x != 0, nil
		case bool:
			return x, nil
		}
	case "double precision", "real", "numeric":
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	case "bytea":
		switch x := v.(type) {
		case []byte:
			return bytes.Clone(x), nil
		case string:
			return []byte(x), nil
		}
	default: // text, citext (USER-DEFINED), character varying
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		case int64:
			return strconv.FormatInt(x, 10), nil
		}
	}
	return nil, fmt.Errorf("cannot store %T in a %s column", v, typ)
}

// resetSequences moves identity and serial sequences past the copied ids.
func resetSequences(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`)
	if err != nil {
		return fmt.Errorf("list sequences: %w", err)
	}
	var pairs [][2]string
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			rows.Close()
			return err
		}
		pairs = append(pairs, [2]string{t, c})
	}
	rows.Close()
	for _, p := range pairs {
		q := `SELECT setval(pg_get_serial_sequence($1, $2), m) FROM (SELECT max(` + quote(p[1]) + `) AS m FROM ` + quote(p[0]) + `) x WHERE m IS NOT NULL`
		if _, err := tx.ExecContext(ctx, q, quote(p[0]), p[1]); err != nil {
			return fmt.Errorf("reset sequence of %s.%s: %w", p[0], p[1], err)
		}
	}
	return nil
}

func sqliteAuditHigh(ctx context.Context, src *sql.DB) (int64, error) {
	var high int64
	err := src.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'`).Scan(&high)
	if errors.Is(err, sql.ErrNoRows) || (err != nil && strings.Contains(err.Error(), "no such table")) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read the audit log's highest seq: %w", err)
	}
	return high, nil
}

// checksum counts t's rows in q and hashes them: each row is encoded
// canonically (values first converted to the PostgreSQL column types, so
// both drivers' representations meet), hashed with SHA-256, and the sorted
// row hashes are hashed again. Sorting the row hashes makes the result
// independent of row order, so no collation can make the two sides differ.
func checksum(ctx context.Context, q querier, t table) (int64, string, error) {
	rows, err := q.QueryContext(ctx, selectAll(t))
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	vals := make([]any, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var (
		digests [][sha256.Size]byte
		buf     []byte
	)
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", err
		}
		buf = buf[:0]
		for i, c := range t.cols {
			v, err := convert(vals[i], c.typ)
			if err != nil {
				return 0, "", fmt.Errorf("column %s: %w", c.name, err)
			}
			buf = encodeValue(buf, v)
		}
		digests = append(digests, sha256.Sum256(buf))
	}
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	slices.SortFunc(digests, func(a, b [sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
	h := sha256.New()
	for _, d := range digests {
		h.Write(d[:])
	}
	return int64(len(digests)), hex.EncodeToString(h.Sum(nil)), nil
}

func encodeValue(buf []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(buf, 'N')
	case int64:
		buf = append(buf, 'I')
		buf = strconv.AppendInt(buf, x, 10)
		return append(buf, ';')
	case bool:
		if x {
			return append(buf, "B1;"...)
		}
		return append(buf, "B0;"...)
	case float64:
		buf = append(buf, 'F')
		buf = strconv.AppendFloat(buf, x, 'g', -1, 64)
		return append(buf, ';')
	case string:
		buf = append(buf, 'S')
		buf = strconv.AppendInt(buf, int64(len(x)), 10)
		buf = append(buf, ':')
		return append(buf, x...)
	case []byte:
		buf = append(buf, 'X')
		buf = strconv.AppendInt(buf, int64(len(x)), 10)
		buf = append(buf, ':')
		return append(buf, x...)
	}
	return fmt.Appendf(buf, "?%v;", v)
}

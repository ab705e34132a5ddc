// Package audit keeps Rounds' tamper-evident audit log (HIPAA 164.312(b)):
// sign-ins, token grants, admin and moderator actions, staff access to
// non-public posts, PHI-guard decisions, exports and erasures.
//
// Entries are appended, never changed: the storage backend refuses updates
// and deletes, and each entry carries hash = SHA-256(prev_hash || canonical
// JSON of the entry), the first prev_hash being 64 zeros. Verify walks the
// chain and names the first entry that was edited, deleted or moved. An
// attacker who can write the database file can still rewrite the chain from
// some entry to the end with fresh hashes, or cut its newest entries and the
// sequence counter; shipping the export to a SIEM, which keeps the hashes it
// has seen, is what anchors the chain against that.
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// Actions recorded. Record refuses any other name, so a typo cannot create
// an action a SIEM rule never matches.
const (
	SignInSuccess    = "signin.success"
	SignInFailure    = "signin.failure"
	TokenGrant       = "token.grant"
	TokenRevoke      = "token.revoke"
	AccountCreate    = "account.create"
	AccountSuspend   = "account.suspend"
	AccountRole      = "account.role"
	AccountVerify    = "account.verify"
	AccountUnverify  = "account.unverify"
	FederationAllow  = "federation.allow"
	FederationBlock  = "federation.block"
	FederationRemove = "federation.remove"
	StaffViewPrivate = "staff.view_private"
	PHIBlock         = "phi.block"
	PHIWarn          = "phi.warn"
	StatusRetract    = "status.retract"
	AccountExport    = "account.export"
	AccountErase     = "account.erase"
	AccountInvite    = "account.invite"
	PasswordReset    = "account.password_reset"
	ReportResolve    = "report.resolve"
	DeliveryRetry    = "delivery.retry"
	StatusRelease    = "status.release"
)

const (
	// SystemActor is the actor of entries no person caused.
	SystemActor = "system"
	// genesisHash is the prev_hash of the first entry.
	genesisHash = "0000000000000000000000000000000000000000000000000000000000000000"
	// maxDetailBytes keeps detail to facts about an action, not documents.
	maxDetailBytes    = 8 << 10
	forbiddenKeysHint = "post text and PHI matches never go into the audit log; record a category and ContentHash instead"
)

// Actions lists every action name, in the order above.
var Actions = []string{SignInSuccess, SignInFailure, TokenGrant, TokenRevoke, AccountCreate, AccountSuspend,
	AccountRole, AccountVerify, AccountUnverify, FederationAllow, FederationBlock, FederationRemove,
	StaffViewPrivate, PHIBlock, PHIWarn, StatusRetract, AccountExport, AccountErase, AccountInvite, PasswordReset,
	ReportResolve, DeliveryRetry, StatusRelease}

// forbiddenKeys are detail keys that would, by their name, carry a post's
// text or a PHI match: refused outright as a guard against a careless caller.
var forbiddenKeys = map[string]bool{"text": true, "content": true, "body": true, "spoiler_text": true,
	"match": true, "matches": true, "matched": true, "excerpt": true}

// Entry is what a caller records.
type Entry struct {
	Actor   string // username, remote actor URI or CLI operator; "" means "system"
	ActorID int64  // the local account acting, 0 for none
	Action  string // one of the constants above
	Target  string // what was acted on: username, domain, token id, status id
	IP      string // the client address, "" for the CLI and background work
	// Detail holds small facts about the action (a role, a scope list, a
	// PHI category). Never post text and never what a PHI pattern matched:
	// record the category and ContentHash(text) instead. The log is kept for
	// years and shipped to a SIEM, so whatever goes in here leaves the
	// instance's control.
	Detail map[string]any
}

// ContentHash is the hex SHA-256 of s: how PHI-guard entries refer to the
// content they judged without holding it.
func ContentHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Record appends e to the log. When st is bound to a transaction (inside
// st.Tx) the entry commits or rolls back with the caller's other writes, so
// an admin action never happens without its entry. Appends are serialised by
// the store's single write transaction, which the read of the chain's tail
// and the insert share.
//
// e.Detail must never hold post text or PHI matches (see Entry.Detail);
// keys named like text (text, content, body, match, …) are refused.
func Record(ctx context.Context, st storage.Store, e Entry) error {
	row, err := newRow(e)
	if err != nil {
		return err
	}
	err = st.Tx(ctx, func(tx storage.Store) error {
		high, last, err := tx.AuditTail(ctx)
		if err != nil {
			return err
		}
		if last == "" {
			last = genesisHash
		}
		// high, not the newest row's seq: if the newest rows were removed,
		// the next seq leaves a gap Verify reports instead of hiding it.
		row.Seq, row.PrevHash = high+1, last
		row.Hash = entryHash(row)
		return tx.AppendAudit(ctx, row)
	})
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", e.Action, e.Target, err)
	}
	return nil
}

// newRow validates e and builds its row, all but the chain fields.
func newRow(e Entry) (*storage.AuditEntry, error) {
	if !known(e.Action) {
		return nil, fmt.Errorf("audit: unknown action %q", e.Action)
	}
	for k := range e.Detail {
		if forbiddenKeys[strings.ToLower(k)] {
			return nil, fmt.Errorf("audit %s: detail key %q refused: %s", e.Action, k, forbiddenKeysHint)
		}
	}
	detail, err := canonicalDetail(e.Detail)
	if err != nil {
		return nil, fmt.Errorf("audit %s: detail: %w", e.Action, err)
	}
	if len(detail) > maxDetailBytes {
		return nil, fmt.Errorf("audit %s: detail is %d bytes, more than %d", e.Action, len(detail), maxDetailBytes)
	}
	actor := e.Actor
	if actor == "" {
		actor = SystemActor
	}
	// Millisecond precision is what the store keeps; truncating here makes
	// the hash computed now equal the one recomputed from the stored row.
	return &storage.AuditEntry{ID: storage.NewID(), At: time.Now().UTC().Truncate(time.Millisecond),
		ActorID: e.ActorID, Actor: actor, Action: e.Action, Target: e.Target, IP: e.IP, Detail: detail}, nil
}

func known(action string) bool {
	for _, a := range Actions {
		if a == action {
			return true
		}
	}
	return false
}

// canonicalDetail encodes d with sorted keys (encoding/json sorts map keys
// at every level), so the same detail always gives the same bytes.
func canonicalDetail(d map[string]any) (string, error) {
	if d == nil {
		return "{}", nil
	}
	b, err := marshal(d)
	return string(b), err
}

// marshal is encoding/json without HTML escaping and the trailing newline:
// the plainest form, for anyone re-implementing the hash to check an export.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// hashed is the canonical form an entry's hash covers, fields in this order;
// at is Unix milliseconds and detail the stored JSON text, verbatim.
type hashed struct {
	Seq     int64  `json:"seq"`
	ID      int64  `json:"id"`
	At      int64  `json:"at"`
	ActorID int64  `json:"actor_id"`
	Actor   string `json:"actor"`
	Action  string `json:"action"`
	Target  string `json:"target"`
	IP      string `json:"ip"`
	Detail  string `json:"detail"`
}

// entryHash is hex SHA-256(prev_hash || canonical JSON), prev_hash being the
// 64 hex characters of the previous entry's hash.
func entryHash(e *storage.AuditEntry) string {
	var at int64
	if !e.At.IsZero() {
		at = e.At.UnixMilli()
	}
	b, err := marshal(hashed{Seq: e.Seq, ID: e.ID, At: at, ActorID: e.ActorID, Actor: e.Actor, Action: e.Action,
		Target: e.Target, IP: e.IP, Detail: e.Detail})
	if err != nil {
		// Only strings and integers: encoding cannot fail.
		panic(fmt.Sprintf("audit: encode entry %d: %v", e.Seq, err))
	}
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

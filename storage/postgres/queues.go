package postgres

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// Claimed jobs stay in state 'pending' with next_attempt_at pushed to the
// lease's end: a worker that dies mid-send leaves a job that simply comes due
// again, so nothing is lost and no separate "running" state needs repair.

// EnqueueDeliveries inserts delivery jobs, skipping (activity, inbox) pairs already queued.
func (db *DB) EnqueueDeliveries(ctx context.Context, jobs []*storage.DeliveryJob) error {
	now := time.Now().UTC()
	for _, j := range jobs {
		if j.ID == 0 {
			j.ID = storage.NewID()
		}
		if j.NextAttemptAt.IsZero() {
			j.NextAttemptAt = now
		}
		j.CreatedAt, j.UpdatedAt, j.State = now, now, storage.JobPending
		// ON CONFLICT DO NOTHING skips only a duplicate key; OR IGNORE would
		// also silently drop a job that breaks NOT NULL (a nil Body).
		_, err := db.w.ExecContext(ctx, `INSERT INTO delivery_jobs (id, activity_id, inbox, body, signer_id,
			status_id, attempts, next_attempt_at, state, created_at, updated_at) VALUES (?,?,?,?,?,?,0,?,?,?,?)
			ON CONFLICT DO NOTHING`,
			j.ID, j.ActivityID, j.Inbox, j.Body, j.SignerID, j.StatusID, ms(j.NextAttemptAt), j.State, ms(now), ms(now))
		if err != nil {
			return wrap("enqueue delivery to "+j.Inbox, err)
		}
	}
	return nil
}

const jobCols = `id, activity_id, inbox, body, signer_id, status_id, attempts, next_attempt_at, last_error,
	last_status, state, created_at, updated_at`

func scanJob(s scanner) (*storage.DeliveryJob, error) {
	var j storage.DeliveryJob
	var next, created, updated int64
	err := s.Scan(&j.ID, &j.ActivityID, &j.Inbox, &j.Body, &j.SignerID, &j.StatusID, &j.Attempts, &next,
		&j.LastError, &j.LastStatus, &j.State, &created, &updated)
	j.NextAttemptAt, j.CreatedAt, j.UpdatedAt = fromMS(next), fromMS(created), fromMS(updated)
	return &j, err
}

// ClaimDeliveries leases up to n due jobs until leaseUntil.
func (db *DB) ClaimDeliveries(ctx context.Context, now, leaseUntil time.Time, n int) ([]*storage.DeliveryJob, error) {
	var out []*storage.DeliveryJob
	err := db.Tx(ctx, func(st storage.Store) error {
		tx := st.(*DB)
		out = []*storage.DeliveryJob{}
		err := tx.eachRow(ctx, `UPDATE delivery_jobs SET next_attempt_at = ?, updated_at = ?
			WHERE id IN (SELECT id FROM delivery_jobs WHERE state = 'pending' AND next_attempt_at <= ?
			ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING `+jobCols, []any{ms(leaseUntil), ms(now), ms(now), n},
			func(s scanner) error {
				j, err := scanJob(s)
				out = append(out, j)
				return err
			})
		return wrap("claim deliveries", err)
	})
	return out, err
}

// FinishDelivery records an attempt's outcome: state, attempts, error, next try.
func (db *DB) FinishDelivery(ctx context.Context, j *storage.DeliveryJob) error {
	j.UpdatedAt = time.Now().UTC()
	// A job cancelled while in flight (its post was deleted) stays cancelled.
	_, err := db.w.ExecContext(ctx, `UPDATE delivery_jobs SET attempts=?, next_attempt_at=?, last_error=?, last_status=?,
		state=?, updated_at=? WHERE id=? AND state = 'pending'`, j.Attempts, ms(j.NextAttemptAt), j.LastError, j.LastStatus,
		j.State, ms(j.UpdatedAt), j.ID)
	return wrap("finish delivery", err)
}

// Deliveries lists jobs in a state, most recently updated first.
func (db *DB) Deliveries(ctx context.Context, state string, limit int) ([]*storage.DeliveryJob, error) {
	out := []*storage.DeliveryJob{}
	err := db.eachRow(ctx, `SELECT `+jobCols+` FROM delivery_jobs WHERE state = ? ORDER BY updated_at DESC, id DESC LIMIT ?`,
		[]any{state, limit}, func(s scanner) error {
			j, err := scanJob(s)
			out = append(out, j)
			return err
		})
	return out, wrap("list deliveries", err)
}

// DeliveriesOfStatus lists every job that carried statusID, oldest first.
func (db *DB) DeliveriesOfStatus(ctx context.Context, statusID int64) ([]*storage.DeliveryJob, error) {
	out := []*storage.DeliveryJob{}
	err := db.eachRow(ctx, `SELECT `+jobCols+` FROM delivery_jobs WHERE status_id = ? ORDER BY id`, []any{statusID},
		func(s scanner) error {
			j, err := scanJob(s)
			out = append(out, j)
			return err
		})
	return out, wrap("deliveries of status", err)
}

// InboxesOfSigner lists the distinct inboxes that got anything signed by accountID.
func (db *DB) InboxesOfSigner(ctx context.Context, accountID int64) ([]string, error) {
	out := []string{}
	err := db.eachRow(ctx, `SELECT DISTINCT inbox FROM delivery_jobs WHERE signer_id = ? ORDER BY inbox`, []any{accountID},
		func(s scanner) error {
			var in string
			err := s.Scan(&in)
			out = append(out, in)
			return err
		})
	return out, wrap("inboxes of signer", err)
}

// CountDeliveries counts jobs in a state.
func (db *DB) CountDeliveries(ctx context.Context, state string) (int, error) {
	return db.count(ctx, "count deliveries", `SELECT count(*) FROM delivery_jobs WHERE state = ?`, state)
}

// EnqueueInbox stores a verified incoming activity; ErrConflict for a replay.
func (db *DB) EnqueueInbox(ctx context.Context, it *storage.InboxItem) error {
	if it.ID == 0 {
		it.ID = storage.NewID()
	}
	if it.ReceivedAt.IsZero() {
		it.ReceivedAt = time.Now().UTC()
	}
	it.State = storage.JobPending
	_, err := db.w.ExecContext(ctx, `INSERT INTO inbox_items (id, activity_id, actor_uri, body, received_at, next_attempt_at, state)
		VALUES (?,?,?,?,?,?,?)`, it.ID, it.ActivityID, it.ActorURI, it.Body, ms(it.ReceivedAt), ms(it.ReceivedAt), it.State)
	return wrap("enqueue inbox item "+it.ActivityID, err)
}

// ClaimInbox leases up to n due inbox items until leaseUntil, oldest first.
func (db *DB) ClaimInbox(ctx context.Context, now, leaseUntil time.Time, n int) ([]*storage.InboxItem, error) {
	var out []*storage.InboxItem
	err := db.Tx(ctx, func(st storage.Store) error {
		tx := st.(*DB)
		out = []*storage.InboxItem{}
		err := tx.eachRow(ctx, `UPDATE inbox_items SET next_attempt_at = ? WHERE id IN (SELECT id FROM inbox_items
			WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
			RETURNING id, activity_id, actor_uri, body, received_at, attempts, next_attempt_at, last_error, state`,
			[]any{ms(leaseUntil), ms(now), n}, func(s scanner) error {
				var it storage.InboxItem
				var recv, next int64
				err := s.Scan(&it.ID, &it.ActivityID, &it.ActorURI, &it.Body, &recv, &it.Attempts, &next, &it.LastError, &it.State)
				it.ReceivedAt, it.NextAttemptAt = fromMS(recv), fromMS(next)
				out = append(out, &it)
				return err
			})
		return wrap("claim inbox", err)
	})
	// RETURNING gives rows in no particular order; apply oldest first.
	slices.SortFunc(out, func(a, b *storage.InboxItem) int { return cmp.Compare(a.ID, b.ID) })
	return out, err
}

// FinishInbox records the outcome of applying an inbox item.
func (db *DB) FinishInbox(ctx context.Context, it *storage.InboxItem) error {
	_, err := db.w.ExecContext(ctx, `UPDATE inbox_items SET attempts=?, next_attempt_at=?, last_error=?, state=? WHERE id=?`,
		it.Attempts, ms(it.NextAttemptAt), it.LastError, it.State, it.ID)
	return wrap("finish inbox item", err)
}

// CountInbox counts inbox items in a state.
func (db *DB) CountInbox(ctx context.Context, state string) (int, error) {
	return db.count(ctx, "count inbox", `SELECT count(*) FROM inbox_items WHERE state = ?`, state)
}

// PutRemoteKey caches (or refreshes) a remote public key.
func (db *DB) PutRemoteKey(ctx context.Context, k *storage.RemoteKey) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO remote_keys (key_id, owner_uri, public_key_pem, fetched_at) VALUES (?,?,?,?)
		ON CONFLICT (key_id) DO UPDATE SET owner_uri = excluded.owner_uri, public_key_pem = excluded.public_key_pem,
		fetched_at = excluded.fetched_at`, k.KeyID, k.OwnerURI, k.PublicKeyPEM, ms(k.FetchedAt))
	return wrap("cache key "+k.KeyID, err)
}

// RemoteKey returns a cached key.
func (db *DB) RemoteKey(ctx context.Context, keyID string) (*storage.RemoteKey, error) {
	var k storage.RemoteKey
	var fetched int64
	err := db.r.QueryRowContext(ctx, `SELECT key_id, owner_uri, public_key_pem, fetched_at FROM remote_keys WHERE key_id = ?`,
		keyID).Scan(&k.KeyID, &k.OwnerURI, &k.PublicKeyPEM, &fetched)
	if err != nil {
		return nil, wrap("get key "+keyID, err)
	}
	k.FetchedAt = fromMS(fetched)
	return &k, nil
}

// DeleteRemoteKeysOf forgets the keys of a (deleted) actor.
func (db *DB) DeleteRemoteKeysOf(ctx context.Context, ownerURI string) error {
	_, err := db.w.ExecContext(ctx, `DELETE FROM remote_keys WHERE owner_uri = ?`, ownerURI)
	return wrap("delete keys of "+ownerURI, err)
}

// PutDomainPolicy sets the policy for a domain.
func (db *DB) PutDomainPolicy(ctx context.Context, d *storage.DomainPolicy) error {
	if d.CreatedAt.IsZero() {
		d.CreatedAt = time.Now().UTC()
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO domain_policies (domain, policy, note, created_at) VALUES (?,?,?,?)
		ON CONFLICT (domain) DO UPDATE SET policy = excluded.policy, note = excluded.note`,
		d.Domain, d.Policy, d.Note, ms(d.CreatedAt))
	return wrap("set domain policy "+d.Domain, err)
}

// DeleteDomainPolicy removes a domain's policy.
func (db *DB) DeleteDomainPolicy(ctx context.Context, domain string) error {
	res, err := db.w.ExecContext(ctx, `DELETE FROM domain_policies WHERE domain = ?`, domain)
	if err != nil {
		return wrap("delete domain policy", err)
	}
	return mustAffect(res, "delete domain policy "+domain)
}

// DomainPolicies lists every domain policy.
func (db *DB) DomainPolicies(ctx context.Context) ([]*storage.DomainPolicy, error) {
	out := []*storage.DomainPolicy{}
	err := db.eachRow(ctx, `SELECT domain, policy, note, created_at FROM domain_policies ORDER BY domain`, nil,
		func(s scanner) error {
			var d storage.DomainPolicy
			var created int64
			err := s.Scan(&d.Domain, &d.Policy, &d.Note, &created)
			d.CreatedAt = fromMS(created)
			out = append(out, &d)
			return err
		})
	return out, wrap("list domain policies", err)
}

package postgres

import (
	"context"
	"net/url"
	"sort"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// DeliveryDomains sums the delivery queue per remote domain. SQL groups by
// inbox (there are few: shared inboxes collapse them); Go folds inboxes into
// their host, which SQLite cannot parse out of a URL.
func (db *DB) DeliveryDomains(ctx context.Context) ([]*storage.DomainDeliveries, error) {
	byDomain := map[string]*storage.DomainDeliveries{}
	lastErrAt := map[string]int64{}
	err := db.eachRow(ctx, `SELECT inbox,
			max(CASE WHEN state = 'done' THEN updated_at ELSE 0 END),
			count(*) FILTER (WHERE state = 'failed'), count(*) FILTER (WHERE state = 'pending'),
			count(*) FILTER (WHERE state = 'pending' AND attempts > 0),
			max(CASE WHEN last_error <> '' AND state IN ('pending', 'failed') THEN updated_at ELSE 0 END),
			coalesce((SELECT j2.last_error FROM delivery_jobs j2 WHERE j2.inbox = j.inbox AND j2.last_error <> ''
				AND j2.state IN ('pending', 'failed') ORDER BY j2.updated_at DESC LIMIT 1), '')
		FROM delivery_jobs j GROUP BY inbox`, nil, func(s scanner) error {
		var inbox, lastErr string
		var done, errAt int64
		var failed, pending, retrying int
		if err := s.Scan(&inbox, &done, &failed, &pending, &retrying, &errAt, &lastErr); err != nil {
			return err
		}
		host := inbox
		if u, err := url.Parse(inbox); err == nil && u.Host != "" {
			host = u.Host
		}
		d := byDomain[host]
		if d == nil {
			d = &storage.DomainDeliveries{Domain: host}
			byDomain[host] = d
		}
		if t := fromMS(done); t.After(d.LastSuccess) {
			d.LastSuccess = t
		}
		d.Failed += failed
		d.Pending += pending
		d.Retrying += retrying
		if errAt > lastErrAt[host] {
			lastErrAt[host], d.LastError = errAt, lastErr
		}
		return nil
	})
	if err != nil {
		return nil, wrap("delivery domains", err)
	}
	out := make([]*storage.DomainDeliveries, 0, len(byDomain))
	for _, d := range byDomain {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Domain < out[j].Domain })
	return out, nil
}

// Delivery returns one job.
func (db *DB) Delivery(ctx context.Context, id int64) (*storage.DeliveryJob, error) {
	j, err := scanJob(db.r.QueryRowContext(ctx, `SELECT `+jobCols+` FROM delivery_jobs WHERE id = ?`, id))
	return j, wrap("get delivery", err)
}

// RetryDelivery makes a pending or failed job due now. A job a worker has
// claimed is pending too (its lease is its next_attempt_at), so retrying one
// in flight may send it twice; receivers drop duplicate activity ids.
func (db *DB) RetryDelivery(ctx context.Context, id int64, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE delivery_jobs SET state = 'pending', next_attempt_at = ?, updated_at = ?
		WHERE id = ? AND state IN ('pending', 'failed')`, ms(now), ms(now), id)
	if err != nil {
		return wrap("retry delivery", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return storage.ErrNotFound
	}
	return nil
}

// PendingDeliveries lists pending jobs, soonest due first.
func (db *DB) PendingDeliveries(ctx context.Context, limit int) ([]*storage.DeliveryJob, error) {
	out := []*storage.DeliveryJob{}
	err := db.eachRow(ctx, `SELECT `+jobCols+` FROM delivery_jobs WHERE state = 'pending' ORDER BY next_attempt_at, id LIMIT ?`,
		[]any{limit}, func(s scanner) error {
			j, err := scanJob(s)
			out = append(out, j)
			return err
		})
	return out, wrap("list pending deliveries", err)
}

package storage

import (
	"context"
	"time"
)

// Report categories, as the Mastodon API names them.
const (
	ReportSpam      = "spam"
	ReportLegal     = "legal"
	ReportViolation = "violation"
	ReportOther     = "other"
)

// Report is a member's complaint about an account (and some of its posts),
// filed from a Mastodon app; moderators resolve it in the admin console.
type Report struct {
	ID         int64
	AccountID  int64 // who reported
	TargetID   int64 // the account reported
	StatusIDs  []int64
	Comment    string
	Category   string
	CreatedAt  time.Time
	ResolvedAt time.Time // zero while open
	ResolvedBy int64     // account that resolved it
}

// DomainDeliveries sums up the outbound queue for one remote domain: what
// the admin console's per-instance status table shows.
type DomainDeliveries struct {
	Domain      string
	LastSuccess time.Time // newest delivered job; zero if none
	Failed      int       // jobs given up on
	Pending     int       // queue depth
	Retrying    int       // pending jobs that have failed at least once
	LastError   string    // of the most recently updated failing job
}

// Admin is what the admin console needs beyond the other interfaces.
type Admin interface {
	CreateReport(ctx context.Context, r *Report) error
	Report(ctx context.Context, id int64) (*Report, error)
	// Reports lists reports newest first: open ones, or all when resolved is true.
	Reports(ctx context.Context, resolved bool, limit int) ([]*Report, error)
	// ResolveReport marks an open report resolved; ErrNotFound if it is not open.
	ResolveReport(ctx context.Context, id, by int64, at time.Time) error
	// DeliveryDomains sums the delivery queue per remote domain, by name.
	DeliveryDomains(ctx context.Context) ([]*DomainDeliveries, error)
	// Delivery returns one job.
	Delivery(ctx context.Context, id int64) (*DeliveryJob, error)
	// RetryDelivery makes a pending or failed job due at now, a failed one
	// pending again; ErrNotFound for other states.
	RetryDelivery(ctx context.Context, id int64, now time.Time) error
	// PendingDeliveries lists pending jobs, soonest due first.
	PendingDeliveries(ctx context.Context, limit int) ([]*DeliveryJob, error)
}

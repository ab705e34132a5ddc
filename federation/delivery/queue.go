// Package delivery is the durable outbound queue. Delivery jobs are rows in
// storage (written in the same transaction as the post that caused them);
// a Queue claims the due ones, signs each activity as its author, POSTs it to
// the remote inbox and records the outcome: done, failed for good, or due
// again after a backoff that spans days. A crash loses nothing: a claimed
// job is only hidden for the lease, then comes due again.
package delivery

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/rounds-social/rounds/federation/fetch"
	"github.com/rounds-social/rounds/storage"
)

// Store is the part of storage the queue needs.
type Store interface {
	ClaimDeliveries(ctx context.Context, now, leaseUntil time.Time, n int) ([]*storage.DeliveryJob, error)
	// FinishDelivery records an attempt; it never resurrects a job that was
	// cancelled while in flight.
	FinishDelivery(ctx context.Context, j *storage.DeliveryJob) error
	// Account loads the signer: PublicKeyID and PrivateKeyPEM.
	Account(ctx context.Context, id int64) (*storage.Account, error)
}

var _ Store = storage.Store(nil)

// Defaults for zero-valued Options fields.
const (
	DefaultWorkers     = 4
	DefaultMaxAttempts = 16
	DefaultRetryBase   = time.Minute
	DefaultMaxBackoff  = 12 * time.Hour // with the other defaults, 16 attempts span about 3 days
	DefaultLease       = 2 * time.Minute
	DefaultPoll        = time.Second
)

// Options configures a Queue. Zero values take the defaults above; a nil
// Client is the production-safe fetch client (https, public addresses only).
type Options struct {
	Workers     int           // concurrent sends
	MaxAttempts int           // a job that still fails after this many attempts is given up
	RetryBase   time.Duration // delay after the first failure; doubles per attempt
	MaxBackoff  time.Duration // cap on the delay between attempts, Retry-After included
	Lease       time.Duration // how long a claimed job is hidden from other claims; must exceed the request timeout
	Poll        time.Duration // how often an idle queue looks for due jobs; Notify wakes it sooner
	Client      *fetch.Client
	Logger      *slog.Logger
	Now         func() time.Time // the clock, for tests
	// OnResult, when set, is called after each attempt has been recorded,
	// from the sending goroutine (so concurrently): tests, metrics, a ledger.
	OnResult func(j *storage.DeliveryJob)
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.RetryBase <= 0 {
		o.RetryBase = DefaultRetryBase
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	if o.Poll <= 0 {
		o.Poll = DefaultPoll
	}
	if o.Client == nil {
		o.Client = fetch.NewClient(fetch.Options{})
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Queue sends due delivery jobs. Run it once per process (or more, on
// separate processes sharing a database: the leases keep them apart).
type Queue struct {
	store Store
	opt   Options
	log   *slog.Logger
	keys  *keyCache
	wake  chan struct{}
	slots chan struct{} // one token per send in flight
	hosts *hostSends    // sends in flight per host, to hold back slow hosts
}

// New returns a Queue over store. It does not start sending; call Run.
func New(store Store, opt Options) *Queue {
	opt = opt.withDefaults()
	log := opt.Logger.With("component", "delivery")
	// A lease shorter than a request would let a second claim send the job
	// again while the first send is still waiting for its answer.
	if t := opt.Client.HTTP().Timeout; t > 0 && opt.Lease <= t {
		log.Warn("delivery lease does not exceed the request timeout; raising it",
			"lease", opt.Lease, "timeout", t, "new_lease", 2*t)
		opt.Lease = 2 * t
	}
	return &Queue{
		store: store,
		opt:   opt,
		log:   log,
		keys:  newKeyCache(maxCachedKeys),
		wake:  make(chan struct{}, 1),
		slots: make(chan struct{}, opt.Workers),
		hosts: newHostSends(),
	}
}

// Notify tells the queue a job was enqueued, so an idle queue claims it now
// rather than at its next poll. It never blocks.
func (q *Queue) Notify() {
	select {
	case q.wake <- struct{}{}:
	default: // a wake-up is already pending; one is enough
	}
}

// Run claims and sends jobs until ctx is done, then waits for the sends in
// flight to finish before returning. Those sends are not cancelled: each is
// bounded by the client's timeout, and finishing them means their outcome is
// recorded instead of the peer getting the activity twice after the lease.
func (q *Queue) Run(ctx context.Context) {
	var inflight sync.WaitGroup
	defer inflight.Wait()
	sendCtx := context.WithoutCancel(ctx)
	for {
		n := q.acquire(ctx)
		if n == 0 {
			return
		}
		jobs, err := q.claim(ctx, n)
		q.release(n - len(jobs))
		for _, j := range jobs {
			host, now := inboxHost(j.Inbox), q.opt.Now()
			if q.hosts.slow(host, now) {
				q.postpone(sendCtx, j, now)
				q.release(1)
				continue
			}
			q.hosts.begin(host, j.ID, now)
			inflight.Go(func() {
				defer q.release(1)
				defer func() { q.hosts.end(host, j.ID, q.opt.Now()) }()
				q.deliver(sendCtx, j)
			})
		}
		if err == nil && len(jobs) == n {
			continue // a full batch: more may be due right now
		}
		if !q.idle(ctx) {
			return
		}
	}
}

// claim leases up to n due jobs. A claim error (the database is busy or
// gone) is logged and the queue tries again after the poll interval.
func (q *Queue) claim(ctx context.Context, n int) ([]*storage.DeliveryJob, error) {
	now := q.opt.Now()
	jobs, err := q.store.ClaimDeliveries(ctx, now, now.Add(q.opt.Lease), n)
	if err != nil && ctx.Err() == nil {
		q.log.Error("claim deliveries", "err", err)
	}
	return jobs, err
}

// acquire waits for a free send slot, then takes every other free one, and
// returns how many it holds (0 when ctx is done). Claiming only as many jobs
// as can start at once means no claimed job waits behind a slow send while
// its lease runs out.
func (q *Queue) acquire(ctx context.Context) int {
	select {
	case q.slots <- struct{}{}:
	case <-ctx.Done():
		return 0
	}
	n := 1
	for n < cap(q.slots) {
		select {
		case q.slots <- struct{}{}:
			n++
		default:
			return n
		}
	}
	return n
}

func (q *Queue) release(n int) {
	for range n {
		<-q.slots
	}
}

// idle waits for the poll interval or a Notify; false means ctx is done.
func (q *Queue) idle(ctx context.Context) bool {
	t := time.NewTimer(q.opt.Poll)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-q.wake:
	case <-t.C:
	}
	return true
}

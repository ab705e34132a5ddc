package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/rounds-social/rounds/config"
	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/delivery"
)

// workers are the background queues: delivery (outbound) and inbox (inbound).
type workers struct {
	wg        sync.WaitGroup
	cancel    context.CancelFunc
	queue     *delivery.Queue
	inboxWake chan struct{}
}

// startWorkers starts the queues. They run on their own context so that
// shutdown can first drain HTTP requests and then stop them.
func startWorkers(svc *federation.Service, cfg config.Config, log *slog.Logger) *workers {
	ctx, cancel := context.WithCancel(context.Background())
	w := &workers{cancel: cancel, inboxWake: make(chan struct{}, 1)}
	w.queue = delivery.New(svc.Store(), delivery.Options{
		Workers: cfg.Delivery.Workers, MaxAttempts: cfg.Delivery.MaxAttempts, RetryBase: cfg.Delivery.RetryBase,
		Client: newFetchClient(cfg), Logger: log, Poll: time.Second,
		// A job claimed by a process that then crashes waits out its lease;
		// 30 s (3× the request timeout) instead of the 2 min default bounds
		// that delay. Claims take only jobs that can start at once, so a
		// live send never outlasts its lease.
		Lease: 30 * time.Second,
	})
	svc.SetNotify(w.queue.Notify)
	w.wg.Add(2)
	go func() { defer w.wg.Done(); w.queue.Run(ctx) }()
	go func() { defer w.wg.Done(); svc.RunInbox(ctx, cfg.Inbox.Workers, w.inboxWake) }()
	return w
}

// wakeInbox tells the inbox workers an activity was queued (non-blocking).
func (w *workers) wakeInbox() {
	select {
	case w.inboxWake <- struct{}{}:
	default:
	}
}

// stop asks the queues to stop and waits for in-flight work to finish.
func (w *workers) stop() {
	w.cancel()
	w.wg.Wait()
}

package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/stream"
)

// startEventListener starts, when the database is shared by several
// replicas (PostgreSQL), the listener that brings events written by the
// other replicas to this one's streaming clients. It waits briefly until
// the listener is up, so that a replica reporting ready hears every event
// committed after that. The returned func stops it.
func startEventListener(ctx context.Context, svc *federation.Service, log *slog.Logger) func() {
	s, ok := svc.Store().(*stream.Store)
	if !ok || !s.Shared() {
		return func() {}
	}
	ctx, cancel := context.WithCancel(ctx)
	ready := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Listen(ctx, func() {
			select {
			case ready <- struct{}{}:
			default:
			}
		})
	}()
	select {
	case <-ready:
	case <-time.After(5 * time.Second):
		log.Warn("streaming events from other replicas: not listening yet; retrying in the background")
	case <-ctx.Done():
	}
	return func() { cancel(); <-done }
}

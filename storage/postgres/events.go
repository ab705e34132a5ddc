package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rounds-social/rounds/storage"
)

// Live events between replicas (storage.EventBus) ride on LISTEN/NOTIFY.
// NOTIFY inside a transaction is delivered only when it commits, and in
// commit order, which is exactly when the streaming API may show a write.
// Channels are database-wide, not per schema, so the channel name carries
// the schema: instances (or tests) sharing one database on different
// schemas do not hear each other.

var _ storage.EventBus = (*DB)(nil)

// eventChannel names the NOTIFY channel for schema.
func eventChannel(schema string) string {
	if schema == "" || schema == "public" {
		return "rounds_events"
	}
	ch := "rounds_events_" + schema
	if len(ch) > 63 {
		ch = ch[:63]
	}
	return ch
}

// PublishEvent implements storage.EventBus.
func (db *DB) PublishEvent(ctx context.Context, payload []byte) error {
	if len(payload) > storage.MaxEventPayload {
		return fmt.Errorf("publish event: payload of %d bytes is over %d", len(payload), storage.MaxEventPayload)
	}
	if _, err := db.w.ExecContext(ctx, `SELECT pg_notify(?, ?)`, db.channel, string(payload)); err != nil {
		return wrap("publish event", err)
	}
	return nil
}

// ListenEvents implements storage.EventBus on a connection of its own (a
// pooled connection cannot hold LISTEN).
func (db *DB) ListenEvents(ctx context.Context, ready func(), fn func(payload []byte)) error {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		listening := db.listenOnce(ctx, ready, fn)
		if ctx.Err() != nil {
			break
		}
		if listening {
			backoff = 100 * time.Millisecond
		}
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
	return nil
}

// listenOnce listens until the connection fails or ctx ends; it reports
// whether it got as far as listening.
func (db *DB) listenOnce(ctx context.Context, ready func(), fn func([]byte)) bool {
	conn, err := pgx.Connect(ctx, db.dsn)
	if err != nil {
		return false
	}
	defer func() {
		c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = conn.Close(c)
	}()
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{db.channel}.Sanitize()); err != nil {
		return false
	}
	if ready != nil {
		ready()
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true
		}
		fn([]byte(n.Payload))
	}
}

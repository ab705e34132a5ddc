package stream

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"

	"github.com/rounds-social/rounds/storage"
)

// Several replicas on one database: events written by one process must
// reach streaming clients connected to any. When the Store is a
// storage.EventBus (PostgreSQL), every event is also sent on the bus inside
// the writing transaction, and Listen publishes what other processes sent
// into the local Hub. Each process tags what it sends with a random origin
// and ignores its own, which it has already published locally.

type bus struct{ origin string }

// wire is one event on the bus.
type wire struct {
	Origin string `json:"o"`
	Event  Event  `json:"e"`
}

func newBus(s storage.Store) *bus {
	if _, ok := s.(storage.EventBus); !ok {
		return nil
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return &bus{origin: hex.EncodeToString(b)}
}

// send publishes events on q's bus (q is the store, or the transaction).
func (b *bus) send(ctx context.Context, q storage.Store, events []Event) error {
	if b == nil || len(events) == 0 {
		return nil
	}
	eb, ok := q.(storage.EventBus)
	if !ok {
		return nil
	}
	for _, ev := range events {
		for _, payload := range b.encode(ev) {
			if err := eb.PublishEvent(ctx, payload); err != nil {
				return err
			}
		}
	}
	return nil
}

// encode turns ev into payloads that fit the bus: a long home-timeline
// fan-out is split into several events, and a deleted status's snapshot
// loses its text (listeners check visibility on it, they never show it).
func (b *bus) encode(ev Event) [][]byte {
	p, err := json.Marshal(wire{Origin: b.origin, Event: ev})
	if err != nil {
		return nil
	}
	if len(p) <= storage.MaxEventPayload {
		return [][]byte{p}
	}
	if len(ev.Home) > 1 {
		half := len(ev.Home) / 2
		a, c := ev, ev
		a.Home, c.Home = ev.Home[:half], ev.Home[half:]
		return append(b.encode(a), b.encode(c)...)
	}
	if ev.Snapshot != nil && (ev.Snapshot.Content != "" || ev.Snapshot.Text != "" || ev.Snapshot.SpoilerText != "") {
		snap := *ev.Snapshot
		snap.Content, snap.Text, snap.SpoilerText = "", "", ""
		ev.Snapshot = &snap
		return b.encode(ev)
	}
	// Still too big (a notification cannot be trimmed): other replicas'
	// clients see it on their next load, as after any gap.
	return nil
}

// Listen publishes into the Hub the events other processes send, until ctx
// ends. ready, if not nil, is called each time it is listening. Without a
// bus (one process, SQLite) it returns at once.
func (s *Store) Listen(ctx context.Context, ready func()) error {
	if s.bus == nil {
		return nil
	}
	eb, ok := s.Store.(storage.EventBus)
	if !ok {
		return nil
	}
	return eb.ListenEvents(ctx, ready, func(payload []byte) {
		var w wire
		if json.Unmarshal(payload, &w) != nil || w.Origin == s.bus.origin {
			return
		}
		s.hub.Publish(w.Event)
	})
}

// Shared reports whether events travel between processes.
func (s *Store) Shared() bool { return s.bus != nil }

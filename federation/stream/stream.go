// Package stream carries live events (new statuses, notifications, deletes,
// edits) from storage writes to connected streaming clients. It wraps the
// Store, so every write path — local posts, inbox activities, admin actions —
// produces events without each one remembering to, and events of a
// transaction go out only after it commits.
package stream

import (
	"context"
	"sync"

	"github.com/rounds-social/rounds/storage"
)

// Kinds of events, named as the Mastodon streaming API names them.
const (
	Update       = "update"
	Notification = "notification"
	Delete       = "delete"
	StatusUpdate = "status.update"
)

// Event is one thing that happened. Listeners decide, per viewer, whether
// and how to show it (visibility is checked at delivery, not here).
type Event struct {
	Kind           string
	StatusID       int64
	NotificationID int64
	// Home lists the accounts whose home timeline received StatusID.
	Home []int64
	// Public is set for a public post (not a boost): it goes to public streams.
	Public bool
	Local  bool
	Tags   []string
	// Recipient is the account a notification is for.
	Recipient int64
	// Snapshot is the status as it was, for deletes (it is gone by then).
	Snapshot *storage.Status
	// Notif is the notification created.
	Notif *storage.Notification
}

// Hub fans events out to subscribers.
type Hub struct {
	mu   sync.RWMutex
	subs map[*Sub]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[*Sub]struct{}{}} }

// Sub is one subscriber. C is closed when the subscriber is dropped.
type Sub struct {
	C       chan Event
	hub     *Hub
	dropped bool
}

// Subscribe registers a subscriber with a buffer of n events.
func (h *Hub) Subscribe(n int) *Sub {
	s := &Sub{C: make(chan Event, n), hub: h}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s
}

// Close unsubscribes.
func (s *Sub) Close() {
	h := s.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		close(s.C)
	}
}

// Publish sends ev to every subscriber. A subscriber too slow to keep its
// buffer from filling is dropped (its channel closed) rather than allowed to
// stall writers; clients reconnect and reload, as they do after any gap.
func (h *Hub) Publish(ev Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.C <- ev:
		default:
			delete(h.subs, s)
			close(s.C)
		}
	}
}

// Subscribers counts current subscribers (for tests and metrics).
func (h *Hub) Subscribers() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs)
}

// Store wraps a storage.Store and publishes events for its writes.
type Store struct {
	storage.Store
	hub     *Hub
	pending *[]Event // inside a transaction: held until commit
	// bus is set when the store is shared with other processes (see bus.go).
	bus *bus
}

// Wrap returns a Store publishing to hub (and, when s is a storage.EventBus,
// to the other processes sharing s).
func Wrap(s storage.Store, hub *Hub) *Store { return &Store{Store: s, hub: hub, bus: newBus(s)} }

// Hub is the hub events go to.
func (s *Store) Hub() *Hub { return s.hub }

func (s *Store) emit(ctx context.Context, ev Event) {
	if s.pending != nil {
		*s.pending = append(*s.pending, ev)
		return
	}
	s.hub.Publish(ev)
	s.bus.send(ctx, s.Store, []Event{ev})
}

// Tx buffers the transaction's events and publishes them once it commits.
func (s *Store) Tx(ctx context.Context, fn func(storage.Store) error) error {
	if s.pending != nil {
		return fn(s)
	}
	var events []Event
	err := s.Store.Tx(ctx, func(tx storage.Store) error {
		events = events[:0]
		if err := fn(&Store{Store: tx, hub: s.hub, pending: &events, bus: s.bus}); err != nil {
			return err
		}
		// Other processes hear of the events on commit (NOTIFY is
		// transactional), at the same moment this one publishes them.
		return s.bus.send(ctx, tx, events)
	})
	if err == nil {
		for _, ev := range events {
			s.hub.Publish(ev)
		}
	}
	return err
}

// CreateStatus publishes public posts to the public streams.
func (s *Store) CreateStatus(ctx context.Context, st *storage.Status) error {
	if err := s.Store.CreateStatus(ctx, st); err != nil {
		return err
	}
	if st.Visibility == storage.VisibilityPublic && st.ReblogOfID == 0 {
		s.emit(ctx, Event{Kind: Update, StatusID: st.ID, Public: true, Local: st.Local, Tags: st.Tags})
	}
	return nil
}

// AddToHome publishes home-timeline updates.
func (s *Store) AddToHome(ctx context.Context, accountIDs []int64, statusID int64) error {
	if err := s.Store.AddToHome(ctx, accountIDs, statusID); err != nil {
		return err
	}
	if len(accountIDs) > 0 {
		s.emit(ctx, Event{Kind: Update, StatusID: statusID, Home: append([]int64(nil), accountIDs...)})
	}
	return nil
}

// CreateNotification publishes notifications.
func (s *Store) CreateNotification(ctx context.Context, n *storage.Notification) error {
	if err := s.Store.CreateNotification(ctx, n); err != nil {
		return err
	}
	copied := *n
	s.emit(ctx, Event{Kind: Notification, NotificationID: n.ID, Recipient: n.AccountID, StatusID: n.StatusID, Notif: &copied})
	return nil
}

// DeleteStatus publishes the deletion with a snapshot of what was deleted.
func (s *Store) DeleteStatus(ctx context.Context, id int64) error {
	snap, _ := s.Store.Status(ctx, id)
	if err := s.Store.DeleteStatus(ctx, id); err != nil {
		return err
	}
	if snap != nil {
		s.emit(ctx, Event{Kind: Delete, StatusID: id, Snapshot: snap, Public: snap.Visibility == storage.VisibilityPublic, Local: snap.Local})
	}
	return nil
}

// UpdateStatus publishes edits.
func (s *Store) UpdateStatus(ctx context.Context, st *storage.Status) error {
	if err := s.Store.UpdateStatus(ctx, st); err != nil {
		return err
	}
	s.emit(ctx, Event{Kind: StatusUpdate, StatusID: st.ID, Public: st.Visibility == storage.VisibilityPublic, Local: st.Local})
	return nil
}

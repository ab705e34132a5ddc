package federation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/storage"
)

// Block makes me block target: follows end both ways, each drops the
// other's posts from their home timeline, target leaves me's lists, and a
// remote target's server is told with a Block (Mastodon then removes the
// follows on its side too). Blocking twice is not an error.
func (s *Service) Block(ctx context.Context, me, target *storage.Account) error {
	if me.ID == target.ID {
		return inputErr("You cannot block yourself")
	}
	if blocked, err := s.blocks(ctx, s.store, me.ID, target.ID); err != nil || blocked {
		return err
	}
	b := &storage.Block{ID: storage.NewID(), AccountID: me.ID, TargetAccountID: target.ID, CreatedAt: time.Now().UTC()}
	b.URI = s.base.Activity(me.Username, b.ID)
	err := s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.CreateBlock(ctx, b); err != nil {
			return err
		}
		if err := severFollows(ctx, tx, me.ID, target.ID); err != nil {
			return err
		}
		if err := tx.RemoveFromOwnedLists(ctx, me.ID, target.ID); err != nil {
			return err
		}
		if target.Local() {
			return nil
		}
		body, err := activitypub.Block(b.URI, me.URI, target.URI)
		if err != nil {
			return err
		}
		return s.sendTo(ctx, tx, me, target, b.URI, body)
	})
	if errors.Is(err, storage.ErrConflict) {
		return nil // a concurrent request blocked first
	}
	if err != nil {
		return fmt.Errorf("block %s: %w", target.URI, err)
	}
	s.notify()
	return nil
}

// severFollows deletes the follows (and requests) between a and b in both
// directions and the home-timeline rows each follow had put there.
func severFollows(ctx context.Context, tx storage.Store, a, b int64) error {
	for _, pair := range [][2]int64{{a, b}, {b, a}} {
		f, err := tx.Follow(ctx, pair[0], pair[1])
		if err == nil {
			err = tx.DeleteFollow(ctx, f.ID)
		}
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		if err := tx.RemoveFromHome(ctx, pair[0], pair[1]); err != nil {
			return err
		}
	}
	return nil
}

// Unblock ends me's block of target and, for a remote target, sends
// Undo{Block} with the Block rebuilt under its original id, which is what
// the peer matches on.
func (s *Service) Unblock(ctx context.Context, me, target *storage.Account) error {
	b, err := s.store.Block(ctx, me.ID, target.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.DeleteBlock(ctx, b.ID); err != nil {
			return err
		}
		if target.Local() {
			return nil
		}
		block, err := activitypub.Block(b.URI, me.URI, target.URI)
		if err != nil {
			return err
		}
		id := s.base.Activity(me.Username, storage.NewID())
		body, err := activitypub.Undo(id, me.URI, block)
		if err != nil {
			return err
		}
		return s.sendTo(ctx, tx, me, target, id, body)
	})
	if err != nil {
		return fmt.Errorf("unblock %s: %w", target.URI, err)
	}
	s.notify()
	return nil
}

// Mute hides target's posts from me's home timeline and, when
// notifications is set, target's notifications too. A zero duration mutes
// until unmuted. Mutes are private: nothing is sent to target's server.
// Posts already in me's home timeline are removed, as Mastodon does.
func (s *Service) Mute(ctx context.Context, me, target *storage.Account, notifications bool, duration time.Duration) error {
	if me.ID == target.ID {
		return inputErr("You cannot mute yourself")
	}
	if duration < 0 {
		return inputErr("Validation failed: duration must not be negative")
	}
	m := &storage.Mute{AccountID: me.ID, TargetAccountID: target.ID, Notifications: notifications}
	if duration > 0 {
		m.ExpiresAt = time.Now().UTC().Add(duration)
	}
	err := s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.PutMute(ctx, m); err != nil {
			return err
		}
		return tx.RemoveFromHome(ctx, me.ID, target.ID)
	})
	if err != nil {
		return fmt.Errorf("mute %s: %w", target.URI, err)
	}
	return nil
}

// Unmute ends me's mute of target; posts removed by the mute stay removed.
func (s *Service) Unmute(ctx context.Context, me, target *storage.Account) error {
	if err := s.store.DeleteMute(ctx, me.ID, target.ID); err != nil {
		return fmt.Errorf("unmute %s: %w", target.URI, err)
	}
	return nil
}

// MuteState reports whether me mutes other, whether the mute covers
// notifications, and when it ends (zero: never). Relationship rendering
// reads it alongside RelationshipWith.
func (s *Service) MuteState(ctx context.Context, me, other int64) (muting, notifications bool, expires time.Time, err error) {
	m, err := s.store.Mute(ctx, me, other, time.Now())
	if errors.Is(err, storage.ErrNotFound) {
		return false, false, time.Time{}, nil
	}
	if err != nil {
		return false, false, time.Time{}, err
	}
	return true, m.Notifications, m.ExpiresAt, nil
}

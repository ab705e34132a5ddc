package federation

import (
	"context"
	"errors"
	"fmt"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/storage"
)

// Follow makes local account me follow target. A local unlocked target is
// followed at once; a locked one gets a request; a remote one gets a Follow
// activity and the follow stays pending until its Accept arrives.
func (s *Service) Follow(ctx context.Context, me, target *storage.Account) (*storage.Follow, error) {
	if me.ID == target.ID {
		return nil, inputErr("You cannot follow yourself")
	}
	if f, err := s.store.Follow(ctx, me.ID, target.ID); err == nil {
		return f, nil // following (or requested) already: idempotent, as Mastodon is
	}
	if blocked, err := s.blocks(ctx, s.store, target.ID, me.ID); err != nil || blocked {
		return nil, errors.Join(err, inputErr("You cannot follow this account"))
	}
	f := &storage.Follow{ID: storage.NewID(), AccountID: me.ID, TargetAccountID: target.ID, State: storage.FollowPending, ShowReblogs: true}
	f.URI = s.base.Activity(me.Username, f.ID)
	err := s.store.Tx(ctx, func(tx storage.Store) error {
		if target.Local() && !target.Locked {
			f.State = storage.FollowAccepted
		}
		if err := tx.CreateFollow(ctx, f); err != nil {
			return err
		}
		if target.Local() {
			typ := storage.NotifyFollow
			if target.Locked {
				typ = storage.NotifyFollowRequest
			}
			return tx.CreateNotification(ctx, &storage.Notification{AccountID: target.ID, FromAccountID: me.ID, Type: typ})
		}
		body, err := activitypub.Follow(f.URI, me.URI, target.URI)
		if err != nil {
			return err
		}
		return s.sendTo(ctx, tx, me, target, f.URI, body)
	})
	if err != nil {
		return nil, fmt.Errorf("follow %s: %w", target.URI, err)
	}
	s.notify()
	return f, nil
}

// Unfollow ends me's follow (or request) of target.
func (s *Service) Unfollow(ctx context.Context, me, target *storage.Account) error {
	f, err := s.store.Follow(ctx, me.ID, target.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.DeleteFollow(ctx, f.ID); err != nil {
			return err
		}
		if err := tx.RemoveFromHome(ctx, me.ID, target.ID); err != nil {
			return err
		}
		if target.Local() {
			return nil
		}
		follow, err := activitypub.Follow(f.URI, me.URI, target.URI)
		if err != nil {
			return err
		}
		id := s.base.Activity(me.Username, storage.NewID())
		body, err := activitypub.Undo(id, me.URI, follow)
		if err != nil {
			return err
		}
		return s.sendTo(ctx, tx, me, target, id, body)
	})
	if err != nil {
		return fmt.Errorf("unfollow %s: %w", target.URI, err)
	}
	s.notify()
	return nil
}

// AnswerFollowRequest accepts or rejects follower's pending request to me.
func (s *Service) AnswerFollowRequest(ctx context.Context, me, follower *storage.Account, accept bool) error {
	f, err := s.store.Follow(ctx, follower.ID, me.ID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && f.State != storage.FollowPending) {
		return &NotFoundError{What: "follow request"}
	}
	if err != nil {
		return err
	}
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if accept {
			f.State = storage.FollowAccepted
			if err := tx.UpdateFollow(ctx, f); err != nil {
				return err
			}
		} else if err := tx.DeleteFollow(ctx, f.ID); err != nil {
			return err
		}
		if err := tx.DeleteNotificationsAbout(ctx, follower.ID, 0, storage.NotifyFollowRequest); err != nil {
			return err
		}
		if accept {
			if err := tx.CreateNotification(ctx, &storage.Notification{AccountID: me.ID, FromAccountID: follower.ID, Type: storage.NotifyFollow}); err != nil {
				return err
			}
		}
		return s.answerRemoteFollow(ctx, tx, me, follower, f, accept)
	})
	if err != nil {
		return fmt.Errorf("answer follow request of %s: %w", follower.URI, err)
	}
	s.notify()
	return nil
}

// answerRemoteFollow sends Accept or Reject with the requester's Follow
// embedded under the id they sent: peers match on it.
func (s *Service) answerRemoteFollow(ctx context.Context, tx storage.Store, me, follower *storage.Account, f *storage.Follow, accept bool) error {
	if follower.Local() {
		return nil
	}
	follow, err := activitypub.Follow(f.URI, follower.URI, me.URI)
	if err != nil {
		return err
	}
	id := s.base.Activity(me.Username, storage.NewID())
	var body []byte
	if accept {
		body, err = activitypub.Accept(id, me.URI, follow)
	} else {
		body, err = activitypub.Reject(id, me.URI, follow)
	}
	if err != nil {
		return err
	}
	return s.sendTo(ctx, tx, me, follower, id, body)
}

// Relationship is how me relates to another account.
type Relationship struct {
	Following, Requested, FollowedBy, RequestedBy, Blocking, BlockedBy bool
	ShowingReblogs, Notifying                                          bool
}

// RelationshipWith computes me's relationship to other.
func (s *Service) RelationshipWith(ctx context.Context, me, other int64) (Relationship, error) {
	var r Relationship
	if f, err := s.store.Follow(ctx, me, other); err == nil {
		r.Following, r.Requested = f.State == storage.FollowAccepted, f.State == storage.FollowPending
		r.ShowingReblogs, r.Notifying = f.ShowReblogs && r.Following, f.Notify
	} else if !errors.Is(err, storage.ErrNotFound) {
		return r, err
	}
	if f, err := s.store.Follow(ctx, other, me); err == nil {
		r.FollowedBy, r.RequestedBy = f.State == storage.FollowAccepted, f.State == storage.FollowPending
	} else if !errors.Is(err, storage.ErrNotFound) {
		return r, err
	}
	var err error
	if r.Blocking, err = s.blocks(ctx, s.store, me, other); err != nil {
		return r, err
	}
	r.BlockedBy, err = s.blocks(ctx, s.store, other, me)
	return r, err
}

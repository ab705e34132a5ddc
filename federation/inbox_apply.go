package federation

import (
	"context"
	"errors"
	"time"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/storage"
)

// localTarget resolves an object IRI to a local account.
func (s *Service) localTarget(ctx context.Context, iri string) (*storage.Account, error) {
	if !s.base.Owns(iri) {
		return nil, drop("object %s is not on this instance", iri)
	}
	a, err := s.store.AccountByURI(ctx, iri)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (a.Suspended() || a.Username == storage.InstanceActorUsername)) {
		return nil, drop("no local account %s", iri)
	}
	return a, err
}

func objectID(act *activitypub.Activity) string {
	if act.Object != nil && act.Object.ID != "" {
		return act.Object.ID
	}
	return act.ObjectIRI
}

func (s *Service) onFollow(ctx context.Context, actor *storage.Account, act *activitypub.Activity) error {
	target, err := s.localTarget(ctx, objectID(act))
	if err != nil {
		return err
	}
	if blocked, err := s.blocks(ctx, s.store, target.ID, actor.ID); err != nil {
		return err
	} else if blocked {
		return s.store.Tx(ctx, func(tx storage.Store) error {
			return s.answerRemoteFollow(ctx, tx, target, actor, &storage.Follow{URI: act.ID}, false)
		})
	}
	existing, err := s.store.Follow(ctx, actor.ID, target.ID)
	if err == nil && existing.State == storage.FollowAccepted {
		// Already following: the peer lost our Accept; send it again.
		existing.URI = act.ID
		err = s.store.Tx(ctx, func(tx storage.Store) error {
			if err := tx.UpdateFollow(ctx, existing); err != nil {
				return err
			}
			return s.answerRemoteFollow(ctx, tx, target, actor, existing, true)
		})
		s.notify()
		return err
	}
	if err == nil {
		return nil // request already pending
	}
	f := &storage.Follow{AccountID: actor.ID, TargetAccountID: target.ID, URI: act.ID, State: storage.FollowPending, ShowReblogs: true}
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		typ := storage.NotifyFollowRequest
		if !target.Locked {
			f.State, typ = storage.FollowAccepted, storage.NotifyFollow
		}
		if err := tx.CreateFollow(ctx, f); err != nil {
			return err
		}
		if err := tx.CreateNotification(ctx, &storage.Notification{AccountID: target.ID, FromAccountID: actor.ID, Type: typ}); err != nil {
			return err
		}
		if target.Locked {
			return nil
		}
		return s.answerRemoteFollow(ctx, tx, target, actor, f, true)
	})
	s.notify()
	return err
}

// ourFollow finds the follow an Accept or Reject answers: by the embedded
// Follow's id, else by (us → actor).
func (s *Service) ourFollow(ctx context.Context, actor *storage.Account, act *activitypub.Activity) (*storage.Follow, error) {
	if id := objectID(act); id != "" {
		if f, err := s.store.FollowByURI(ctx, id); err == nil {
			if f.TargetAccountID != actor.ID {
				return nil, drop("%s answers a follow of someone else", act.ID)
			}
			return f, nil
		}
	}
	if act.Object != nil && act.Object.Actor != "" && act.Object.Type == "Follow" {
		me, err := s.localTarget(ctx, act.Object.Actor)
		if err != nil {
			return nil, err
		}
		f, err := s.store.Follow(ctx, me.ID, actor.ID)
		if errors.Is(err, storage.ErrNotFound) {
			return nil, drop("no follow of %s to answer", actor.URI)
		}
		return f, err
	}
	return nil, drop("%s answers nothing we know", act.ID)
}

func (s *Service) onAccept(ctx context.Context, actor *storage.Account, act *activitypub.Activity) error {
	f, err := s.ourFollow(ctx, actor, act)
	if err != nil || f.State == storage.FollowAccepted {
		return err
	}
	f.State = storage.FollowAccepted
	return s.store.UpdateFollow(ctx, f)
}

func (s *Service) onReject(ctx context.Context, actor *storage.Account, act *activitypub.Activity) error {
	f, err := s.ourFollow(ctx, actor, act)
	if err != nil {
		return err
	}
	return s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.DeleteFollow(ctx, f.ID); err != nil {
			return err
		}
		return tx.RemoveFromHome(ctx, f.AccountID, actor.ID)
	})
}

func (s *Service) onUndo(ctx context.Context, actor *storage.Account, act *activitypub.Activity) error {
	obj := act.Object
	if obj != nil && obj.Actor != "" && obj.Actor != actor.URI {
		return drop("undo of another actor's activity")
	}
	id := objectID(act)
	typ := ""
	if obj != nil {
		typ = obj.Type
	}
	if (typ == "" || typ == "Follow") && id != "" {
		if f, err := s.store.FollowByURI(ctx, id); err == nil && f.AccountID == actor.ID {
			return s.store.Tx(ctx, func(tx storage.Store) error {
				if err := tx.DeleteNotificationsAbout(ctx, actor.ID, 0, storage.NotifyFollowRequest); err != nil {
					return err
				}
				return tx.DeleteFollow(ctx, f.ID)
			})
		}
		if typ == "Follow" && obj.Object != "" {
			return s.undoFollowByTarget(ctx, actor, obj.Object)
		}
	}
	if typ == "" || typ == "Like" {
		if fav, err := s.store.FavouriteByURI(ctx, id); err == nil && fav.AccountID == actor.ID {
			return s.store.Tx(ctx, func(tx storage.Store) error {
				if err := tx.DeleteNotificationsAbout(ctx, actor.ID, fav.StatusID, storage.NotifyFavourite); err != nil {
					return err
				}
				return tx.DeleteFavourite(ctx, fav.ID)
			})
		}
	}
	if typ == "" || typ == "Announce" {
		if b, err := s.store.StatusByURI(ctx, id); err == nil && b.AccountID == actor.ID && b.ReblogOfID != 0 {
			return s.store.Tx(ctx, func(tx storage.Store) error {
				if err := tx.DeleteNotificationsAbout(ctx, actor.ID, b.ReblogOfID, storage.NotifyReblog); err != nil {
					return err
				}
				return tx.DeleteStatus(ctx, b.ID)
			})
		}
	}
	if typ == "Block" && obj.Object != "" {
		if target, err := s.localTarget(ctx, obj.Object); err == nil {
			if b, err := s.store.Block(ctx, actor.ID, target.ID); err == nil {
				return s.store.DeleteBlock(ctx, b.ID)
			}
		}
	}
	return nil // undoing something we never had is fine
}

func (s *Service) undoFollowByTarget(ctx context.Context, actor *storage.Account, targetIRI string) error {
	target, err := s.localTarget(ctx, targetIRI)
	if err != nil {
		return err
	}
	f, err := s.store.Follow(ctx, actor.ID, target.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.store.DeleteFollow(ctx, f.ID)
}

func (s *Service) onLike(ctx context.Context, actor *storage.Account, act *activitypub.Activity) error {
	st, err := s.localStatus(ctx, objectID(act))
	if err != nil {
		return err
	}
	if ok, err := s.CanSee(ctx, actor, st); err != nil || !ok {
		return errors.Join(err, drop("like of a status the actor cannot see"))
	}
	if _, err := s.store.Favourite(ctx, actor.ID, st.ID); err == nil {
		return nil
	}
	return s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.CreateFavourite(ctx, &storage.Favourite{AccountID: actor.ID, StatusID: st.ID, URI: act.ID}); err != nil {
			return err
		}
		return tx.CreateNotification(ctx, &storage.Notification{AccountID: st.AccountID, FromAccountID: actor.ID, Type: storage.NotifyFavourite, StatusID: st.ID})
	})
}

// localStatus resolves an IRI to a status authored here.
func (s *Service) localStatus(ctx context.Context, iri string) (*storage.Status, error) {
	st, err := s.store.StatusByURI(ctx, iri)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !st.Local) {
		return nil, drop("no local status %s", iri)
	}
	return st, err
}

func (s *Service) onBlock(ctx context.Context, actor *storage.Account, act *activitypub.Activity) error {
	target, err := s.localTarget(ctx, objectID(act))
	if err != nil {
		return err
	}
	return s.store.Tx(ctx, func(tx storage.Store) error {
		if _, err := tx.Block(ctx, actor.ID, target.ID); err != nil {
			if err := tx.CreateBlock(ctx, &storage.Block{AccountID: actor.ID, TargetAccountID: target.ID, URI: act.ID, CreatedAt: time.Now().UTC()}); err != nil {
				return err
			}
		}
		// A block ends follows both ways.
		for _, pair := range [][2]int64{{actor.ID, target.ID}, {target.ID, actor.ID}} {
			if f, err := tx.Follow(ctx, pair[0], pair[1]); err == nil {
				if err := tx.DeleteFollow(ctx, f.ID); err != nil {
					return err
				}
			}
		}
		return tx.RemoveFromHome(ctx, target.ID, actor.ID)
	})
}

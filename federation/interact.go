package federation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/storage"
)

// visibleStatus loads a status me may see, or a NotFoundError.
func (s *Service) visibleStatus(ctx context.Context, me *storage.Account, id int64) (*storage.Status, error) {
	st, err := s.store.Status(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, &NotFoundError{What: "status " + storage.FormatID(id)}
	}
	if err != nil {
		return nil, err
	}
	ok, err := s.CanSee(ctx, me, st)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, &NotFoundError{What: "status " + storage.FormatID(id)}
	}
	return st, nil
}

// VisibleStatus is visibleStatus for read paths in web.
func (s *Service) VisibleStatus(ctx context.Context, me *storage.Account, id int64) (*storage.Status, error) {
	return s.visibleStatus(ctx, me, id)
}

// Favourite likes a status (idempotent).
func (s *Service) Favourite(ctx context.Context, me *storage.Account, id int64) (*storage.Status, error) {
	st, err := s.visibleStatus(ctx, me, id)
	if err != nil {
		return nil, err
	}
	if st.ReblogOfID != 0 {
		return s.Favourite(ctx, me, st.ReblogOfID)
	}
	if _, err := s.store.Favourite(ctx, me.ID, st.ID); err == nil {
		return st, nil
	}
	author, err := s.store.Account(ctx, st.AccountID)
	if err != nil {
		return nil, err
	}
	fav := &storage.Favourite{ID: storage.NewID(), AccountID: me.ID, StatusID: st.ID}
	fav.URI = s.base.Activity(me.Username, fav.ID)
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.CreateFavourite(ctx, fav); err != nil {
			return err
		}
		if author.Local() {
			if author.ID == me.ID {
				return nil
			}
			return tx.CreateNotification(ctx, &storage.Notification{AccountID: author.ID, FromAccountID: me.ID, Type: storage.NotifyFavourite, StatusID: st.ID})
		}
		body, err := activitypub.Like(fav.URI, me.URI, st.URI)
		if err != nil {
			return err
		}
		return s.sendTo(ctx, tx, me, author, fav.URI, body)
	})
	if err != nil {
		return nil, fmt.Errorf("favourite %s: %w", st.URI, err)
	}
	s.notify()
	return st, nil
}

// Unfavourite removes me's like of a status.
func (s *Service) Unfavourite(ctx context.Context, me *storage.Account, id int64) (*storage.Status, error) {
	st, err := s.visibleStatus(ctx, me, id)
	if err != nil {
		return nil, err
	}
	fav, err := s.store.Favourite(ctx, me.ID, st.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	author, err := s.store.Account(ctx, st.AccountID)
	if err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.DeleteFavourite(ctx, fav.ID); err != nil {
			return err
		}
		if err := tx.DeleteNotificationsAbout(ctx, me.ID, st.ID, storage.NotifyFavourite); err != nil {
			return err
		}
		if author.Local() {
			return nil
		}
		like, err := activitypub.Like(fav.URI, me.URI, st.URI)
		if err != nil {
			return err
		}
		id := s.base.Activity(me.Username, storage.NewID())
		body, err := activitypub.Undo(id, me.URI, like)
		if err != nil {
			return err
		}
		return s.sendTo(ctx, tx, me, author, id, body)
	})
	if err != nil {
		return nil, fmt.Errorf("unfavourite %s: %w", st.URI, err)
	}
	s.notify()
	return st, nil
}

// Boost reblogs a public or unlisted status (idempotent); returns the boost.
func (s *Service) Boost(ctx context.Context, me *storage.Account, id int64) (*storage.Status, error) {
	st, err := s.visibleStatus(ctx, me, id)
	if err != nil {
		return nil, err
	}
	if st.ReblogOfID != 0 {
		return s.Boost(ctx, me, st.ReblogOfID)
	}
	if st.Visibility != storage.VisibilityPublic && st.Visibility != storage.VisibilityUnlisted {
		return nil, inputErr("This post cannot be boosted: only public and unlisted posts can")
	}
	if b, err := s.store.BoostOf(ctx, me.ID, st.ID); err == nil {
		return b, nil
	}
	author, err := s.store.Account(ctx, st.AccountID)
	if err != nil {
		return nil, err
	}
	// A boost of an institution-only post stays in the institution.
	boost := &storage.Status{ID: storage.NewID(), AccountID: me.ID, ReblogOfID: st.ID, Visibility: storage.VisibilityPublic,
		Audience: st.Audience, Local: true, CreatedAt: time.Now().UTC()}
	boost.URI, boost.URL = s.base.Activity(me.Username, boost.ID), s.base.StatusPage(me.Username, boost.ID)
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.CreateStatus(ctx, boost); err != nil {
			return err
		}
		if err := s.fanOutLocal(ctx, tx, me, boost, nil); err != nil {
			return err
		}
		if author.Local() && author.ID != me.ID {
			if err := tx.CreateNotification(ctx, &storage.Notification{AccountID: author.ID, FromAccountID: me.ID, Type: storage.NotifyReblog, StatusID: st.ID}); err != nil {
				return err
			}
		}
		return s.deliverBoost(ctx, tx, me, author, boost, st, false)
	})
	if err != nil {
		return nil, fmt.Errorf("boost %s: %w", st.URI, err)
	}
	s.notify()
	return boost, nil
}

// deliverBoost sends Announce (or Undo{Announce}) to me's followers and the
// original author.
func (s *Service) deliverBoost(ctx context.Context, tx storage.Store, me, author *storage.Account, boost, orig *storage.Status, undo bool) error {
	if orig.Audience != storage.AudienceEveryone {
		return nil // institution-only (the only boostable narrow audience) never leaves
	}
	inboxes, err := tx.FollowerInboxes(ctx, me.ID)
	if err != nil {
		return err
	}
	if !author.Local() {
		inboxes = appendUnique(inboxes, inboxOf(author))
	}
	body, err := activitypub.Announce(boost.URI, me.URI, orig.URI, boost.CreatedAt,
		[]string{activitypub.Public}, []string{me.FollowersURI, author.URI})
	if err != nil {
		return err
	}
	id := boost.URI
	if undo {
		id = s.base.Activity(me.Username, storage.NewID())
		if body, err = activitypub.Undo(id, me.URI, body); err != nil {
			return err
		}
	}
	return s.enqueue(ctx, tx, me, id, body, inboxes, 0)
}

// Unboost removes me's boost of a status.
func (s *Service) Unboost(ctx context.Context, me *storage.Account, id int64) (*storage.Status, error) {
	st, err := s.visibleStatus(ctx, me, id)
	if err != nil {
		return nil, err
	}
	if st.ReblogOfID != 0 {
		return s.Unboost(ctx, me, st.ReblogOfID)
	}
	boost, err := s.store.BoostOf(ctx, me.ID, st.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	author, err := s.store.Account(ctx, st.AccountID)
	if err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := s.deliverBoost(ctx, tx, me, author, boost, st, true); err != nil {
			return err
		}
		if err := tx.DeleteNotificationsAbout(ctx, me.ID, st.ID, storage.NotifyReblog); err != nil {
			return err
		}
		return tx.DeleteStatus(ctx, boost.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("unboost %s: %w", st.URI, err)
	}
	s.notify()
	return st, nil
}

// DeleteStatus deletes me's own status here and tells every server that
// received it. Pending deliveries of the post are cancelled first.
func (s *Service) DeleteStatus(ctx context.Context, me *storage.Account, id int64) (*storage.Status, error) {
	st, err := s.store.Status(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (st.AccountID != me.ID || st.ReblogOfID != 0)) {
		return nil, &NotFoundError{What: "status " + storage.FormatID(id)}
	}
	if err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.DeleteStatus(ctx, st.ID); err != nil {
			return err
		}
		return s.deliverStatus(ctx, tx, me, st, nil, "Delete")
	})
	if err != nil {
		return nil, fmt.Errorf("delete %s: %w", st.URI, err)
	}
	s.notify()
	return st, nil
}

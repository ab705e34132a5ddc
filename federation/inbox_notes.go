package federation

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/storage"
)

var noteTypes = map[string]bool{"Note": true, "Article": true, "Page": true, "Question": true}

// checkNote enforces that a remote note belongs to the actor delivering it.
func checkNote(actor *storage.Account, obj *activitypub.Object) error {
	if obj == nil || !noteTypes[obj.Type] {
		return drop("object is not an embedded note")
	}
	if obj.AttributedTo != actor.URI || !sameHost(obj.ID, actor.URI) {
		return drop("note %s is not attributed to %s", obj.ID, actor.URI)
	}
	return nil
}

// mentionedAccounts maps Mention hrefs to known accounts (local ones, and
// remote ones we already have; no fetches for strangers).
func (s *Service) mentionedAccounts(ctx context.Context, hrefs []string) []*storage.Account {
	var out []*storage.Account
	for _, h := range hrefs {
		if a, err := s.store.AccountByURI(ctx, h); err == nil && !a.Suspended() {
			out = appendAccount(out, a)
		}
	}
	return out
}

func (s *Service) onCreate(ctx context.Context, actor *storage.Account, act *activitypub.Activity) error {
	obj := act.Object
	if err := checkNote(actor, obj); err != nil {
		return err
	}
	if _, err := s.store.StatusByURI(ctx, obj.ID); err == nil {
		return nil
	}
	st := &storage.Status{AccountID: actor.ID, URI: obj.ID, URL: obj.URL, Content: SanitizeHTML(obj.Content),
		SpoilerText: strings.TrimSpace(obj.Summary), Sensitive: obj.Sensitive, Tags: obj.Hashtags,
		Visibility: visibilityFromAudience(obj.To, obj.Cc, actor.FollowersURI), CreatedAt: obj.Published}
	if st.URL == "" {
		st.URL = obj.ID
	}
	if st.CreatedAt.IsZero() || st.CreatedAt.After(time.Now().Add(time.Hour)) {
		st.CreatedAt = time.Now().UTC()
	}
	mentioned := s.mentionedAccounts(ctx, obj.Mentions)
	for _, m := range mentioned {
		st.MentionIDs = append(st.MentionIDs, m.ID)
	}
	if obj.InReplyTo != "" {
		st.InReplyToURI = obj.InReplyTo
		if p, err := s.store.StatusByURI(ctx, obj.InReplyTo); err == nil {
			st.InReplyToID, st.InReplyToAccountID = p.ID, p.AccountID
		}
	}
	relevant, err := s.relevant(ctx, actor, st, mentioned)
	if err != nil || !relevant {
		return errors.Join(err, drop("nobody here follows %s or was addressed", actor.URI))
	}
	held := s.heldRemote(st)
	st.Held = len(held) > 0
	var ia *storage.Account
	if st.Held {
		// The report is filed by the instance actor; look it up (or create
		// it) before the transaction holds the only writer connection.
		if ia, err = s.InstanceActor(ctx); err != nil {
			return err
		}
	}
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.CreateStatus(ctx, st); err != nil {
			return err
		}
		if err := attachRemoteMedia(ctx, tx, actor, st, obj.Attachments); err != nil {
			return err
		}
		if st.Held {
			// Kept out of every timeline and notification; moderators decide.
			return s.reportHeld(ctx, tx, ia, actor, st, held)
		}
		return s.fanOutLocal(ctx, tx, actor, st, mentioned)
	})
	if errors.Is(err, storage.ErrConflict) {
		return nil
	}
	return err
}

// relevant keeps unsolicited posts out: a remote post is stored only when a
// local account follows its author, is mentioned, or is replied to.
func (s *Service) relevant(ctx context.Context, actor *storage.Account, st *storage.Status, mentioned []*storage.Account) (bool, error) {
	for _, m := range mentioned {
		if m.Local() {
			return true, nil
		}
	}
	if st.InReplyToID != 0 {
		if p, err := s.store.Status(ctx, st.InReplyToID); err == nil && p.Local {
			return true, nil
		}
	}
	ids, err := s.store.LocalFollowerIDs(ctx, actor.ID)
	return len(ids) > 0, err
}

func (s *Service) onUpdate(ctx context.Context, actor *storage.Account, act *activitypub.Activity) error {
	obj := act.Object
	if obj == nil {
		return drop("update without an embedded object")
	}
	if obj.ID == actor.URI {
		_, err := s.ResolveActor(ctx, actor.URI, true) // the authoritative copy, fetched and checked
		return err
	}
	if err := checkNote(actor, obj); err != nil {
		return err
	}
	st, err := s.store.StatusByURI(ctx, obj.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil // an edit of something we never had
	}
	if err != nil {
		return err
	}
	if st.AccountID != actor.ID {
		return drop("update of another account's status")
	}
	st.Content, st.SpoilerText, st.Sensitive = SanitizeHTML(obj.Content), strings.TrimSpace(obj.Summary), obj.Sensitive
	st.Tags, st.EditedAt = obj.Hashtags, obj.Updated
	if st.EditedAt.IsZero() {
		st.EditedAt = time.Now().UTC()
	}
	st.MentionIDs = nil
	for _, m := range s.mentionedAccounts(ctx, obj.Mentions) {
		st.MentionIDs = append(st.MentionIDs, m.ID)
	}
	return s.store.UpdateStatus(ctx, st)
}

func (s *Service) onDelete(ctx context.Context, actor *storage.Account, act *activitypub.Activity) error {
	id := objectID(act)
	if id == actor.URI {
		return s.ForgetActor(ctx, actor.URI)
	}
	st, err := s.store.StatusByURI(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.AccountID != actor.ID {
		return drop("delete of another account's status")
	}
	return s.store.DeleteStatus(ctx, st.ID)
}

// ForgetActor handles a remote account's deletion: its follows, posts and keys go.
func (s *Service) ForgetActor(ctx context.Context, uri string) error {
	a, err := s.store.AccountByURI(ctx, uri)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && a.Local()) {
		return nil
	}
	if err != nil {
		return err
	}
	for {
		list, err := s.store.AccountStatuses(ctx, a.ID, []string{storage.VisibilityPublic, storage.VisibilityUnlisted,
			storage.VisibilityPrivate, storage.VisibilityDirect}, storage.Page{Limit: 200})
		if err != nil {
			return err
		}
		if len(list) == 0 {
			break
		}
		for _, st := range list {
			if err := s.store.DeleteStatus(ctx, st.ID); err != nil {
				return err
			}
		}
	}
	return s.store.Tx(ctx, func(tx storage.Store) error {
		if err := s.dropFollows(ctx, tx, a.ID); err != nil {
			return err
		}
		a.DeletedAt = time.Now().UTC()
		if err := tx.UpdateAccount(ctx, a); err != nil {
			return err
		}
		return tx.DeleteRemoteKeysOf(ctx, a.URI)
	})
}

func (s *Service) dropFollows(ctx context.Context, tx storage.Store, id int64) error {
	for _, state := range []string{storage.FollowAccepted, storage.FollowPending} {
		for {
			in, err := tx.Followers(ctx, id, state, storage.Page{Limit: 500})
			if err != nil {
				return err
			}
			out, err := tx.Following(ctx, id, state, storage.Page{Limit: 500})
			if err != nil {
				return err
			}
			if len(in)+len(out) == 0 {
				break
			}
			for _, f := range append(in, out...) {
				if err := tx.DeleteFollow(ctx, f.ID); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (s *Service) onAnnounce(ctx context.Context, actor *storage.Account, act *activitypub.Activity) error {
	orig, err := s.store.StatusByURI(ctx, objectID(act))
	if errors.Is(err, storage.ErrNotFound) {
		return drop("announce of a status we do not have")
	}
	if err != nil {
		return err
	}
	if orig.Visibility != storage.VisibilityPublic && orig.Visibility != storage.VisibilityUnlisted {
		return drop("announce of a non-public status")
	}
	if _, err := s.store.StatusByURI(ctx, act.ID); err == nil {
		return nil
	}
	boost := &storage.Status{AccountID: actor.ID, URI: act.ID, URL: act.ID, ReblogOfID: orig.ID,
		Visibility: visibilityFromAudience(act.To, act.Cc, actor.FollowersURI), CreatedAt: time.Now().UTC()}
	if boost.Visibility == storage.VisibilityDirect {
		boost.Visibility = storage.VisibilityPublic
	}
	relevant := orig.Local
	if !relevant {
		ids, err := s.store.LocalFollowerIDs(ctx, actor.ID)
		if err != nil {
			return err
		}
		relevant = len(ids) > 0
	}
	if !relevant {
		return drop("announce nobody here needs")
	}
	return s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.CreateStatus(ctx, boost); err != nil {
			return err
		}
		if err := s.fanOutLocal(ctx, tx, actor, boost, nil); err != nil {
			return err
		}
		if !orig.Local {
			return nil
		}
		return tx.CreateNotification(ctx, &storage.Notification{AccountID: orig.AccountID, FromAccountID: actor.ID, Type: storage.NotifyReblog, StatusID: orig.ID})
	})
}

package federation

import (
	"context"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/storage"
)

// deliverActorUpdate queues Update{Person} of a local account to its followers' servers.
func (s *Service) deliverActorUpdate(ctx context.Context, tx storage.Store, acct *storage.Account) error {
	inboxes, err := tx.FollowerInboxes(ctx, acct.ID)
	if err != nil || len(inboxes) == 0 {
		return err
	}
	doc, err := activitypub.ActorDocument(acct, s.base)
	if err != nil {
		return err
	}
	id := s.base.Activity(acct.Username, storage.NewID())
	body, err := activitypub.Update(id, acct.URI, doc)
	if err != nil {
		return err
	}
	return s.enqueue(ctx, tx, acct, id, body, inboxes, 0)
}

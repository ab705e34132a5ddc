package federation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/storage"
)

// RejectError is an incoming activity refused before anything is stored; its
// Status is the HTTP status the inbox answers with.
type RejectError struct {
	Status int
	Msg    string
}

func (e *RejectError) Error() string { return e.Msg }

func reject(status int, format string, args ...any) error {
	return &RejectError{Status: status, Msg: fmt.Sprintf(format, args...)}
}

// Receive takes an activity whose HTTP signature was verified as signer (the
// key's owner) and queues it to be applied. Replays of a known activity id
// are accepted and dropped; unknown activity types are accepted and ignored.
func (s *Service) Receive(ctx context.Context, signer string, body []byte) error {
	act, err := activitypub.ParseActivity(body)
	if err != nil {
		return reject(400, "malformed activity: %v", err)
	}
	if act.Actor != signer {
		return reject(401, "activity actor %q is not the signer %q", act.Actor, signer)
	}
	if !s.policy.AllowedURL(ctx, act.Actor) {
		return reject(403, "domain refused by federation policy")
	}
	if !act.Known {
		s.log.Debug("inbox: ignoring unknown activity type", "type", act.Type, "actor", act.Actor)
		return nil
	}
	if !sameHost(act.ID, act.Actor) {
		return reject(400, "activity id %q is not on the actor's origin", act.ID)
	}
	err = s.store.EnqueueInbox(ctx, &storage.InboxItem{ActivityID: act.ID, ActorURI: act.Actor, Body: body})
	if errors.Is(err, storage.ErrConflict) {
		return nil // a replay or a retry of something we already have
	}
	return err
}

// ApplyInbox applies one queued activity. A returned error means "retry later".
func (s *Service) ApplyInbox(ctx context.Context, it *storage.InboxItem) error {
	act, err := activitypub.ParseActivity(it.Body)
	if err != nil {
		return nil // it parsed when accepted; nothing more to do with it now
	}
	unlock := s.locks.lock("activity " + act.ID)
	defer unlock()
	actor, err := s.ResolveActor(ctx, act.Actor, false)
	if err != nil {
		if errors.Is(err, ErrGone) {
			return nil
		}
		return fmt.Errorf("apply %s: actor: %w", act.ID, err)
	}
	h, ok := inboxHandlers[act.Type]
	if !ok {
		return nil
	}
	if err := h(s, ctx, actor, act); err != nil {
		var perm *permanentError
		if errors.As(err, &perm) {
			s.log.Info("inbox: dropped activity", "type", act.Type, "id", act.ID, "reason", perm.msg)
			return nil
		}
		return fmt.Errorf("apply %s %s: %w", act.Type, act.ID, err)
	}
	return nil
}

// permanentError drops an activity without retrying (it can never apply).
type permanentError struct{ msg string }

func (e *permanentError) Error() string { return e.msg }

func drop(format string, args ...any) error {
	return &permanentError{msg: fmt.Sprintf(format, args...)}
}

type inboxHandler func(s *Service, ctx context.Context, actor *storage.Account, act *activitypub.Activity) error

var inboxHandlers map[string]inboxHandler

func init() {
	inboxHandlers = map[string]inboxHandler{
		"Follow":   (*Service).onFollow,
		"Accept":   (*Service).onAccept,
		"Reject":   (*Service).onReject,
		"Undo":     (*Service).onUndo,
		"Create":   (*Service).onCreate,
		"Update":   (*Service).onUpdate,
		"Delete":   (*Service).onDelete,
		"Like":     (*Service).onLike,
		"Announce": (*Service).onAnnounce,
		"Block":    (*Service).onBlock,
	}
}

// inboxLease hides claimed items from other claims. It is also how long
// activities accepted (202) but not yet applied stay invisible after a crash,
// so it is short: this loop claims again only after its batch is finished,
// so within one process a batch slower than the lease is never claimed twice.
const inboxLease = 30 * time.Second

// RunInbox applies queued activities with n workers until ctx ends.
func (s *Service) RunInbox(ctx context.Context, n int, wake <-chan struct{}) {
	for ctx.Err() == nil {
		items, err := s.store.ClaimInbox(ctx, time.Now(), time.Now().Add(inboxLease), n*4)
		if err != nil && ctx.Err() == nil {
			s.log.Error("inbox: claim", "err", err)
		}
		if len(items) == 0 {
			select {
			case <-ctx.Done():
			case <-wake:
			case <-time.After(time.Second):
			}
			continue
		}
		s.applyBatch(ctx, items, n)
	}
}

func (s *Service) applyBatch(ctx context.Context, items []*storage.InboxItem, n int) {
	sem := make(chan struct{}, max(n, 1))
	done := make(chan struct{})
	for _, it := range items {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; done <- struct{}{} }()
			s.applyOne(context.WithoutCancel(ctx), it)
		}()
	}
	for range items {
		<-done
	}
}

func (s *Service) applyOne(ctx context.Context, it *storage.InboxItem) {
	err := s.ApplyInbox(ctx, it)
	it.Attempts++
	if err == nil {
		it.State, it.LastError = storage.JobDone, ""
	} else {
		it.LastError = err.Error()
		if it.Attempts >= 8 {
			it.State = storage.JobFailed
			s.log.Warn("inbox: giving up", "activity", it.ActivityID, "err", err)
		} else {
			it.NextAttemptAt = time.Now().Add(time.Duration(1<<it.Attempts) * 5 * time.Second)
		}
	}
	if err := s.store.FinishInbox(ctx, it); err != nil {
		s.log.Error("inbox: record result", "activity", it.ActivityID, "err", err)
	}
}

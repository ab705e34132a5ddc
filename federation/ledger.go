package federation

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/storage"
)

// The delivery ledger answers a compliance officer's question "who holds a
// copy of this post?": every delivery job that carried it is kept, with its
// outcome, and a retraction sends Delete to every one of those servers, not
// only to today's followers.

// Recipient is one remote inbox's copy of a status.
type Recipient struct {
	Domain     string
	Inbox      string
	Activity   string // Create, Update or Delete
	State      string // pending, done, failed, cancelled
	HTTPStatus int
	At         time.Time // when the last attempt was recorded
	Error      string
}

// Recipients lists the ledger of a status, oldest delivery first.
func (s *Service) Recipients(ctx context.Context, statusID int64) ([]Recipient, error) {
	jobs, err := s.store.DeliveriesOfStatus(ctx, statusID)
	if err != nil {
		return nil, fmt.Errorf("ledger of %d: %w", statusID, err)
	}
	out := make([]Recipient, 0, len(jobs))
	for _, j := range jobs {
		out = append(out, Recipient{Domain: hostOf(j.Inbox), Inbox: j.Inbox, Activity: activityKind(j.ActivityID),
			State: j.State, HTTPStatus: j.LastStatus, At: j.UpdatedAt, Error: j.LastError})
	}
	return out, nil
}

func activityKind(id string) string {
	switch {
	case strings.HasSuffix(id, "/activity"):
		return "Create"
	case strings.HasSuffix(id, "#delete"):
		return "Delete"
	}
	return "Update"
}

// ledgerInboxes lists the inboxes that may hold a copy of a status: every
// one a job for it was sent to (or was being retried for).
func (s *Service) ledgerInboxes(ctx context.Context, tx storage.Store, statusID int64) ([]string, error) {
	jobs, err := tx.DeliveriesOfStatus(ctx, statusID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, j := range jobs {
		// Attempted at all means the peer may hold it (a timed-out POST may
		// still have been accepted), even if the job was later cancelled.
		if j.Attempts > 0 || j.State == storage.JobDone {
			out = appendUnique(out, j.Inbox)
		}
	}
	return out, nil
}

// Retract deletes a local status on a compliance officer's order (not only
// its author's) and sends Delete to every server in its ledger. The Delete
// deliveries are themselves recorded in the ledger.
func (s *Service) Retract(ctx context.Context, statusID int64) (*storage.Status, error) {
	st, err := s.store.Status(ctx, statusID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (!st.Local || st.ReblogOfID != 0)) {
		return nil, &NotFoundError{What: "local status " + storage.FormatID(statusID)}
	}
	if err != nil {
		return nil, err
	}
	author, err := s.store.Account(ctx, st.AccountID)
	if err != nil {
		return nil, err
	}
	return s.DeleteStatus(ctx, author, st.ID)
}

// Erase carries out a right-to-erasure request for a local account: its
// content goes here, and Delete of the actor goes to every server it ever
// delivered to or that follows it. The account row stays as a tombstone
// (its key signs those Deletes; its id answers 410); the audit log stays.
func (s *Service) Erase(ctx context.Context, username string) (*storage.Account, []string, error) {
	a, err := s.localMember(ctx, username)
	if err != nil {
		return nil, nil, err
	}
	inboxes, err := s.erasureInboxes(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	keys, err := s.store.EraseAccountContent(ctx, a.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("erase %s: %w", username, err)
	}
	s.removeMediaFiles(keys)
	body, err := activitypub.DeleteActor(a.URI+"#delete", a.URI)
	if err != nil {
		return nil, nil, err
	}
	if err := s.enqueue(ctx, s.store, a, a.URI+"#delete", body, inboxes, 0); err != nil {
		return nil, nil, err
	}
	s.notify()
	return a, inboxes, nil
}

// erasureInboxes is every inbox that ever got something signed by a, plus
// its followers' (collapsed onto shared inboxes), sorted.
func (s *Service) erasureInboxes(ctx context.Context, a *storage.Account) ([]string, error) {
	sent, err := s.store.InboxesOfSigner(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	followers, err := s.store.FollowerInboxes(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	// One Delete per server is enough: its shared inbox when we know it.
	byHost := map[string]string{}
	for _, in := range append(followers, sent...) {
		h := hostOf(in)
		if _, ok := byHost[h]; !ok || in == originOf(in)+"/inbox" {
			byHost[h] = in
		}
	}
	out := make([]string, 0, len(byHost))
	for _, in := range byHost {
		out = append(out, in)
	}
	sort.Strings(out)
	return out, nil
}

func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

func (s *Service) removeMediaFiles(keys []string) {
	if s.media == nil {
		return
	}
	for _, k := range keys {
		if err := s.media.Remove(k); err != nil {
			s.log.Warn("erase: media file left behind", "key", k, "err", err)
		}
	}
}

package federation

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/federation/media"
	"github.com/rounds-social/rounds/storage"
)

// noteJSON renders a local status as its Note document.
func (s *Service) noteJSON(ctx context.Context, tx storage.Store, author *storage.Account, st *storage.Status) (json.RawMessage, error) {
	refs := activitypub.NoteRefs{InReplyTo: st.InReplyToURI}
	accts, err := tx.AccountsByID(ctx, st.MentionIDs)
	if err != nil {
		return nil, err
	}
	for _, id := range st.MentionIDs {
		if a, ok := accts[id]; ok {
			acct := a.Acct()
			if a.Local() {
				acct += "@" + s.base.Host()
			}
			refs.Mentions = append(refs.Mentions, activitypub.Mention{URI: a.URI, Acct: acct})
		}
	}
	if refs.Attachments, err = s.noteAttachments(ctx, tx, st); err != nil {
		return nil, err
	}
	return activitypub.Note(st, author, s.base, refs)
}

// noteAttachments lists a status's media as Note attachments: the original
// file of an upload, or the remote file a remote status pointed at.
func (s *Service) noteAttachments(ctx context.Context, tx storage.Store, st *storage.Status) ([]activitypub.Attachment, error) {
	list, err := tx.StatusMedia(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	var out []activitypub.Attachment
	for _, m := range list {
		a := activitypub.Attachment{URL: m.RemoteURL, MediaType: m.ContentType, Name: m.Description,
			Blurhash: m.Blurhash, Width: m.Width, Height: m.Height, FocusX: m.FocusX, FocusY: m.FocusY}
		if !m.Remote() {
			a.URL = s.base.Origin + media.Path(m.FileKey, media.Original, media.ExtOf(m.ContentType))
		}
		out = append(out, a)
	}
	return out, nil
}

// deliverStatus queues a Create, Update or Delete of a local status for every
// remote server that should have it: the author's followers' servers (not
// for direct posts) and every mentioned remote account's.
func (s *Service) deliverStatus(ctx context.Context, tx storage.Store, author *storage.Account, st *storage.Status, mentioned []*storage.Account, kind string) error {
	inboxes, err := s.statusInboxes(ctx, tx, author, st, mentioned)
	if err != nil {
		return err
	}
	if kind == "Delete" {
		// Everyone who ever got a copy hears of the deletion, not only
		// today's followers (the delivery ledger knows who they are).
		ledger, err := s.ledgerInboxes(ctx, tx, st.ID)
		if err != nil {
			return err
		}
		for _, in := range ledger {
			inboxes = appendUnique(inboxes, in)
		}
	}
	if inboxes = s.audienceInboxes(st, inboxes); len(inboxes) == 0 {
		return nil
	}
	note, err := s.noteJSON(ctx, tx, author, st)
	if err != nil {
		return err
	}
	var body []byte
	var id string
	switch kind {
	case "Create":
		id = s.base.StatusActivity(author.Username, st.ID)
		body, err = activitypub.Create(id, author.URI, note)
	case "Update":
		id = s.base.Activity(author.Username, storage.NewID())
		body, err = activitypub.Update(id, author.URI, note)
	case "Delete":
		id = st.URI + "#delete"
		var doc struct{ To, Cc []string }
		_ = json.Unmarshal(note, &doc)
		body, err = activitypub.DeleteNote(id, author.URI, st.URI, doc.To, doc.Cc)
	default:
		return fmt.Errorf("deliver status: unknown activity %q", kind)
	}
	if err != nil {
		return err
	}
	return s.enqueue(ctx, tx, author, id, body, inboxes, st.ID)
}

// statusInboxes lists the remote inboxes (shared where possible) a status goes to.
func (s *Service) statusInboxes(ctx context.Context, tx storage.Store, author *storage.Account, st *storage.Status, mentioned []*storage.Account) ([]string, error) {
	var inboxes []string
	if st.Visibility != storage.VisibilityDirect {
		f, err := tx.FollowerInboxes(ctx, author.ID)
		if err != nil {
			return nil, err
		}
		inboxes = f
	}
	if mentioned == nil && len(st.MentionIDs) > 0 {
		accts, err := tx.AccountsByID(ctx, st.MentionIDs)
		if err != nil {
			return nil, err
		}
		for _, a := range accts {
			mentioned = append(mentioned, a)
		}
	}
	for _, m := range mentioned {
		if !m.Local() && m.DeletedAt.IsZero() {
			inboxes = appendUnique(inboxes, inboxOf(m))
		}
	}
	return inboxes, nil
}

func inboxOf(a *storage.Account) string {
	if a.SharedInboxURI != "" {
		return a.SharedInboxURI
	}
	return a.InboxURI
}

// enqueue writes one delivery job per allowed inbox, inside tx.
func (s *Service) enqueue(ctx context.Context, tx storage.Store, signer *storage.Account, activityID string, body []byte, inboxes []string, statusID int64) error {
	jobs := make([]*storage.DeliveryJob, 0, len(inboxes))
	seen := map[string]bool{}
	for _, in := range inboxes {
		if in == "" || seen[in] || s.base.Owns(in) {
			continue
		}
		seen[in] = true
		if !s.policy.AllowedURL(ctx, in) {
			s.log.Info("delivery skipped by federation policy", "inbox", in, "activity", activityID)
			continue
		}
		jobs = append(jobs, &storage.DeliveryJob{ActivityID: activityID, Inbox: in, Body: body, SignerID: signer.ID, StatusID: statusID})
	}
	if len(jobs) == 0 {
		return nil
	}
	if err := tx.EnqueueDeliveries(ctx, jobs); err != nil {
		return fmt.Errorf("queue %s: %w", activityID, err)
	}
	return nil
}

// sendTo queues one activity to one remote account.
func (s *Service) sendTo(ctx context.Context, tx storage.Store, signer, to *storage.Account, activityID string, body []byte) error {
	if to.Local() {
		return nil
	}
	return s.enqueue(ctx, tx, signer, activityID, body, []string{to.InboxURI}, 0)
}

// NoteDocument renders a local status as the Note served at its id.
func (s *Service) NoteDocument(ctx context.Context, author *storage.Account, st *storage.Status) ([]byte, error) {
	return s.noteJSON(ctx, s.store, author, st)
}

// CreateDocument renders the Create activity that published a local status.
func (s *Service) CreateDocument(ctx context.Context, author *storage.Account, st *storage.Status) ([]byte, error) {
	note, err := s.noteJSON(ctx, s.store, author, st)
	if err != nil {
		return nil, err
	}
	return activitypub.Create(s.base.StatusActivity(author.Username, st.ID), author.URI, note)
}

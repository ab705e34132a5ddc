package federation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// EditStatus rewrites me's own status from d (text, spoiler text,
// sensitive, language; visibility and reply target cannot change, as in
// Mastodon) and sends Update{Note} to every server that has it. The store
// keeps the version being replaced as history (see storage.StatusExtras).
// Newly mentioned local accounts are notified, and local accounts that
// boosted the post get an "update" notification.
func (s *Service) EditStatus(ctx context.Context, me *storage.Account, id int64, d Draft) (*storage.Status, error) {
	st, err := s.ownStatus(ctx, me, id)
	if err != nil {
		return nil, err
	}
	d.Visibility, d.InReplyToID = st.Visibility, 0
	if err := d.validate(); err != nil {
		return nil, err
	}
	before := *st
	mentioned, err := s.editMentions(ctx, me, st, d.Text)
	if err != nil {
		return nil, err
	}
	s.applyDraft(st, d, mentioned)
	if err := s.screen(ctx, me, guardAudience(st), d.Text, d.SpoilerText); err != nil {
		return nil, err
	}
	if unchanged(&before, st) {
		return st, nil // nothing a reader would see: no history, no Update
	}
	st.EditedAt = editTime(&before, time.Now())
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.UpdateStatus(ctx, st); err != nil {
			return err
		}
		if err := s.notifyEdit(ctx, tx, me, st, before.MentionIDs, mentioned); err != nil {
			return err
		}
		recipients, err := s.editRecipients(ctx, tx, before.MentionIDs, mentioned)
		if err != nil {
			return err
		}
		return s.deliverStatus(ctx, tx, me, st, recipients, "Update")
	})
	if err != nil {
		return nil, fmt.Errorf("edit %s: %w", st.URI, err)
	}
	s.notify()
	return st, nil
}

// editTime is when an edit made at now is stamped. Storage keeps
// milliseconds, and a moved edited_at is what marks an edit there, so two
// edits within one millisecond (or a clock step back) must still move it.
func editTime(before *storage.Status, now time.Time) time.Time {
	last := before.CreatedAt
	if before.EditedAt.After(last) {
		last = before.EditedAt
	}
	last = last.Truncate(time.Millisecond)
	now = now.UTC().Truncate(time.Millisecond)
	if !now.After(last) {
		return last.Add(time.Millisecond)
	}
	return now
}

// ownStatus loads a post of me's; anything else (missing, someone else's,
// a boost) is not found, so an edit attempt reveals nothing.
func (s *Service) ownStatus(ctx context.Context, me *storage.Account, id int64) (*storage.Status, error) {
	st, err := s.store.Status(ctx, id)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (st.AccountID != me.ID || st.ReblogOfID != 0)) {
		return nil, &NotFoundError{What: "status " + storage.FormatID(id)}
	}
	return st, err
}

// editMentions resolves the new text's mentions; a reply keeps mentioning
// the parent's author, as when it was posted.
func (s *Service) editMentions(ctx context.Context, me *storage.Account, st *storage.Status, text string) ([]*storage.Account, error) {
	mentioned, err := s.resolveMentions(ctx, text)
	if err != nil {
		return nil, err
	}
	if st.InReplyToAccountID != 0 && st.InReplyToAccountID != me.ID {
		if pa, err := s.store.Account(ctx, st.InReplyToAccountID); err == nil {
			mentioned = appendAccount(mentioned, pa)
		}
	}
	return mentioned, nil
}

// applyDraft re-renders st from d, the way Post renders a new status.
func (s *Service) applyDraft(st *storage.Status, d Draft, mentioned []*storage.Account) {
	st.Text = d.Text
	st.SpoilerText = strings.TrimSpace(d.SpoilerText)
	st.Sensitive = d.Sensitive || st.SpoilerText != ""
	if d.Language != "" {
		st.Language = d.Language // left out: keep the language it had
	}
	st.Content = renderText(d.Text, mentionLinker(mentioned, s.base.Host()), s.base.Tag)
	st.Tags = hashtagsIn(d.Text)
	st.MentionIDs = []int64{}
	for _, m := range mentioned {
		st.MentionIDs = append(st.MentionIDs, m.ID)
	}
}

func unchanged(a, b *storage.Status) bool {
	return a.Text == b.Text && a.Content == b.Content && a.SpoilerText == b.SpoilerText &&
		a.Sensitive == b.Sensitive && a.Language == b.Language
}

// notifyEdit tells newly mentioned local accounts (and puts the post in
// their home), and tells local boosters the post changed.
func (s *Service) notifyEdit(ctx context.Context, tx storage.Store, me *storage.Account, st *storage.Status, oldIDs []int64, mentioned []*storage.Account) error {
	var home []int64
	for _, m := range mentioned {
		if !m.Local() || m.ID == me.ID || slices.Contains(oldIDs, m.ID) {
			continue
		}
		home = append(home, m.ID)
		if blocked, _ := s.blocks(ctx, tx, m.ID, me.ID); blocked {
			continue
		}
		if err := tx.CreateNotification(ctx, &storage.Notification{AccountID: m.ID, FromAccountID: me.ID,
			Type: storage.NotifyMention, StatusID: st.ID}); err != nil {
			return err
		}
	}
	if err := tx.AddToHome(ctx, home, st.ID); err != nil {
		return err
	}
	boosters, err := localBoosters(ctx, tx, st.ID)
	if err != nil {
		return err
	}
	for _, b := range boosters {
		if b == me.ID {
			continue
		}
		if err := tx.CreateNotification(ctx, &storage.Notification{AccountID: b, FromAccountID: me.ID,
			Type: storage.NotifyUpdate, StatusID: st.ID}); err != nil {
			return err
		}
	}
	return nil
}

// localBoosters lists the local accounts that boosted statusID.
func localBoosters(ctx context.Context, tx storage.Store, statusID int64) ([]int64, error) {
	var out []int64
	page := storage.Page{Limit: 200}
	for {
		boosts, err := tx.RebloggedBy(ctx, statusID, page)
		if err != nil || len(boosts) == 0 {
			return out, err
		}
		for _, b := range boosts {
			if b.Local {
				out = append(out, b.AccountID)
			}
		}
		page.MaxID = boosts[len(boosts)-1].ID
	}
}

// editRecipients is everyone mentioned before or after the edit: a server
// whose account was dropped from the mentions still holds the old text and
// should get the new one.
func (s *Service) editRecipients(ctx context.Context, tx storage.Store, oldIDs []int64, mentioned []*storage.Account) ([]*storage.Account, error) {
	old, err := tx.AccountsByID(ctx, oldIDs)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(mentioned)
	for _, id := range oldIDs {
		if a, ok := old[id]; ok {
			out = appendAccount(out, a)
		}
	}
	if out == nil {
		out = []*storage.Account{} // non-nil: statusInboxes reloads mentions from st when nil
	}
	return out, nil
}

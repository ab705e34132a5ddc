package federation

import (
	"context"
	"html"
	"regexp"
	"strings"

	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/federation/phi"
	"github.com/rounds-social/rounds/storage"
)

// Guard is the patient-identifier guard as the service applies it: what to
// scan for (phi.Options) and what to do about it (phi.Policy). It runs
// before anything is stored, because federation cannot reliably take a post
// back once it has left.
type Guard struct {
	Policy  phi.Policy
	Options phi.Options
}

// guardAudience maps a post's reach onto the guard's audiences: anything
// that leaves the institution for non-partners counts as public.
func guardAudience(st *storage.Status) phi.Audience {
	switch {
	case st.Visibility == storage.VisibilityDirect:
		return phi.Direct
	case st.Audience == storage.AudienceLocal:
		return phi.Institution
	case st.Audience == storage.AudiencePartners:
		return phi.Partners
	}
	return phi.Public
}

// screen scans texts that are about to be stored for the author. A block is
// an InputError carrying the message a clinician sees in any app (HTTP 422);
// a warning lets the post through. Both are audited with the category and a
// hash of the text, never the text or the match.
func (s *Service) screen(ctx context.Context, author *storage.Account, aud phi.Audience, texts ...string) error {
	if s.guard == nil {
		return nil
	}
	joined := strings.Join(texts, "\n")
	findings := phi.Scan(joined, s.phiOptions(author))
	action, why := s.guard.Policy.Decide(findings, aud)
	if action == phi.Allow {
		return nil
	}
	s.auditPHI(ctx, s.store, author, action, aud, why, joined)
	if action == phi.Block {
		return &InputError{Msg: phi.Message(why[0])}
	}
	return nil
}

// phiOptions adds the author's own name to the names never flagged.
func (s *Service) phiOptions(author *storage.Account) phi.Options {
	opt := s.guard.Options
	if author != nil && author.DisplayName != "" {
		opt.StaffNames = append(append([]string(nil), opt.StaffNames...), author.DisplayName)
	}
	return opt
}

func (s *Service) auditPHI(ctx context.Context, st storage.Store, author *storage.Account, action phi.Action, aud phi.Audience, why []phi.Finding, text string) {
	cats := make([]string, 0, len(why))
	for _, f := range why {
		cats = appendUnique(cats, string(f.Category))
	}
	e := audit.Entry{Action: audit.PHIWarn, Target: string(aud),
		Detail: map[string]any{"categories": cats, "content_sha256": audit.ContentHash(text)}}
	if action == phi.Block {
		e.Action = audit.PHIBlock
	}
	if author != nil {
		e.Actor, e.ActorID = author.Username, author.ID
		if !author.Local() {
			e.Actor = author.URI
		}
	}
	if err := audit.Record(ctx, st, e); err != nil {
		s.log.Error("audit: phi decision", "err", err)
	}
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// plainText turns sanitised HTML back into the words a reader sees, for
// scanning remote posts.
func plainText(h string) string {
	h = strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n", "</p>", "\n").Replace(h)
	return html.UnescapeString(tagRE.ReplaceAllString(h, " "))
}

// heldRemote decides whether a remote post carries a high-confidence
// identifier this instance's policy would block in public: such posts are
// stored (for the report) but kept out of every timeline and notification
// until a moderator looks. It returns those findings.
func (s *Service) heldRemote(st *storage.Status) []phi.Finding {
	if s.guard == nil {
		return nil
	}
	var high []phi.Finding
	for _, f := range phi.Scan(plainText(st.SpoilerText+"\n"+st.Content), s.guard.Options) {
		if f.Confidence == phi.High {
			high = append(high, f)
		}
	}
	if action, why := s.guard.Policy.Decide(high, phi.Public); action == phi.Block {
		return why
	}
	return nil
}

// mediaDescriptions are the alt texts of uploads about to be attached; they
// are published with the post, so the guard reads them too.
func (s *Service) mediaDescriptions(ctx context.Context, ids []int64) []string {
	var out []string
	for _, id := range ids {
		if m, err := s.store.MediaByID(ctx, id); err == nil && m.Description != "" {
			out = append(out, m.Description)
		}
	}
	return out
}

// reportHeld files a report about a held remote post for the moderators,
// naming the kinds of identifier found, never the identifiers themselves.
func (s *Service) reportHeld(ctx context.Context, tx storage.Store, ia, actor *storage.Account, st *storage.Status, found []phi.Finding) error {
	var kinds []string
	for _, f := range found {
		kinds = appendUnique(kinds, phi.Describe(f))
	}
	s.auditPHI(ctx, tx, actor, phi.Block, phi.Public, found, st.Content)
	return tx.CreateReport(ctx, &storage.Report{AccountID: ia.ID, TargetID: actor.ID, StatusIDs: []int64{st.ID},
		Category: storage.ReportLegal, Comment: "Held by the patient-identifier guard: this post from " + actor.Acct() +
			" looks like it contains " + strings.Join(kinds, ", ") + ". It is hidden from every timeline until a moderator acts."})
}

// ReleaseHeld lets a held remote post through after a moderator's review:
// it reaches the timelines and notifications it was kept out of.
func (s *Service) ReleaseHeld(ctx context.Context, statusID int64) (*storage.Status, error) {
	st, err := s.store.Status(ctx, statusID)
	if err != nil {
		return nil, err
	}
	if !st.Held {
		return nil, inputErr("post %s is not held", storage.FormatID(statusID))
	}
	author, err := s.store.Account(ctx, st.AccountID)
	if err != nil {
		return nil, err
	}
	mentioned, err := s.store.AccountsByID(ctx, st.MentionIDs)
	if err != nil {
		return nil, err
	}
	var list []*storage.Account
	for _, a := range mentioned {
		list = append(list, a)
	}
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.SetStatusHeld(ctx, st.ID, false); err != nil {
			return err
		}
		return s.fanOutLocal(ctx, tx, author, st, list)
	})
	st.Held = false
	return st, err
}

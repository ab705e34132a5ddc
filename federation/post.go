package federation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/storage"
)

// MaxStatusChars is the longest post accepted (clinical notes run long).
const MaxStatusChars = 5000

// MaxMediaAttachments is how many uploads one status may carry (Mastodon's limit,
// which clients read from the instance entity).
const MaxMediaAttachments = 4

// Draft is a status as a client submits it.
type Draft struct {
	Text        string
	Visibility  string
	SpoilerText string
	Sensitive   bool
	InReplyToID int64
	Language    string
	MediaIDs    []int64 // uploads of the author, attached in this order
	// Audience is a stored audience (storage.Audience*), or "default" for
	// the instance's default; see audience.go.
	Audience string
}

func (d *Draft) validate() error {
	d.Text = strings.TrimSpace(d.Text)
	d.MediaIDs = uniqueIDs(d.MediaIDs)
	if len(d.MediaIDs) > MaxMediaAttachments {
		return inputErr("Validation failed: A post can have at most %d media attachments", MaxMediaAttachments)
	}
	if d.Text == "" && len(d.MediaIDs) == 0 {
		return inputErr("Validation failed: Text can't be blank")
	}
	if n := utf8.RuneCountInString(d.Text) + utf8.RuneCountInString(d.SpoilerText); n > MaxStatusChars {
		return inputErr("Validation failed: Text character limit of %d exceeded (%d)", MaxStatusChars, n)
	}
	switch d.Visibility {
	case "":
		d.Visibility = storage.VisibilityPublic
	case storage.VisibilityPublic, storage.VisibilityUnlisted, storage.VisibilityPrivate, storage.VisibilityDirect:
	default:
		return inputErr("Validation failed: Visibility %q is not one of public, unlisted, private, direct", d.Visibility)
	}
	if len(d.Language) > 16 {
		return inputErr("Validation failed: Language %q is not a language code", d.Language)
	}
	return nil
}

// Post publishes a status by a local author: rendered, stored with its
// mentions, tags, notifications and timeline rows, and queued for delivery,
// all in one transaction.
func (s *Service) Post(ctx context.Context, author *storage.Account, d Draft) (*storage.Status, error) {
	if err := d.validate(); err != nil {
		return nil, err
	}
	st := &storage.Status{ID: storage.NewID(), AccountID: author.ID, Text: d.Text, SpoilerText: strings.TrimSpace(d.SpoilerText),
		Sensitive: d.Sensitive || strings.TrimSpace(d.SpoilerText) != "", Visibility: d.Visibility, Language: d.Language,
		Local: true, CreatedAt: time.Now().UTC()}
	st.URI, st.URL = s.base.Status(author.Username, st.ID), s.base.StatusPage(author.Username, st.ID)
	var parent *storage.Status
	if d.InReplyToID != 0 {
		p, err := s.replyTarget(ctx, author, d.InReplyToID)
		if err != nil {
			return nil, err
		}
		parent = p
		st.InReplyToID, st.InReplyToURI, st.InReplyToAccountID = p.ID, p.URI, p.AccountID
	}
	s.applyAudience(st, d.Audience, parent)
	if err := s.checkDraftMedia(ctx, author, d.MediaIDs); err != nil {
		return nil, err
	}
	if err := s.screen(ctx, author, guardAudience(st), append([]string{d.Text, d.SpoilerText}, s.mediaDescriptions(ctx, d.MediaIDs)...)...); err != nil {
		return nil, err
	}
	mentioned, err := s.resolveMentions(ctx, d.Text)
	if err != nil {
		return nil, err
	}
	if parent != nil && parent.AccountID != author.ID {
		if pa, err := s.store.Account(ctx, parent.AccountID); err == nil {
			mentioned = appendAccount(mentioned, pa)
		}
	}
	st.Content = renderText(d.Text, mentionLinker(mentioned, s.base.Host()), s.base.Tag)
	st.Tags = hashtagsIn(d.Text)
	for _, m := range mentioned {
		st.MentionIDs = append(st.MentionIDs, m.ID)
	}
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.CreateStatus(ctx, st); err != nil {
			return err
		}
		if err := attachDraftMedia(ctx, tx, author, st, d.MediaIDs); err != nil {
			return err
		}
		if err := s.fanOutLocal(ctx, tx, author, st, mentioned); err != nil {
			return err
		}
		return s.deliverStatus(ctx, tx, author, st, mentioned, "Create")
	})
	if err != nil {
		return nil, fmt.Errorf("post by %s: %w", author.Username, err)
	}
	s.notify()
	return st, nil
}

func (s *Service) replyTarget(ctx context.Context, author *storage.Account, id int64) (*storage.Status, error) {
	p, err := s.store.Status(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, &NotFoundError{What: "status " + storage.FormatID(id)}
	}
	if err != nil {
		return nil, err
	}
	ok, err := s.CanSee(ctx, author, p)
	if err != nil {
		return nil, err
	}
	if !ok || p.ReblogOfID != 0 {
		return nil, &NotFoundError{What: "status " + storage.FormatID(id)}
	}
	return p, nil
}

// resolveMentions finds every @mentioned account; unknown ones are skipped
// (the text stays plain), as Mastodon does.
func (s *Service) resolveMentions(ctx context.Context, text string) ([]*storage.Account, error) {
	var out []*storage.Account
	for _, acct := range mentionsIn(text) {
		var a *storage.Account
		var err error
		if user, host, remote := strings.Cut(acct, "@"); !remote || host == s.base.Host() {
			a, err = s.store.AccountByUsername(ctx, user, "")
		} else {
			a, err = s.ResolveAcct(ctx, acct)
		}
		if err != nil || a.Username == storage.InstanceActorUsername || a.Suspended() {
			s.log.Debug("mention not resolved", "acct", acct, "err", err)
			continue
		}
		out = appendAccount(out, a)
	}
	return out, nil
}

func appendAccount(list []*storage.Account, a *storage.Account) []*storage.Account {
	for _, x := range list {
		if x.ID == a.ID {
			return list
		}
	}
	return append(list, a)
}

func mentionLinker(accts []*storage.Account, host string) func(string) string {
	return func(acct string) string {
		user, domain, _ := strings.Cut(acct, "@")
		if domain == host {
			domain = ""
		}
		for _, a := range accts {
			if strings.EqualFold(a.Username, user) && strings.EqualFold(a.Domain, domain) {
				return a.URL
			}
		}
		return ""
	}
}

// fanOutLocal writes home-timeline rows and notifications on this instance.
func (s *Service) fanOutLocal(ctx context.Context, tx storage.Store, author *storage.Account, st *storage.Status, mentioned []*storage.Account) error {
	home := []int64{}
	if author.Local() {
		home = append(home, author.ID)
	}
	if st.Visibility != storage.VisibilityDirect {
		ids, err := tx.LocalFollowerIDs(ctx, author.ID)
		if err != nil {
			return err
		}
		home = append(home, ids...)
	}
	for _, m := range mentioned {
		if !m.Local() || m.ID == author.ID {
			continue
		}
		home = append(home, m.ID)
		if blocked, _ := s.blocks(ctx, tx, m.ID, author.ID); blocked {
			continue
		}
		if err := tx.CreateNotification(ctx, &storage.Notification{AccountID: m.ID, FromAccountID: author.ID,
			Type: storage.NotifyMention, StatusID: st.ID}); err != nil {
			return err
		}
	}
	return tx.AddToHome(ctx, home, st.ID)
}

// blocks reports whether a blocks b.
func (s *Service) blocks(ctx context.Context, st storage.Store, a, b int64) (bool, error) {
	_, err := st.Block(ctx, a, b)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func uniqueIDs(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// mediaNotAttachable answers the same for an upload that does not exist, is
// someone else's or is already attached, so ids of others' uploads leak nothing.
func mediaNotAttachable(id int64) error {
	return inputErr("Validation failed: Media attachment %s was not found or is already attached", storage.FormatID(id))
}

// checkDraftMedia fails early, before any rendering or fetching, when an id
// cannot be attached; attachDraftMedia re-checks inside the transaction.
func (s *Service) checkDraftMedia(ctx context.Context, author *storage.Account, ids []int64) error {
	for _, id := range ids {
		m, err := s.store.MediaByID(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return mediaNotAttachable(id)
		}
		if err != nil {
			return err
		}
		if m.AccountID != author.ID || m.StatusID != 0 || m.Remote() {
			return mediaNotAttachable(id)
		}
	}
	return nil
}

// attachDraftMedia gives the uploads to the new status; the store's
// conditional update means a concurrent post cannot take the same upload.
func attachDraftMedia(ctx context.Context, tx storage.Store, author *storage.Account, st *storage.Status, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	err := tx.AttachMedia(ctx, author.ID, st.ID, ids)
	if errors.Is(err, storage.ErrNotFound) {
		return inputErr("Validation failed: A media attachment was not found or is already attached")
	}
	return err
}

// attachRemoteMedia records a remote note's attachments as media rows that
// point at the remote files (nothing is downloaded), inside the transaction
// that stores the status.
func attachRemoteMedia(ctx context.Context, tx storage.Store, author *storage.Account, st *storage.Status, atts []activitypub.Attachment) error {
	for i, a := range atts {
		m := &storage.Media{AccountID: author.ID, StatusID: st.ID, Position: i, Type: remoteMediaType(a),
			ContentType: a.MediaType, RemoteURL: a.URL, Description: a.Name, FocusX: a.FocusX, FocusY: a.FocusY,
			Width: a.Width, Height: a.Height, Blurhash: a.Blurhash}
		if err := tx.CreateMedia(ctx, m); err != nil {
			return fmt.Errorf("remote media of %s: %w", st.URI, err)
		}
	}
	return nil
}

// remoteMediaType maps a remote attachment to a Mastodon media type, by its
// mediaType first and its ActivityStreams type otherwise.
func remoteMediaType(a activitypub.Attachment) string {
	major, _, _ := strings.Cut(a.MediaType, "/")
	switch {
	case major == "image", a.MediaType == "" && a.Type == "Image":
		return storage.MediaImage
	case major == "video", a.MediaType == "" && a.Type == "Video":
		return storage.MediaVideo
	case major == "audio", a.MediaType == "" && a.Type == "Audio":
		return storage.MediaAudio
	}
	return storage.MediaUnknown
}

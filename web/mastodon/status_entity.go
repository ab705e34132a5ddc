package mastodon

import (
	"context"
	"errors"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/storage"
)

type mentionJSON struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Acct     string `json:"acct"`
	URL      string `json:"url"`
}

type tagJSON struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// statusJSON is the Status entity with exactly the keys of research §7.14;
// nullable fields are `any` so they are sent as null, never left out.
type statusJSON struct {
	ID                 string        `json:"id"`
	URI                string        `json:"uri"`
	URL                string        `json:"url"`
	CreatedAt          string        `json:"created_at"`
	EditedAt           any           `json:"edited_at"`
	Account            *accountJSON  `json:"account"`
	Content            string        `json:"content"`
	Visibility         string        `json:"visibility"`
	Sensitive          bool          `json:"sensitive"`
	SpoilerText        string        `json:"spoiler_text"`
	MediaAttachments   []any         `json:"media_attachments"`
	Application        any           `json:"application"`
	Mentions           []mentionJSON `json:"mentions"`
	Tags               []tagJSON     `json:"tags"`
	Emojis             []any         `json:"emojis"`
	ReblogsCount       int           `json:"reblogs_count"`
	FavouritesCount    int           `json:"favourites_count"`
	RepliesCount       int           `json:"replies_count"`
	InReplyToID        any           `json:"in_reply_to_id"`
	InReplyToAccountID any           `json:"in_reply_to_account_id"`
	Reblog             *statusJSON   `json:"reblog"`
	Poll               any           `json:"poll"`
	Card               any           `json:"card"`
	Language           any           `json:"language"`
	Text               any           `json:"text"`
	Favourited         bool          `json:"favourited"`
	Reblogged          bool          `json:"reblogged"`
	Muted              bool          `json:"muted"`
	Bookmarked         bool          `json:"bookmarked"`
	Pinned             bool          `json:"pinned"`
	Filtered           []any         `json:"filtered"`
	// Rounds' audiences, outside Mastodon's visibility enum (unknown enum
	// values break some clients): local_only as glitch-soc and Hometown
	// name it, and audience: everyone, institution or partners.
	LocalOnly bool   `json:"local_only"`
	Audience  string `json:"audience"`
}

// webApp is what Mastodon shows as the application of posts made here.
var webApp = map[string]any{"name": "Web", "website": nil}

// renderer renders statuses and accounts for one viewer (nil: anonymous).
// It loads the boosted posts and accounts a batch needs in one query each
// and renders each account once, instead of once per row.
type renderer struct {
	a        *API
	viewer   *storage.Account
	accounts map[int64]*storage.Account
	entities map[int64]*accountJSON
	statuses map[int64]*storage.Status
}

func (a *API) renderer(viewer *storage.Account) *renderer {
	return &renderer{a: a, viewer: viewer, accounts: map[int64]*storage.Account{},
		entities: map[int64]*accountJSON{}, statuses: map[int64]*storage.Status{}}
}

// prefetch loads what rendering list (plus the accounts extra) will need.
func (rd *renderer) prefetch(ctx context.Context, list []*storage.Status, extra []int64) error {
	var origIDs []int64
	for _, st := range list {
		if st.ReblogOfID != 0 && rd.statuses[st.ReblogOfID] == nil {
			origIDs = append(origIDs, st.ReblogOfID)
		}
	}
	origs, err := rd.a.store.StatusesByID(ctx, origIDs)
	if err != nil {
		return err
	}
	all := append([]*storage.Status{}, list...)
	for id, st := range origs {
		rd.statuses[id] = st
		all = append(all, st)
	}
	want := append([]int64{}, extra...)
	for _, st := range all {
		want = append(want, st.AccountID)
		want = append(want, st.MentionIDs...)
	}
	return rd.loadAccounts(ctx, want)
}

func (rd *renderer) loadAccounts(ctx context.Context, ids []int64) error {
	var missing []int64
	for _, id := range ids {
		if _, ok := rd.accounts[id]; !ok {
			missing = append(missing, id)
			rd.accounts[id] = nil // asked for once, even if absent
		}
	}
	found, err := rd.a.store.AccountsByID(ctx, missing)
	for id, acct := range found {
		rd.accounts[id] = acct
	}
	return err
}

// account renders the Account entity of id; nil when it does not exist.
func (rd *renderer) account(ctx context.Context, id int64) (*accountJSON, error) {
	if e, ok := rd.entities[id]; ok {
		return e, nil
	}
	if err := rd.loadAccounts(ctx, []int64{id}); err != nil {
		return nil, err
	}
	acct := rd.accounts[id]
	if acct == nil {
		return nil, nil
	}
	e, err := rd.a.account(ctx, acct)
	if err != nil {
		return nil, err
	}
	rd.entities[id] = e
	return e, nil
}

// statusList renders list in order, skipping rows that cannot be rendered
// (author or boosted post gone): one bad row must not empty a timeline
// (research pitfall 20).
func (rd *renderer) statusList(ctx context.Context, list []*storage.Status) ([]*statusJSON, error) {
	if err := rd.prefetch(ctx, list, nil); err != nil {
		return nil, err
	}
	out := make([]*statusJSON, 0, len(list))
	for _, st := range list {
		e, err := rd.status(ctx, st)
		if err != nil {
			return nil, err
		}
		if e != nil {
			out = append(out, e)
		}
	}
	return out, nil
}

// one renders a single status the caller must return; a status that
// cannot be rendered is answered as not found.
func (rd *renderer) one(ctx context.Context, st *storage.Status) (*statusJSON, error) {
	list, err := rd.statusList(ctx, []*storage.Status{st})
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, storage.ErrNotFound
	}
	return list[0], nil
}

// status renders st; nil (and no error) when it cannot be rendered.
func (rd *renderer) status(ctx context.Context, st *storage.Status) (*statusJSON, error) {
	author, err := rd.account(ctx, st.AccountID)
	if err != nil || author == nil {
		return nil, err
	}
	out := rd.fields(st, author)
	if out.MediaAttachments, err = rd.a.statusMedia(ctx, st); err != nil {
		return nil, err
	}
	if out.RepliesCount, out.ReblogsCount, out.FavouritesCount, err = rd.a.store.StatusCounts(ctx, st.ID); err != nil {
		return nil, err
	}
	if st.ReblogOfID == 0 {
		out.Favourited, out.Reblogged, out.Bookmarked, err = rd.flags(ctx, st.ID)
		return out, err
	}
	orig := rd.statuses[st.ReblogOfID]
	if orig == nil || orig.ReblogOfID != 0 {
		return nil, nil
	}
	if out.Reblog, err = rd.status(ctx, orig); err != nil || out.Reblog == nil {
		return nil, err
	}
	// Favouriting or boosting a boost acts on the original, so the wrapper
	// shows the original's state for this viewer.
	out.Favourited, out.Reblogged, out.Bookmarked = out.Reblog.Favourited, out.Reblog.Reblogged, out.Reblog.Bookmarked
	return out, nil
}

// fields fills what comes straight from the row.
func (rd *renderer) fields(st *storage.Status, author *accountJSON) *statusJSON {
	out := &statusJSON{
		ID: storage.FormatID(st.ID), URI: st.URI, URL: st.URL, CreatedAt: ts(st.CreatedAt), EditedAt: tsOrNil(st.EditedAt),
		Account: author, Content: st.Content, Visibility: st.Visibility, Sensitive: st.Sensitive, SpoilerText: st.SpoilerText,
		MediaAttachments: []any{}, Mentions: rd.mentions(st), Tags: rd.tags(st), Emojis: []any{},
		InReplyToID: idOrNil(st.InReplyToID), InReplyToAccountID: idOrNil(st.InReplyToAccountID), Filtered: []any{},
		LocalOnly: st.Audience == storage.AudienceLocal, Audience: federation.AudienceName(st.Audience),
	}
	if out.URL == "" {
		out.URL = st.URI
	}
	if st.Local {
		out.Application = webApp
	}
	if st.Language != "" {
		out.Language = st.Language
	}
	if st.ReblogOfID != 0 {
		out.Content = "" // a boost has no text of its own; clients show the reblog's
	}
	return out
}

func (rd *renderer) mentions(st *storage.Status) []mentionJSON {
	out := []mentionJSON{}
	for _, id := range st.MentionIDs {
		if m := rd.accounts[id]; m != nil {
			url := m.URL
			if url == "" {
				url = m.URI
			}
			out = append(out, mentionJSON{ID: storage.FormatID(m.ID), Username: m.Username, Acct: m.Acct(), URL: url})
		}
	}
	return out
}

func (rd *renderer) tags(st *storage.Status) []tagJSON {
	out := []tagJSON{}
	for _, t := range st.Tags {
		out = append(out, tagJSON{Name: t, URL: rd.a.base.Tag(t)})
	}
	return out
}

// flags are the viewer's favourited, reblogged and bookmarked for a
// (non-boost) status; all false for an anonymous viewer.
func (rd *renderer) flags(ctx context.Context, id int64) (fav, boosted, marked bool, err error) {
	if rd.viewer == nil {
		return false, false, false, nil
	}
	store := rd.a.store
	if fav, err = exists(store.Favourite(ctx, rd.viewer.ID, id)); err != nil {
		return false, false, false, err
	}
	if boosted, err = exists(store.BoostOf(ctx, rd.viewer.ID, id)); err != nil {
		return false, false, false, err
	}
	marked, err = store.Bookmarked(ctx, rd.viewer.ID, id)
	return fav, boosted, marked, err
}

// exists turns a lookup into a yes/no, keeping real errors.
func exists[T any](_ T, err error) (bool, error) {
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

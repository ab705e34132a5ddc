package storage

import (
	"context"
	"time"
)

// AccountExtras holds what the account-side Mastodon API needs beyond the
// core: posting preferences, mutes, lists, read markers and filters.
type AccountExtras interface {
	// AccountPrefs returns accountID's preferences; the defaults when none were saved.
	AccountPrefs(ctx context.Context, accountID int64) (*AccountPrefs, error)
	PutAccountPrefs(ctx context.Context, p *AccountPrefs) error

	// PutMute creates or replaces accountID's mute of a target.
	PutMute(ctx context.Context, m *Mute) error
	DeleteMute(ctx context.Context, accountID, targetID int64) error
	// Mute returns an unexpired mute; ErrNotFound when there is none.
	Mute(ctx context.Context, accountID, targetID int64, now time.Time) (*Mute, error)
	// Mutes lists accountID's unexpired mutes, newest first, paged by row id.
	Mutes(ctx context.Context, accountID int64, now time.Time, p Page) ([]*Mute, error)
	// MutedAccountIDs lists whom accountID mutes (notificationsOnly: only
	// mutes that also hide notifications), for home and notification reads.
	MutedAccountIDs(ctx context.Context, accountID int64, now time.Time, notificationsOnly bool) ([]int64, error)
	// Blocks lists accountID's blocks, newest first, paged by row id.
	Blocks(ctx context.Context, accountID int64, p Page) ([]*Block, error)

	CreateList(ctx context.Context, l *List) error
	UpdateList(ctx context.Context, l *List) error
	// DeleteList removes a list and its members.
	DeleteList(ctx context.Context, id int64) error
	List(ctx context.Context, id int64) (*List, error)
	// Lists returns accountID's lists, oldest first.
	Lists(ctx context.Context, accountID int64) ([]*List, error)
	// ListsContaining returns ownerID's lists that memberID is in.
	ListsContaining(ctx context.Context, ownerID, memberID int64) ([]*List, error)
	AddListAccounts(ctx context.Context, listID int64, accountIDs []int64) error
	RemoveListAccounts(ctx context.Context, listID int64, accountIDs []int64) error
	// RemoveFromOwnedLists drops memberID from every list ownerID owns (after a block).
	RemoveFromOwnedLists(ctx context.Context, ownerID, memberID int64) error
	// ListMembers pages a list's members by membership row id, newest first.
	ListMembers(ctx context.Context, listID int64, p Page) ([]*ListMember, error)
	// ListAccountIDs returns the members the list's owner still follows:
	// what a list timeline shows.
	ListAccountIDs(ctx context.Context, listID int64) ([]int64, error)

	// Markers returns accountID's markers for the named timelines (all when none named).
	Markers(ctx context.Context, accountID int64, timelines []string) ([]*Marker, error)
	// PutMarker saves m, bumping its version; m is updated to what was stored.
	PutMarker(ctx context.Context, m *Marker) error

	CreateFilter(ctx context.Context, f *Filter) error
	Filter(ctx context.Context, id int64) (*Filter, error)
	// Filters returns accountID's filters with their keywords, oldest first.
	Filters(ctx context.Context, accountID int64) ([]*Filter, error)
	DeleteFilter(ctx context.Context, id int64) error

	// ProfileStatuses lists an account's statuses for its profile page.
	ProfileStatuses(ctx context.Context, accountID int64, f ProfileFilter, p Page) ([]*Status, error)

	// KnownDomains lists the distinct remote domains of known accounts.
	KnownDomains(ctx context.Context) ([]string, error)
}

// ProfileFilter narrows an account's statuses the ways
// GET /api/v1/accounts/:id/statuses can.
type ProfileFilter struct {
	Visibilities   []string // required: the visibilities the viewer may be shown
	ExcludeReplies bool     // leave out replies to others (self-replies, threads, stay)
	ExcludeReblogs bool
	Tagged         string // only statuses with this hashtag, "" for all
}

// AccountPrefs are a local account's posting defaults and the plain-text
// sources of its bio and fields (the account keeps only the rendered HTML).
type AccountPrefs struct {
	AccountID int64
	Privacy   string // default visibility: public, unlisted or private
	Sensitive bool   // mark media sensitive by default
	Language  string // ISO 639 code, "" for none
	NoteText  string
	Fields    []Field // name and plain-text value
	UpdatedAt time.Time
}

// DefaultPrefs are the preferences of an account that never saved any.
func DefaultPrefs(accountID int64) *AccountPrefs {
	return &AccountPrefs{AccountID: accountID, Privacy: VisibilityPublic, Fields: []Field{}}
}

// Mute hides TargetAccountID's posts (and, with Notifications, its
// notifications) from AccountID.
type Mute struct {
	ID              int64
	AccountID       int64
	TargetAccountID int64
	Notifications   bool
	ExpiresAt       time.Time // zero: never
	CreatedAt       time.Time
}

// List reply policies, as Mastodon names them.
const (
	RepliesFollowed = "followed"
	RepliesList     = "list"
	RepliesNone     = "none"
)

// List is a named group of followed accounts.
type List struct {
	ID            int64
	AccountID     int64
	Title         string
	RepliesPolicy string
	Exclusive     bool
	CreatedAt     time.Time
}

// ListMember is one account in a list; ID is the row id that pages.
type ListMember struct {
	ID        int64
	ListID    int64
	AccountID int64
}

// Marker is where a client stopped reading a timeline ("home", "notifications").
type Marker struct {
	AccountID  int64
	Timeline   string
	LastReadID int64
	Version    int
	UpdatedAt  time.Time
}

// Filter actions.
const (
	FilterWarn = "warn"
	FilterHide = "hide"
)

// Filter hides or flags statuses matching keywords in some contexts.
type Filter struct {
	ID        int64
	AccountID int64
	Title     string
	Context   []string // home, notifications, public, thread, account
	Action    string
	ExpiresAt time.Time // zero: never
	CreatedAt time.Time
	Keywords  []FilterKeyword
}

// FilterKeyword is one phrase of a filter.
type FilterKeyword struct {
	ID        int64
	Keyword   string
	WholeWord bool
}

package storage

import (
	"context"
	"time"
)

// StatusExtras holds what the status-side Mastodon API needs beyond the core:
// bookmarks, saved-status lists, who favourited or boosted a post, edit
// history, tag and per-account timelines, and single-notification access.
type StatusExtras interface {
	// CreateBookmark bookmarks statusID for accountID; bookmarking twice is
	// not an error (the first bookmark stays, so its place in the list does).
	CreateBookmark(ctx context.Context, accountID, statusID int64) error
	DeleteBookmark(ctx context.Context, accountID, statusID int64) error
	Bookmarked(ctx context.Context, accountID, statusID int64) (bool, error)
	// Bookmarks and Favourites list accountID's saved statuses, newest saved
	// first, paged by the bookmark or favourite id (research §4).
	Bookmarks(ctx context.Context, accountID int64, p Page) ([]Saved, error)
	Favourites(ctx context.Context, accountID int64, p Page) ([]Saved, error)
	// FavouritedBy lists the favourites of statusID, paged by favourite id.
	FavouritedBy(ctx context.Context, statusID int64, p Page) ([]*Favourite, error)
	// RebloggedBy lists the boosts of statusID, paged by boost id.
	RebloggedBy(ctx context.Context, statusID int64, p Page) ([]*Status, error)

	// StatusEdits lists the earlier versions of statusID, oldest first. The
	// backend records them itself whenever UpdateStatus moves edited_at and
	// changes what a reader sees, so remote edits (Update{Note}) get history
	// the same as local ones.
	StatusEdits(ctx context.Context, statusID int64) ([]*StatusEdit, error)

	// TagTimeline lists public, non-boost statuses carrying any of tags.
	TagTimeline(ctx context.Context, tags []string, localOnly, remoteOnly bool, p Page) ([]*Status, error)
	// AccountsTimeline lists statuses (boosts too) by any of accountIDs, for
	// list timelines.
	AccountsTimeline(ctx context.Context, accountIDs []int64, p Page) ([]*Status, error)

	// Notification returns one of accountID's notifications.
	Notification(ctx context.Context, accountID, id int64) (*Notification, error)
	// NotificationsFrom is Notifications limited to those caused by
	// fromAccountID (0: anyone).
	NotificationsFrom(ctx context.Context, accountID, fromAccountID int64, types []string, p Page) ([]*Notification, error)
	// DeleteNotification dismisses one notification; ErrNotFound when
	// accountID has no notification id.
	DeleteNotification(ctx context.Context, accountID, id int64) error
	ClearNotifications(ctx context.Context, accountID int64) error
}

// Saved is a status in a list ordered by the row that put it there (a
// bookmark or favourite), whose id is the list's pagination cursor.
type Saved struct {
	ID     int64
	Status *Status
}

// StatusEdit is an earlier version of an edited status, as it read until
// the edit that replaced it.
type StatusEdit struct {
	ID          int64
	StatusID    int64
	Content     string
	Text        string
	SpoilerText string
	Sensitive   bool
	Language    string
	CreatedAt   time.Time // when this version was written (posted or edited)
}

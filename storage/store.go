// Package storage holds Rounds' model types and the Store interfaces that the
// backends (storage/sqlite, later storage/postgres) implement. It is the only
// package whose sub-packages speak SQL.
package storage

import (
	"context"
	"errors"
	"time"
)

var (
	// ErrNotFound is returned when a row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict is returned when a unique constraint would be violated.
	ErrConflict = errors.New("already exists")
)

// Store is everything Rounds keeps. Tx runs fn inside one transaction on a
// Store bound to it; every write fn makes commits or none does.
type Store interface {
	Accounts
	Users
	Statuses
	Follows
	Interactions
	Notifications
	Timelines
	OAuth
	Deliveries
	Inbox
	Keys
	Domains
	AccountExtras
	StatusExtras
	MediaStore
	Erasure
	Invites
	Audit
	Admin
	Tx(ctx context.Context, fn func(Store) error) error
	Close() error
}

// Accounts are local and remote profiles.
type Accounts interface {
	CreateAccount(ctx context.Context, a *Account) error
	UpdateAccount(ctx context.Context, a *Account) error
	Account(ctx context.Context, id int64) (*Account, error)
	AccountsByID(ctx context.Context, ids []int64) (map[int64]*Account, error)
	AccountByURI(ctx context.Context, uri string) (*Account, error)
	AccountByUsername(ctx context.Context, username, domain string) (*Account, error)
	LocalAccounts(ctx context.Context) ([]*Account, error)
	SearchAccounts(ctx context.Context, query string, limit int) ([]*Account, error)
	CountLocalAccounts(ctx context.Context) (int, error)
}

// Users are sign-in identities of local accounts.
type Users interface {
	CreateUser(ctx context.Context, u *User) error
	UpdateUser(ctx context.Context, u *User) error
	UserByAccount(ctx context.Context, accountID int64) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)
	User(ctx context.Context, id int64) (*User, error)
	CountUsersByRole(ctx context.Context, role string) (int, error)
}

// Statuses are posts and boosts.
type Statuses interface {
	CreateStatus(ctx context.Context, s *Status) error
	UpdateStatus(ctx context.Context, s *Status) error
	Status(ctx context.Context, id int64) (*Status, error)
	StatusByURI(ctx context.Context, uri string) (*Status, error)
	StatusesByID(ctx context.Context, ids []int64) (map[int64]*Status, error)
	// DeleteStatus removes the status with its boosts, mentions, tags,
	// notifications and timeline rows, and cancels its pending deliveries.
	DeleteStatus(ctx context.Context, id int64) error
	BoostOf(ctx context.Context, accountID, statusID int64) (*Status, error)
	AccountStatuses(ctx context.Context, accountID int64, visibilities []string, p Page) ([]*Status, error)
	CountAccountStatuses(ctx context.Context, accountID int64, visibilities []string) (int, error)
	// SetStatusHeld holds a post back from every reader, or releases it.
	SetStatusHeld(ctx context.Context, id int64, held bool) error
	Replies(ctx context.Context, statusID int64) ([]*Status, error)
	StatusCounts(ctx context.Context, statusID int64) (replies, boosts, favourites int, err error)
	AccountCounts(ctx context.Context, accountID int64) (statuses, followers, following int, err error)
	LastStatusAt(ctx context.Context, accountID int64) (time.Time, error)
	CountLocalStatuses(ctx context.Context) (int, error)
}

// Follows are follow relationships and requests.
type Follows interface {
	CreateFollow(ctx context.Context, f *Follow) error
	UpdateFollow(ctx context.Context, f *Follow) error
	DeleteFollow(ctx context.Context, id int64) error
	Follow(ctx context.Context, accountID, targetID int64) (*Follow, error)
	FollowByURI(ctx context.Context, uri string) (*Follow, error)
	// Followers lists follows of targetID in the given state, newest first.
	Followers(ctx context.Context, targetID int64, state string, p Page) ([]*Follow, error)
	Following(ctx context.Context, accountID int64, state string, p Page) ([]*Follow, error)
	// FollowerInboxes returns the distinct inboxes (shared where known) of
	// accountID's accepted remote followers.
	FollowerInboxes(ctx context.Context, accountID int64) ([]string, error)
	// LocalFollowerIDs returns the local accounts that follow accountID.
	LocalFollowerIDs(ctx context.Context, accountID int64) ([]int64, error)
}

// Interactions are favourites and blocks.
type Interactions interface {
	CreateFavourite(ctx context.Context, f *Favourite) error
	DeleteFavourite(ctx context.Context, id int64) error
	Favourite(ctx context.Context, accountID, statusID int64) (*Favourite, error)
	FavouriteByURI(ctx context.Context, uri string) (*Favourite, error)
	CreateBlock(ctx context.Context, b *Block) error
	DeleteBlock(ctx context.Context, id int64) error
	Block(ctx context.Context, accountID, targetID int64) (*Block, error)
}

// Notifications are per-account events.
type Notifications interface {
	CreateNotification(ctx context.Context, n *Notification) error
	Notifications(ctx context.Context, accountID int64, types []string, p Page) ([]*Notification, error)
	DeleteNotificationsAbout(ctx context.Context, fromAccountID, statusID int64, typ string) error
}

// Timelines are precomputed home feeds plus queries for the public ones.
type Timelines interface {
	AddToHome(ctx context.Context, accountIDs []int64, statusID int64) error
	RemoveFromHome(ctx context.Context, accountID, authorID int64) error
	Home(ctx context.Context, accountID int64, p Page) ([]*Status, error)
	Public(ctx context.Context, localOnly, remoteOnly bool, p Page) ([]*Status, error)
}

// OAuth holds client apps and tokens.
type OAuth interface {
	CreateApp(ctx context.Context, a *App) error
	AppByClientID(ctx context.Context, clientID string) (*App, error)
	CreateToken(ctx context.Context, t *Token) error
	TokenByHash(ctx context.Context, hash string) (*Token, error)
	RevokeToken(ctx context.Context, id int64, at time.Time) error
	TouchToken(ctx context.Context, id int64, at time.Time) error
	AppByID(ctx context.Context, id int64) (*App, error)
	// TokenByRefreshHash finds a token by the hash of its refresh token.
	TokenByRefreshHash(ctx context.Context, hash string) (*Token, error)
	// CreateAuthCode stores a code and drops codes that expired before it.
	CreateAuthCode(ctx context.Context, c *AuthCode) error
	// ConsumeAuthCode deletes and returns a code in one statement, so two
	// exchanges of the same code cannot both succeed; ErrNotFound if absent.
	ConsumeAuthCode(ctx context.Context, hash string) (*AuthCode, error)
	CreateWebSession(ctx context.Context, s *WebSession) error
	WebSessionByHash(ctx context.Context, hash string) (*WebSession, error)
	TouchWebSession(ctx context.Context, hash string, at time.Time) error
	DeleteWebSession(ctx context.Context, hash string) error
	// DeleteWebSessionsIdleSince removes sessions last seen before t.
	DeleteWebSessionsIdleSince(ctx context.Context, t time.Time) error
}

// Deliveries is the durable outbound queue.
type Deliveries interface {
	// EnqueueDeliveries inserts jobs; a job with the same (activity, inbox)
	// as an existing one is skipped, so retried writes never send twice.
	EnqueueDeliveries(ctx context.Context, jobs []*DeliveryJob) error
	// ClaimDeliveries marks up to n due jobs as in flight until leaseUntil and returns them.
	ClaimDeliveries(ctx context.Context, now, leaseUntil time.Time, n int) ([]*DeliveryJob, error)
	FinishDelivery(ctx context.Context, j *DeliveryJob) error
	Deliveries(ctx context.Context, state string, limit int) ([]*DeliveryJob, error)
	// DeliveriesOfStatus is the delivery ledger of a status: every job that
	// carried it (Create, Update, Delete), oldest first.
	DeliveriesOfStatus(ctx context.Context, statusID int64) ([]*DeliveryJob, error)
	// InboxesOfSigner lists every inbox that ever got an activity signed by
	// accountID: where copies of that account's content may be.
	InboxesOfSigner(ctx context.Context, accountID int64) ([]string, error)
	CountDeliveries(ctx context.Context, state string) (int, error)
}

// Inbox is the durable incoming queue.
type Inbox interface {
	// EnqueueInbox stores a verified activity; ErrConflict when its id was seen before.
	EnqueueInbox(ctx context.Context, it *InboxItem) error
	ClaimInbox(ctx context.Context, now, leaseUntil time.Time, n int) ([]*InboxItem, error)
	FinishInbox(ctx context.Context, it *InboxItem) error
	CountInbox(ctx context.Context, state string) (int, error)
}

// Keys caches remote actors' public keys.
type Keys interface {
	PutRemoteKey(ctx context.Context, k *RemoteKey) error
	RemoteKey(ctx context.Context, keyID string) (*RemoteKey, error)
	DeleteRemoteKeysOf(ctx context.Context, ownerURI string) error
}

// Domains holds run-time federation policy.
type Domains interface {
	PutDomainPolicy(ctx context.Context, d *DomainPolicy) error
	DeleteDomainPolicy(ctx context.Context, domain string) error
	DomainPolicies(ctx context.Context) ([]*DomainPolicy, error)
}

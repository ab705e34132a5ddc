package storage

import "time"

// Account is a profile: a local clinician (Domain == "") or a remote actor.
type Account struct {
	ID             int64
	Username       string
	Domain         string // "" for local accounts; host[:port] for remote ones
	DisplayName    string
	Note           string // bio, sanitised HTML
	URI            string // ActivityPub actor id
	URL            string // profile page
	InboxURI       string
	OutboxURI      string
	SharedInboxURI string
	FollowersURI   string
	FollowingURI   string
	PublicKeyID    string
	PublicKeyPEM   string
	PrivateKeyPEM  string // local accounts only
	Locked         bool   // follows need approval (manuallyApprovesFollowers)
	Discoverable   bool
	Bot            bool
	AvatarURL      string
	HeaderURL      string
	Fields         []Field
	CreatedAt      time.Time
	UpdatedAt      time.Time
	FetchedAt      time.Time // remote accounts: when the actor document was last fetched
	SuspendedAt    time.Time // zero when not suspended
	DeletedAt      time.Time // zero when not deleted (remote actor sent Delete, or local erasure)
	// Credential is the signed clinician credential (JSON) the account's
	// instance attests; CredentialVerifiedAt is when its signature last
	// verified (zero: unverified, revoked or none).
	Credential           string
	CredentialVerifiedAt time.Time
}

// Local reports whether the account lives on this instance.
func (a *Account) Local() bool { return a.Domain == "" }

// Suspended reports whether the account is suspended.
func (a *Account) Suspended() bool { return !a.SuspendedAt.IsZero() }

// Acct is the Mastodon "acct": username for local accounts, user@domain for remote.
func (a *Account) Acct() string {
	if a.Local() {
		return a.Username
	}
	return a.Username + "@" + a.Domain
}

// Field is a profile metadata row.
type Field struct {
	Name       string    `json:"name"`
	Value      string    `json:"value"`
	VerifiedAt time.Time `json:"verified_at,omitzero"`
}

// Roles of a local user.
const (
	RoleAdmin     = "admin"
	RoleModerator = "moderator"
	RoleMember    = "member"
)

// User is the sign-in identity behind a local account.
type User struct {
	ID           int64
	AccountID    int64
	Email        string
	PasswordHash string
	Role         string
	Disabled     bool
	CreatedAt    time.Time
	LastSignInAt time.Time
}

// Visibility of a status, as the Mastodon API names it.
const (
	VisibilityPublic   = "public"
	VisibilityUnlisted = "unlisted"
	VisibilityPrivate  = "private" // followers only
	VisibilityDirect   = "direct"
)

// Audiences narrow who may see a status beyond its visibility.
const (
	AudienceEveryone = ""
	AudienceLocal    = "local"    // institution-only: never leaves this instance
	AudiencePartners = "partners" // this instance and the configured partner institutions
)

// Status is a post (or, with ReblogOfID set, a boost of one).
type Status struct {
	ID                 int64
	URI                string // ActivityPub id
	URL                string // HTML page
	AccountID          int64
	InReplyToID        int64 // 0 when not a reply or parent unknown
	InReplyToURI       string
	InReplyToAccountID int64
	ReblogOfID         int64
	Content            string // sanitised HTML
	Text               string // source text (local posts)
	SpoilerText        string
	Sensitive          bool
	Visibility         string
	Audience           string // "" everyone; AudienceLocal; AudiencePartners
	Held               bool   // a remote post the PHI guard holds for moderators
	Language           string
	Local              bool
	CreatedAt          time.Time
	EditedAt           time.Time
	DeletedAt          time.Time
	MentionIDs         []int64  // accounts mentioned (loaded with the status)
	Tags               []string // hashtag names, lowercased, without '#'
}

// Follow states.
const (
	FollowPending  = "pending"
	FollowAccepted = "accepted"
)

// Follow is AccountID following TargetAccountID.
type Follow struct {
	ID              int64
	AccountID       int64
	TargetAccountID int64
	URI             string // the Follow activity id
	State           string
	ShowReblogs     bool
	Notify          bool
	CreatedAt       time.Time
}

// Favourite is a like.
type Favourite struct {
	ID        int64
	AccountID int64
	StatusID  int64
	URI       string
	CreatedAt time.Time
}

// Block is AccountID blocking TargetAccountID.
type Block struct {
	ID              int64
	AccountID       int64
	TargetAccountID int64
	URI             string
	CreatedAt       time.Time
}

// Notification types, as the Mastodon API names them.
const (
	NotifyMention       = "mention"
	NotifyStatus        = "status"
	NotifyReblog        = "reblog"
	NotifyFollow        = "follow"
	NotifyFollowRequest = "follow_request"
	NotifyFavourite     = "favourite"
	NotifyUpdate        = "update"
)

// Notification tells AccountID that FromAccountID did something.
type Notification struct {
	ID            int64
	AccountID     int64
	FromAccountID int64
	Type          string
	StatusID      int64
	CreatedAt     time.Time
}

// App is a registered OAuth client.
type App struct {
	ID           int64
	Name         string
	Website      string
	RedirectURIs []string
	ClientID     string
	SecretHash   string
	Scopes       []string
	CreatedAt    time.Time
}

// Token is an OAuth access token; only its hash is stored.
type Token struct {
	ID          int64
	AppID       int64 // 0 for tokens made with the admin CLI
	UserID      int64 // 0 for client_credentials tokens
	TokenHash   string
	RefreshHash string
	Scopes      []string
	CreatedAt   time.Time
	ExpiresAt   time.Time // zero: never
	RevokedAt   time.Time
	LastUsedAt  time.Time
}

// Delivery job states.
const (
	JobPending = "pending"
	JobDone    = "done"
	JobFailed  = "failed"    // gave up after retries; LastError says why
	JobDropped = "cancelled" // the post was deleted before delivery
)

// DeliveryJob is one signed POST of an activity to one inbox.
type DeliveryJob struct {
	ID            int64
	ActivityID    string
	Inbox         string
	Body          []byte
	SignerID      int64 // local account whose key signs
	StatusID      int64 // the status this delivers, 0 for others
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	LastStatus    int // HTTP status of the last attempt
	State         string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// InboxItem is a verified incoming activity waiting to be applied.
type InboxItem struct {
	ID            int64
	ActivityID    string
	ActorURI      string
	Body          []byte
	ReceivedAt    time.Time
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	State         string
}

// RemoteKey is a cached public key of a remote actor.
type RemoteKey struct {
	KeyID        string
	OwnerURI     string
	PublicKeyPEM string
	FetchedAt    time.Time
}

// Domain policies managed at run time (the config lists are merged in).
const (
	DomainAllow = "allow"
	DomainBlock = "block"
)

// DomainPolicy is an admin's decision about one remote domain.
type DomainPolicy struct {
	Domain    string
	Policy    string
	Note      string
	CreatedAt time.Time
}

// Page bounds a list read the way Mastodon pagination does.
type Page struct {
	MaxID   int64 // items with id < MaxID
	SinceID int64 // items with id > SinceID, newest first
	MinID   int64 // items with id > MinID, oldest first (then returned newest first)
	Limit   int
}

// InstanceActorUsername names the local account that signs fetches made on
// nobody's behalf. The dot keeps it out of the username space people can
// register, and it is left out of member lists and counts.
const InstanceActorUsername = "instance.actor"

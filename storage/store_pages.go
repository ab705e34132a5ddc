package storage

import (
	"context"
	"time"
)

// Invite is a registration link an admin hands out when registrations are
// by invitation; only the hash of its token is stored.
type Invite struct {
	ID        int64
	TokenHash string
	Role      string // the role the new account gets
	MaxUses   int
	Uses      int
	CreatedBy int64 // the admin's account, 0 for the CLI
	CreatedAt time.Time
	ExpiresAt time.Time // zero: never
	RevokedAt time.Time
}

// Usable reports whether the invite can still create an account at now.
func (i *Invite) Usable(now time.Time) bool {
	return i.RevokedAt.IsZero() && i.Uses < i.MaxUses && (i.ExpiresAt.IsZero() || now.Before(i.ExpiresAt))
}

// Invites holds what the web pages need beyond the core: invite links, the
// signed-in user's authorised apps, and ending a user's other sessions.
type Invites interface {
	CreateInvite(ctx context.Context, inv *Invite) error
	InviteByHash(ctx context.Context, hash string) (*Invite, error)
	// Invites lists all invites, newest first (for the admin console).
	Invites(ctx context.Context) ([]*Invite, error)
	// UseInvite counts one use of invite id if it is usable at now, in one
	// statement, so two registrations racing for the last use cannot both
	// win; ErrNotFound when it is used up, expired, revoked or absent.
	UseInvite(ctx context.Context, id int64, now time.Time) error
	// ReturnInvite gives back a use UseInvite took, when the account it
	// was for could not be created.
	ReturnInvite(ctx context.Context, id int64) error
	RevokeInvite(ctx context.Context, id int64, at time.Time) error

	// TokensOfUser lists userID's tokens that are neither revoked nor
	// expired at now, newest first.
	TokensOfUser(ctx context.Context, userID int64, now time.Time) ([]*Token, error)
	// RevokeAppTokens revokes every live token of userID issued to appID
	// and returns the ids revoked.
	RevokeAppTokens(ctx context.Context, userID, appID int64, at time.Time) ([]int64, error)
	// DeleteUserWebSessions ends userID's browser sessions except the one
	// whose hash is keepHash ("" ends them all).
	DeleteUserWebSessions(ctx context.Context, userID int64, keepHash string) error
}

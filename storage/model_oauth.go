package storage

import "time"

// AuthCode is an OAuth authorization code waiting to be exchanged for a
// token; only its hash is stored.
type AuthCode struct {
	CodeHash        string
	AppID           int64
	UserID          int64
	RedirectURI     string
	Scopes          []string
	Challenge       string // PKCE code_challenge; "" when the client sent none
	ChallengeMethod string // "S256" when Challenge is set
	CreatedAt       time.Time
	ExpiresAt       time.Time
}

// WebSession is a signed-in browser session of the sign-in and authorize
// pages; only the hash of the cookie value is stored.
type WebSession struct {
	IDHash     string
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
}

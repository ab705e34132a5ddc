// Package oauth is Rounds' OAuth 2 authorization server and the bearer-token
// check every API request goes through.
package oauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// Scopes Rounds knows, top-level and granular (Mastodon's list).
var knownScopes = []string{"read", "write", "follow", "push", "profile",
	"read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters", "read:follows",
	"read:lists", "read:mutes", "read:notifications", "read:search", "read:statuses",
	"write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites",
	"write:filters", "write:follows", "write:lists", "write:media", "write:mutes", "write:notifications",
	"write:reports", "write:statuses", "admin:read", "admin:write"}

// ParseScopes splits and validates a space- (or plus-) separated scope list.
func ParseScopes(s string) ([]string, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '+' || r == ',' })
	if len(fields) == 0 {
		return []string{"read"}, nil
	}
	out := []string{}
	for _, f := range fields {
		if !slices.Contains(knownScopes, f) {
			return nil, fmt.Errorf("unknown scope %q (known: read, write, follow, push and their granular forms such as read:statuses)", f)
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// Allows reports whether granted scopes cover need ("read:statuses" is
// covered by "read"; "follow" covers the follow-related granular scopes).
func Allows(granted []string, need string) bool {
	if slices.Contains(granted, need) {
		return true
	}
	top, _, granular := strings.Cut(need, ":")
	if granular && slices.Contains(granted, top) {
		return true
	}
	// The legacy "follow" scope grants what Mastodon splits into these.
	legacyFollow := []string{"read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes"}
	return slices.Contains(granted, "follow") && slices.Contains(legacyFollow, need)
}

// HashToken is how tokens are stored: a leaked database does not leak
// usable tokens. Tokens carry 256 bits of entropy, so a fast hash suffices.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewSecret returns a random URL-safe secret with 256 bits of entropy.
func NewSecret() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Issue creates an access token for a user and returns its plain value,
// which is shown once and never stored.
func Issue(ctx context.Context, tokens storage.OAuth, userID, appID int64, scopes []string) (string, *storage.Token, error) {
	plain := NewSecret()
	t := &storage.Token{UserID: userID, AppID: appID, TokenHash: HashToken(plain), Scopes: scopes}
	if err := tokens.CreateToken(ctx, t); err != nil {
		return "", nil, fmt.Errorf("issue token: %w", err)
	}
	return plain, t, nil
}

// ErrInvalidToken means the bearer token is unknown, revoked or expired.
var ErrInvalidToken = errors.New("The access token is invalid")

// Lookup resolves a presented bearer token.
func Lookup(ctx context.Context, tokens storage.OAuth, plain string, now time.Time) (*storage.Token, error) {
	if plain == "" || len(plain) > 512 {
		return nil, ErrInvalidToken
	}
	t, err := tokens.TokenByHash(ctx, HashToken(plain))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("look up token: %w", err)
	}
	if !t.RevokedAt.IsZero() || (!t.ExpiresAt.IsZero() && now.After(t.ExpiresAt)) {
		return nil, ErrInvalidToken
	}
	return t, nil
}

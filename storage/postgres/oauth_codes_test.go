package postgres

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

func TestAuthCodesAreSingleUse(t *testing.T) {
	ctx := context.Background()
	db := open(t, freshSchema(t))
	now := time.Now().UTC().Truncate(time.Millisecond)
	c := &storage.AuthCode{CodeHash: "h1", AppID: 7, UserID: 9, RedirectURI: "app://cb", Scopes: []string{"read", "write"},
		Challenge: "abc", ChallengeMethod: "S256", CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute)}
	if err := db.CreateAuthCode(ctx, c); err != nil {
		t.Fatal(err)
	}
	// Many concurrent exchanges: exactly one gets the code.
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := db.ConsumeAuthCode(ctx, "h1")
			if err == nil {
				mu.Lock()
				won++
				mu.Unlock()
				if got.UserID != 9 || got.RedirectURI != "app://cb" || len(got.Scopes) != 2 || !got.ExpiresAt.Equal(c.ExpiresAt) {
					t.Errorf("consumed %+v", got)
				}
			} else if !errors.Is(err, storage.ErrNotFound) {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Errorf("%d exchanges got the code, want 1", won)
	}
	// Creating a code prunes expired ones.
	old := &storage.AuthCode{CodeHash: "old", CreatedAt: now.Add(-time.Hour), ExpiresAt: now.Add(-time.Minute)}
	if err := db.CreateAuthCode(ctx, old); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAuthCode(ctx, &storage.AuthCode{CodeHash: "new", CreatedAt: now, ExpiresAt: now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ConsumeAuthCode(ctx, "old"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("expired code: %v, want pruned", err)
	}
}

func TestRefreshHashAndSessions(t *testing.T) {
	ctx := context.Background()
	db := open(t, freshSchema(t))
	if err := db.CreateToken(ctx, &storage.Token{TokenHash: "a1", Scopes: []string{"read"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateToken(ctx, &storage.Token{TokenHash: "a2", RefreshHash: "r2", Scopes: []string{"read"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.TokenByRefreshHash(ctx, ""); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("empty refresh hash matched a token without one: %v", err)
	}
	if tok, err := db.TokenByRefreshHash(ctx, "r2"); err != nil || tok.TokenHash != "a2" {
		t.Errorf("by refresh hash: %+v, %v", tok, err)
	}
	if _, err := db.AppByID(ctx, 12345); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("unknown app: %v", err)
	}

	acct := &storage.Account{Username: "bob", URI: "http://x/users/bob"}
	if err := db.CreateAccount(ctx, acct); err != nil {
		t.Fatal(err)
	}
	u := &storage.User{AccountID: acct.ID, Email: "bob@x.example", Role: storage.RoleMember}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	for _, h := range []string{"s1", "s2"} {
		if err := db.CreateWebSession(ctx, &storage.WebSession{IDHash: h, UserID: u.ID, CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.TouchWebSession(ctx, "s1", now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteWebSessionsIdleSince(ctx, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.WebSessionByHash(ctx, "s1"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("idle session: %v, want pruned", err)
	}
	if s, err := db.WebSessionByHash(ctx, "s2"); err != nil || s.UserID != u.ID || !s.LastSeenAt.Equal(now) {
		t.Errorf("live session: %+v, %v", s, err)
	}
	if err := db.DeleteWebSession(ctx, "s2"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.WebSessionByHash(ctx, "s2"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("deleted session: %v", err)
	}
}

package oauth

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/testdb"
)

func TestParseScopes(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"", []string{"read"}},
		{"   ", []string{"read"}},
		{"read write follow", []string{"read", "write", "follow"}},
		{"read+write", []string{"read", "write"}},
		{"read,write:statuses", []string{"read", "write:statuses"}},
		{"read read  write", []string{"read", "write"}},
		{"admin:read push profile", []string{"admin:read", "push", "profile"}},
	}
	for _, c := range cases {
		got, err := ParseScopes(c.in)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("ParseScopes(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"launch", "read:everything", "READ", "read writ", "write:"} {
		if got, err := ParseScopes(bad); err == nil {
			t.Errorf("ParseScopes(%q) = %q, want an error", bad, got)
		} else if !strings.Contains(err.Error(), "unknown scope") {
			t.Errorf("ParseScopes(%q): %v", bad, err)
		}
	}
}

func TestAllows(t *testing.T) {
	cases := []struct {
		granted []string
		need    string
		want    bool
	}{
		{[]string{"read"}, "read:accounts", true},
		{[]string{"read"}, "read", true},
		{[]string{"read"}, "write:statuses", false},
		{[]string{"read"}, "write", false},
		{[]string{"write"}, "write:statuses", true},
		{[]string{"write"}, "read:statuses", false},
		{[]string{"read:statuses"}, "read:statuses", true},
		{[]string{"read:statuses"}, "read:accounts", false},
		{[]string{"read:statuses"}, "read", false},
		{[]string{"follow"}, "write:follows", true},
		{[]string{"follow"}, "read:blocks", true},
		{[]string{"follow"}, "write:statuses", false},
		{[]string{"admin:read"}, "read:accounts", false},
		{nil, "read", false},
	}
	for _, c := range cases {
		if got := Allows(c.granted, c.need); got != c.want {
			t.Errorf("Allows(%q, %q) = %v, want %v", c.granted, c.need, got, c.want)
		}
	}
}

func TestNewSecret(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		s := NewSecret()
		if len(s) != 43 || strings.ContainsAny(s, "+/=") || seen[s] {
			t.Fatalf("NewSecret() = %q: want 43 URL-safe characters, never repeated", s)
		}
		seen[s] = true
	}
}

func TestHashToken(t *testing.T) {
	if HashToken("a") == HashToken("b") || HashToken("a") != HashToken("a") || HashToken("a") == "a" {
		t.Error("HashToken is not a stable one-way function of the token")
	}
}

func openStore(t *testing.T) storage.Store {
	t.Helper()
	db := testdb.Open(t) // SQLite, or PostgreSQL with ROUNDS_TEST_BACKEND=postgres
	return db
}

func TestIssueAndLookup(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	now := time.Now()

	plain, tok, err := Issue(ctx, st, 42, 0, []string{"read", "write"})
	if err != nil {
		t.Fatal(err)
	}
	if tok.TokenHash == plain || tok.TokenHash != HashToken(plain) {
		t.Error("the stored token is not the hash of the plain one")
	}
	got, err := Lookup(ctx, st, plain, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != tok.ID || got.UserID != 42 || !slices.Equal(got.Scopes, []string{"read", "write"}) {
		t.Errorf("Lookup = %+v", got)
	}

	for name, p := range map[string]string{"empty": "", "unknown": NewSecret(), "too long": strings.Repeat("a", 513),
		"the hash itself": tok.TokenHash} {
		if _, err := Lookup(ctx, st, p, now); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("%s token: %v, want ErrInvalidToken", name, err)
		}
	}

	if err := st.RevokeToken(ctx, tok.ID, now); err != nil {
		t.Fatal(err)
	}
	if _, err := Lookup(ctx, st, plain, now); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("revoked token: %v, want ErrInvalidToken", err)
	}
}

func TestLookupExpiry(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	plain := NewSecret()
	expires := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	if err := st.CreateToken(ctx, &storage.Token{UserID: 1, TokenHash: HashToken(plain), Scopes: []string{"read"}, ExpiresAt: expires}); err != nil {
		t.Fatal(err)
	}
	if _, err := Lookup(ctx, st, plain, expires.Add(-time.Minute)); err != nil {
		t.Errorf("before expiry: %v", err)
	}
	if _, err := Lookup(ctx, st, plain, expires.Add(time.Minute)); !errors.Is(err, ErrInvalidToken) {
		t.Errorf("after expiry: %v, want ErrInvalidToken", err)
	}
}

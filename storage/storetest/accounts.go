package storetest

import (
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
)

var accountTests = []test{
	{"CreateAndGet", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		a := localAccount(t, s, "alice")
		a.Note, a.Locked, a.Bot = "<p>Cardiology</p>", true, true
		a.Fields = []storage.Field{{Name: "Ward", Value: "4B", VerifiedAt: base}}
		must(t, s.UpdateAccount(ctx, a))
		if a.ID == 0 || a.CreatedAt.IsZero() || a.UpdatedAt.IsZero() {
			t.Fatalf("CreateAccount left ID or timestamps unset: %+v", a)
		}
		got, err := s.Account(ctx, a.ID)
		must(t, err)
		checkEqual(t, "Account", got, a)
		got, err = s.AccountByURI(ctx, a.URI)
		must(t, err)
		checkEqual(t, "AccountByURI", got, a)
		// Usernames and domains come from URLs, WebFinger and people typing:
		// their case must not matter.
		got, err = s.AccountByUsername(ctx, "ALICE", "")
		must(t, err)
		checkEqual(t, "AccountByUsername", got, a)

		r := remoteAccount(t, s, "bob", "other.example", "https://other.example/inbox")
		got, err = s.AccountByUsername(ctx, "Bob", "Other.EXAMPLE")
		must(t, err)
		checkEqual(t, "remote AccountByUsername", got, r)
		if got.Local() || got.Acct() != "bob@other.example" {
			t.Errorf("remote account: Local %v, Acct %q", got.Local(), got.Acct())
		}

		_, err = s.Account(ctx, storage.NewID())
		wantErr(t, "Account(unknown)", err, storage.ErrNotFound)
		_, err = s.AccountByURI(ctx, "https://nowhere.example/users/x")
		wantErr(t, "AccountByURI(unknown)", err, storage.ErrNotFound)
		_, err = s.AccountByUsername(ctx, "alice", "other.example")
		wantErr(t, "AccountByUsername(local name, remote domain)", err, storage.ErrNotFound)
		_, err = s.AccountByUsername(ctx, "bob", "")
		wantErr(t, "AccountByUsername(remote name, local)", err, storage.ErrNotFound)
	}},
	{"Conflicts", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		localAccount(t, s, "alice")
		dup := &storage.Account{Username: "Alice", URI: "https://rounds.example/users/alice2"}
		wantErr(t, "same username, other case", s.CreateAccount(ctx, dup), storage.ErrConflict)
		remoteAccount(t, s, "alice", "other.example", "")
		dup = &storage.Account{Username: "ALICE", Domain: "OTHER.example", URI: "https://other.example/u/alice"}
		wantErr(t, "same remote username and domain, other case", s.CreateAccount(ctx, dup), storage.ErrConflict)
		dup = &storage.Account{Username: "carol", URI: "https://rounds.example/users/alice"}
		wantErr(t, "same URI", s.CreateAccount(ctx, dup), storage.ErrConflict)
	}},
	{"Update", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		a := localAccount(t, s, "alice")
		a.DisplayName, a.Note, a.SuspendedAt = "Dr Alice", "<p>new</p>", base
		a.Fields = []storage.Field{{Name: "Pager", Value: "1234"}}
		must(t, s.UpdateAccount(ctx, a))
		got, err := s.Account(ctx, a.ID)
		must(t, err)
		checkEqual(t, "updated account", got, a)
		if !got.Suspended() {
			t.Error("SuspendedAt was not stored")
		}
		missing := *a
		missing.ID = storage.NewID()
		missing.URI += "/missing"
		wantErr(t, "UpdateAccount(unknown)", s.UpdateAccount(ctx, &missing), storage.ErrNotFound)
	}},
	{"AccountsByID", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		a := localAccount(t, s, "alice")
		b := remoteAccount(t, s, "bob", "other.example", "")
		m, err := s.AccountsByID(ctx, []int64{a.ID, b.ID, storage.NewID()})
		must(t, err)
		if len(m) != 2 || m[a.ID] == nil || m[b.ID] == nil {
			t.Fatalf("AccountsByID = %v, want alice and bob only", m)
		}
		checkEqual(t, "AccountsByID[bob]", m[b.ID], b)
		m, err = s.AccountsByID(ctx, nil)
		must(t, err)
		if m == nil || len(m) != 0 {
			t.Errorf("AccountsByID(nil) = %#v, want an empty map", m)
		}
	}},
	{"LocalAccounts", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		list, err := s.LocalAccounts(ctx)
		must(t, err)
		checkIDs(t, "LocalAccounts of an empty store", list, accountID)
		localAccount(t, s, storage.InstanceActorUsername)
		a := localAccount(t, s, "alice")
		remoteAccount(t, s, "carol", "other.example", "")
		b := localAccount(t, s, "bob")
		list, err = s.LocalAccounts(ctx)
		must(t, err)
		checkIDs(t, "LocalAccounts (oldest first, no instance actor, no remotes)", list, accountID, a.ID, b.ID)
	}},
	{"CountLocalAccounts", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		localAccount(t, s, storage.InstanceActorUsername)
		localAccount(t, s, "alice")
		localAccount(t, s, "bob")
		remoteAccount(t, s, "carol", "other.example", "")
		for name, mark := range map[string]func(*storage.Account){
			"dave": func(a *storage.Account) { a.SuspendedAt = base },
			"erin": func(a *storage.Account) { a.DeletedAt = base },
		} {
			a := localAccount(t, s, name)
			mark(a)
			must(t, s.UpdateAccount(ctx, a))
		}
		n, err := s.CountLocalAccounts(ctx)
		must(t, err)
		if n != 2 {
			t.Errorf("CountLocalAccounts = %d, want 2 (alice, bob)", n)
		}
	}},
	{"SearchAccounts", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		alice := localAccount(t, s, "alice")
		alina := remoteAccount(t, s, "alina", "other.example", "")
		nobel := localAccount(t, s, "nobel")
		nobel.DisplayName = "Alfred Nobel"
		must(t, s.UpdateAccount(ctx, nobel))
		gone := localAccount(t, s, "alistair")
		gone.DeletedAt = base
		must(t, s.UpdateAccount(ctx, gone))
		banned := remoteAccount(t, s, "alix", "other.example", "")
		banned.SuspendedAt = base
		must(t, s.UpdateAccount(ctx, banned))

		for _, tc := range []struct {
			query string
			limit int
			want  []int64
		}{
			{"ali", 10, []int64{alice.ID, alina.ID}}, // local first
			{"ALI", 1, []int64{alice.ID}},
			{"@alina@other", 10, []int64{alina.ID}},
			{"ali@other.example", 10, []int64{alina.ID}},
			{"ali@third.example", 10, nil},
			{"alf", 10, []int64{nobel.ID}}, // display name
			{"a_i", 10, nil},               // LIKE wildcards are literal
			{"%", 10, nil},
			{"zed", 10, nil},
		} {
			list, err := s.SearchAccounts(ctx, tc.query, tc.limit)
			must(t, err)
			checkIDs(t, "SearchAccounts("+tc.query+")", list, accountID, tc.want...)
		}
	}},
}

var userTests = []test{
	{"CRUD", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		a := localAccount(t, s, "alice")
		u := &storage.User{AccountID: a.ID, Email: "alice@hospital.example", PasswordHash: "$argon2id$x", Role: storage.RoleAdmin}
		must(t, s.CreateUser(ctx, u))
		if u.ID == 0 || u.CreatedAt.IsZero() {
			t.Fatalf("CreateUser left ID or CreatedAt unset: %+v", u)
		}
		for what, get := range map[string]func() (*storage.User, error){
			"User":          func() (*storage.User, error) { return s.User(ctx, u.ID) },
			"UserByAccount": func() (*storage.User, error) { return s.UserByAccount(ctx, a.ID) },
			"UserByEmail":   func() (*storage.User, error) { return s.UserByEmail(ctx, "Alice@Hospital.EXAMPLE") },
		} {
			got, err := get()
			must(t, err)
			checkEqual(t, what, got, u)
		}

		b := localAccount(t, s, "bob")
		dup := &storage.User{AccountID: b.ID, Email: "ALICE@hospital.example", Role: storage.RoleMember}
		wantErr(t, "CreateUser(same email, other case)", s.CreateUser(ctx, dup), storage.ErrConflict)

		u.Role, u.Disabled, u.LastSignInAt, u.PasswordHash = storage.RoleModerator, true, base, "$argon2id$y"
		must(t, s.UpdateUser(ctx, u))
		got, err := s.User(ctx, u.ID)
		must(t, err)
		checkEqual(t, "updated user", got, u)
		wantErr(t, "UpdateUser(unknown)", s.UpdateUser(ctx, &storage.User{ID: storage.NewID(), Email: "x@y", Role: storage.RoleMember}), storage.ErrNotFound)

		_, err = s.User(ctx, storage.NewID())
		wantErr(t, "User(unknown)", err, storage.ErrNotFound)
		_, err = s.UserByAccount(ctx, b.ID)
		wantErr(t, "UserByAccount(no user)", err, storage.ErrNotFound)
		_, err = s.UserByEmail(ctx, "nobody@hospital.example")
		wantErr(t, "UserByEmail(unknown)", err, storage.ErrNotFound)
	}},
	{"CountUsersByRole", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		for i, u := range []storage.User{
			{Role: storage.RoleAdmin}, {Role: storage.RoleAdmin, Disabled: true},
			{Role: storage.RoleMember}, {Role: storage.RoleMember}, {Role: storage.RoleModerator},
		} {
			name := string(rune('a' + i))
			u.AccountID = localAccount(t, s, "user"+name).ID
			u.Email = name + "@hospital.example"
			must(t, s.CreateUser(ctx, &u))
		}
		// A disabled admin cannot act, so it does not count towards "is there an admin".
		for role, want := range map[string]int{storage.RoleAdmin: 1, storage.RoleMember: 2, storage.RoleModerator: 1} {
			n, err := s.CountUsersByRole(ctx, role)
			must(t, err)
			if n != want {
				t.Errorf("CountUsersByRole(%s) = %d, want %d", role, n, want)
			}
		}
	}},
}

var oauthTests = []test{
	{"AppsAndTokens", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		app := &storage.App{Name: "Ivory", Website: "https://ivory.example", ClientID: "cid",
			RedirectURIs: []string{"urn:ietf:wg:oauth:2.0:oob", "ivory://callback"},
			SecretHash:   "sha256:secret", Scopes: []string{"read", "write", "follow"}}
		must(t, s.CreateApp(ctx, app))
		got, err := s.AppByClientID(ctx, "cid")
		must(t, err)
		checkEqual(t, "AppByClientID", got, app)
		_, err = s.AppByClientID(ctx, "other")
		wantErr(t, "AppByClientID(unknown)", err, storage.ErrNotFound)

		tok := &storage.Token{AppID: app.ID, UserID: storage.NewID(), TokenHash: "sha256:tok", RefreshHash: "sha256:ref",
			Scopes: []string{"read"}, ExpiresAt: base.Add(24 * time.Hour)}
		must(t, s.CreateToken(ctx, tok))
		gotTok, err := s.TokenByHash(ctx, "sha256:tok")
		must(t, err)
		checkEqual(t, "TokenByHash", gotTok, tok)

		must(t, s.TouchToken(ctx, tok.ID, base.Add(time.Minute)))
		must(t, s.RevokeToken(ctx, tok.ID, base.Add(time.Hour)))
		tok.LastUsedAt, tok.RevokedAt = base.Add(time.Minute), base.Add(time.Hour)
		gotTok, err = s.TokenByHash(ctx, "sha256:tok")
		must(t, err)
		checkEqual(t, "revoked and touched token", gotTok, tok)
		_, err = s.TokenByHash(ctx, "sha256:other")
		wantErr(t, "TokenByHash(unknown)", err, storage.ErrNotFound)
		dup := &storage.Token{TokenHash: "sha256:tok", Scopes: []string{"read"}}
		wantErr(t, "CreateToken(same hash)", s.CreateToken(ctx, dup), storage.ErrConflict)
	}},
}

var keyTests = []test{
	{"PutGetRefreshDelete", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		owner := "https://other.example/users/bob"
		k1 := &storage.RemoteKey{KeyID: owner + "#main-key", OwnerURI: owner, PublicKeyPEM: "PEM1", FetchedAt: base}
		k2 := &storage.RemoteKey{KeyID: owner + "#second", OwnerURI: owner, PublicKeyPEM: "PEM2", FetchedAt: base}
		other := &storage.RemoteKey{KeyID: "https://other.example/users/carol#main-key",
			OwnerURI: "https://other.example/users/carol", PublicKeyPEM: "PEM3", FetchedAt: base}
		for _, k := range []*storage.RemoteKey{k1, k2, other} {
			must(t, s.PutRemoteKey(ctx, k))
		}
		got, err := s.RemoteKey(ctx, k1.KeyID)
		must(t, err)
		checkEqual(t, "RemoteKey", got, k1)

		// A refetch after a failed verification replaces the cached key.
		k1.PublicKeyPEM, k1.FetchedAt = "PEM1-rotated", base.Add(time.Hour)
		must(t, s.PutRemoteKey(ctx, k1))
		got, err = s.RemoteKey(ctx, k1.KeyID)
		must(t, err)
		checkEqual(t, "refreshed RemoteKey", got, k1)

		must(t, s.DeleteRemoteKeysOf(ctx, owner))
		for _, id := range []string{k1.KeyID, k2.KeyID} {
			_, err = s.RemoteKey(ctx, id)
			wantErr(t, "RemoteKey after DeleteRemoteKeysOf", err, storage.ErrNotFound)
		}
		_, err = s.RemoteKey(ctx, other.KeyID)
		must(t, err)
	}},
}

var domainTests = []test{
	{"PutUpdateListDelete", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		list, err := s.DomainPolicies(ctx)
		must(t, err)
		if list == nil || len(list) != 0 {
			t.Fatalf("DomainPolicies of an empty store = %#v, want an empty slice", list)
		}
		must(t, s.PutDomainPolicy(ctx, &storage.DomainPolicy{Domain: "spam.example", Policy: storage.DomainBlock, Note: "spam"}))
		must(t, s.PutDomainPolicy(ctx, &storage.DomainPolicy{Domain: "partner.example", Policy: storage.DomainAllow}))
		must(t, s.PutDomainPolicy(ctx, &storage.DomainPolicy{Domain: "spam.example", Policy: storage.DomainAllow, Note: "cleaned up"}))
		list, err = s.DomainPolicies(ctx)
		must(t, err)
		got := map[string]string{}
		for _, d := range list {
			got[d.Domain] = d.Policy + " " + d.Note
			if d.CreatedAt.IsZero() {
				t.Errorf("%s: CreatedAt unset", d.Domain)
			}
		}
		want := map[string]string{"spam.example": "allow cleaned up", "partner.example": "allow "}
		if len(list) != 2 || got["spam.example"] != want["spam.example"] || got["partner.example"] != want["partner.example"] {
			t.Errorf("DomainPolicies = %v, want %v", got, want)
		}

		must(t, s.DeleteDomainPolicy(ctx, "spam.example"))
		wantErr(t, "DeleteDomainPolicy(unknown)", s.DeleteDomainPolicy(ctx, "spam.example"), storage.ErrNotFound)
		list, err = s.DomainPolicies(ctx)
		must(t, err)
		if len(list) != 1 || !strings.EqualFold(list[0].Domain, "partner.example") {
			t.Errorf("after delete: %v, want partner.example only", list)
		}
	}},
}

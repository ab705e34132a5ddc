package federation_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/testdb"
)

// accountsService is a Service over a fresh SQLite file for hospital-a.example.
func accountsService(t *testing.T) (*federation.Service, storage.Store) {
	t.Helper()
	db := testdb.Open(t) // SQLite, or PostgreSQL with ROUNDS_TEST_BACKEND=postgres
	return federation.New(db, federation.Options{Base: uris.New("https", "hospital-a.example")}), db
}

func TestCreateLocalAccount(t *testing.T) {
	ctx := context.Background()
	svc, st := accountsService(t)
	acct, user, err := svc.CreateLocalAccount(ctx, federation.NewAccount{Username: " Alice ", Email: "alice@hospital-a.example",
		Password: "correct horse battery", Role: storage.RoleModerator, DisplayName: "Dr Alice Ng"})
	if err != nil {
		t.Fatal(err)
	}
	if acct.Username != "alice" || acct.DisplayName != "Dr Alice Ng" || !acct.Local() || acct.Suspended() {
		t.Errorf("account %+v", acct)
	}
	for got, want := range map[string]string{
		acct.URI: "https://hospital-a.example/users/alice", acct.URL: "https://hospital-a.example/@alice",
		acct.InboxURI: "https://hospital-a.example/users/alice/inbox", acct.SharedInboxURI: "https://hospital-a.example/inbox",
		acct.PublicKeyID: "https://hospital-a.example/users/alice#main-key", acct.FollowersURI: "https://hospital-a.example/users/alice/followers",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	if user.AccountID != acct.ID || user.Role != storage.RoleModerator || user.Disabled {
		t.Errorf("user %+v", user)
	}

	stored, err := st.AccountByUsername(ctx, "alice", "")
	if err != nil || stored.ID != acct.ID || stored.PrivateKeyPEM != acct.PrivateKeyPEM {
		t.Fatalf("stored account: %+v, %v", stored, err)
	}
	storedUser, err := st.UserByEmail(ctx, "ALICE@hospital-a.example")
	if err != nil || storedUser.AccountID != acct.ID {
		t.Fatalf("stored user: %+v, %v", storedUser, err)
	}
	if n, _ := st.CountLocalAccounts(ctx); n != 1 {
		t.Errorf("CountLocalAccounts = %d, want 1", n)
	}
}

func TestAccountKeysAreRSA2048(t *testing.T) {
	svc, _ := accountsService(t)
	acct, _, err := svc.CreateLocalAccount(context.Background(), federation.NewAccount{Username: "alice", Email: "alice@hospital-a.example"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(acct.PublicKeyPEM, "-----BEGIN PUBLIC KEY-----") || !strings.HasPrefix(acct.PrivateKeyPEM, "-----BEGIN PRIVATE KEY-----") {
		t.Errorf("keys are not PEM:\n%s", acct.PublicKeyPEM)
	}
	pub, err := signature.ParsePublicKeyPEM(acct.PublicKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := signature.ParsePrivateKeyPEM(acct.PrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if pub.N.BitLen() != 2048 || !priv.PublicKey.Equal(pub) {
		t.Errorf("public key %d bits, matches private: %v", pub.N.BitLen(), priv.PublicKey.Equal(pub))
	}
	// The pair signs and verifies, as HTTP signatures will.
	digest := sha256.Sum256([]byte("(request-target): post /inbox"))
	sig, err := rsa.SignPKCS1v15(rand.Reader, priv, 5, digest[:]) // crypto.SHA256
	if err != nil {
		t.Fatal(err)
	}
	if err := rsa.VerifyPKCS1v15(pub, 5, digest[:], sig); err != nil {
		t.Errorf("signature does not verify: %v", err)
	}

	other, _, err := svc.CreateLocalAccount(context.Background(), federation.NewAccount{Username: "bob", Email: "bob@hospital-a.example"})
	if err != nil {
		t.Fatal(err)
	}
	if other.PublicKeyPEM == acct.PublicKeyPEM {
		t.Error("two accounts share a key")
	}
}

func TestPasswords(t *testing.T) {
	ctx := context.Background()
	svc, _ := accountsService(t)
	const pw = "correct horse battery"
	_, user, err := svc.CreateLocalAccount(ctx, federation.NewAccount{Username: "alice", Email: "alice@hospital-a.example", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	if user.PasswordHash == "" || strings.Contains(user.PasswordHash, pw) {
		t.Errorf("password hash %q", user.PasswordHash)
	}
	if !federation.CheckPassword(user, pw) {
		t.Error("CheckPassword refuses the right password")
	}
	for _, wrong := range []string{"", "correct horse batter", "Correct horse battery", user.PasswordHash} {
		if federation.CheckPassword(user, wrong) {
			t.Errorf("CheckPassword accepts %q", wrong)
		}
	}

	// Without a password nobody can sign in, not even with an empty one.
	_, nopw, err := svc.CreateLocalAccount(ctx, federation.NewAccount{Username: "bob", Email: "bob@hospital-a.example"})
	if err != nil {
		t.Fatal(err)
	}
	if nopw.PasswordHash != "" || federation.CheckPassword(nopw, "") {
		t.Errorf("account without a password: hash %q", nopw.PasswordHash)
	}
}

func TestCreateLocalAccountValidation(t *testing.T) {
	ctx := context.Background()
	svc, st := accountsService(t)
	if _, _, err := svc.CreateLocalAccount(ctx, federation.NewAccount{Username: "alice", Email: "alice@hospital-a.example"}); err != nil {
		t.Fatal(err)
	}
	ok := federation.NewAccount{Username: "carol", Email: "carol@hospital-a.example", Password: "long enough pw"}
	cases := []struct {
		name string
		edit func(*federation.NewAccount)
		msg  string
	}{
		{"empty username", func(n *federation.NewAccount) { n.Username = "" }, "username"},
		{"username with a dot", func(n *federation.NewAccount) { n.Username = "carol.smith" }, "username"},
		{"username with a dash", func(n *federation.NewAccount) { n.Username = "carol-smith" }, "username"},
		{"username with @", func(n *federation.NewAccount) { n.Username = "carol@x" }, "username"},
		{"username 31 long", func(n *federation.NewAccount) { n.Username = strings.Repeat("c", 31) }, "username"},
		{"instance actor", func(n *federation.NewAccount) { n.Username = storage.InstanceActorUsername }, "username"},
		{"taken username", func(n *federation.NewAccount) { n.Username = "ALICE" }, "already taken"},
		{"empty email", func(n *federation.NewAccount) { n.Email = "" }, "email"},
		{"email without @", func(n *federation.NewAccount) { n.Email = "carol" }, "email"},
		{"email without a dot", func(n *federation.NewAccount) { n.Email = "carol@localhost" }, "email"},
		{"email with a name", func(n *federation.NewAccount) { n.Email = "Carol <carol@hospital-a.example>" }, "email"},
		{"taken email", func(n *federation.NewAccount) { n.Email = "Alice@Hospital-A.example" }, "already registered"},
		{"short password", func(n *federation.NewAccount) { n.Password = "123456789" }, "password is too short"},
		{"password over bcrypt's 72 bytes", func(n *federation.NewAccount) { n.Password = strings.Repeat("p", 73) }, "password is too long"},
		{"bad role", func(n *federation.NewAccount) { n.Role = "superuser" }, "role"},
		{"role in capitals", func(n *federation.NewAccount) { n.Role = "Admin" }, "role"},
	}
	for _, c := range cases {
		n := ok
		c.edit(&n)
		_, _, err := svc.CreateLocalAccount(ctx, n)
		if !federation.IsInputError(err) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want an input error about %q", c.name, err, c.msg)
		}
	}
	if n, _ := st.CountLocalAccounts(ctx); n != 1 {
		t.Errorf("refused creates left %d accounts, want 1", n)
	}

	// The valid input works, with the default role, a 30-character name and
	// a password of bcrypt's full 72 bytes.
	n := ok
	n.Username, n.Password = strings.Repeat("c", 30), strings.Repeat("p", 72)
	if _, user, err := svc.CreateLocalAccount(ctx, n); err != nil || user.Role != storage.RoleMember {
		t.Errorf("valid account: %v, role %v", err, user)
	}
}

func TestInstanceActorIsCreatedOnce(t *testing.T) {
	ctx := context.Background()
	svc, st := accountsService(t)
	// Every server start and every signed fetch may ask for it first, at once.
	var wg sync.WaitGroup
	got := make([]*storage.Account, 6)
	for i := range got {
		wg.Go(func() {
			a, err := svc.InstanceActor(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = a
		})
	}
	wg.Wait()
	first := got[0]
	if first == nil {
		t.FailNow()
	}
	if first.Username != storage.InstanceActorUsername || !first.Bot || first.Discoverable ||
		first.URI != "https://hospital-a.example/users/instance.actor" || first.PrivateKeyPEM == "" {
		t.Errorf("instance actor %+v", first)
	}
	for _, a := range got {
		if a != nil && (a.ID != first.ID || a.PublicKeyPEM != first.PublicKeyPEM) {
			t.Errorf("InstanceActor returned two different actors: %d and %d", a.ID, first.ID)
		}
	}
	// A second Service on the same database (a restart) finds the same one.
	again, err := federation.New(st, federation.Options{Base: uris.New("https", "hospital-a.example")}).InstanceActor(ctx)
	if err != nil || again.ID != first.ID || again.PrivateKeyPEM != first.PrivateKeyPEM {
		t.Errorf("after restart: %v, same=%v", err, again != nil && again.ID == first.ID)
	}
	if n, _ := st.CountLocalAccounts(ctx); n != 0 {
		t.Errorf("the instance actor counts as a user: %d", n)
	}
}

func TestConcurrentCreatesOfOneUsername(t *testing.T) {
	ctx := context.Background()
	svc, st := accountsService(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			_, _, errs[i] = svc.CreateLocalAccount(ctx, federation.NewAccount{Username: "alice",
				Email: strings.Repeat("a", i+1) + "@hospital-a.example"})
		})
	}
	wg.Wait()
	created := 0
	for _, err := range errs {
		switch {
		case err == nil:
			created++
		case !federation.IsInputError(err):
			t.Errorf("a losing create failed with an internal error: %v", err)
		}
	}
	if n, _ := st.CountLocalAccounts(ctx); created != 1 || n != 1 {
		t.Errorf("%d creates succeeded, %d accounts exist; want 1 and 1", created, n)
	}
}

func TestSuspendLocalAccount(t *testing.T) {
	ctx := context.Background()
	svc, st := accountsService(t)
	acct, _, err := svc.CreateLocalAccount(ctx, federation.NewAccount{Username: "alice", Email: "alice@hospital-a.example"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := svc.SuspendLocalAccount(ctx, "alice")
	if err != nil || !s.Suspended() {
		t.Fatalf("suspend: %v %+v", err, s)
	}
	first := s.SuspendedAt
	if again, err := svc.SuspendLocalAccount(ctx, "alice"); err != nil || !again.SuspendedAt.Equal(first.Truncate(time.Millisecond)) {
		t.Errorf("suspending twice: %v, time moved %v → %v", err, first, again.SuspendedAt)
	}
	u, err := st.UserByAccount(ctx, acct.ID)
	if err != nil || !u.Disabled {
		t.Errorf("user after suspension: %+v %v", u, err)
	}
	for _, name := range []string{"nobody", storage.InstanceActorUsername} {
		if _, err := svc.SuspendLocalAccount(ctx, name); !federation.IsInputError(err) {
			t.Errorf("suspend %s: %v, want an input error", name, err)
		}
	}
}

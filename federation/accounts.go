package federation

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/storage"
)

// InputError is a problem with what a person asked for; its message is safe
// to show them.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputErr(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// IsInputError reports whether err is an InputError.
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

var usernameRE = regexp.MustCompile(`^[a-z0-9_]{1,30}$`)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// MaxPasswordBytes is the longest password accepted: bcrypt refuses more.
const MaxPasswordBytes = 72

// NewAccount is what it takes to create a local clinician's account.
type NewAccount struct {
	Username    string
	Email       string
	Password    string // may be empty: the user cannot sign in until one is set
	Role        string
	DisplayName string
}

func (n *NewAccount) validate() error {
	n.Username = strings.ToLower(strings.TrimSpace(n.Username))
	if !usernameRE.MatchString(n.Username) {
		return inputErr("username %q is invalid: use 1-30 lowercase letters, digits or underscores", n.Username)
	}
	addr, err := mail.ParseAddress(n.Email)
	if err != nil || addr.Address != strings.TrimSpace(n.Email) || !strings.Contains(addr.Address, ".") {
		return inputErr("email %q is not a valid address (expected name@hospital.example)", n.Email)
	}
	n.Email = addr.Address
	if n.Password != "" && len(n.Password) < MinPasswordLength {
		return inputErr("password is too short: use at least %d characters", MinPasswordLength)
	}
	if len(n.Password) > MaxPasswordBytes {
		return inputErr("password is too long: use at most %d bytes", MaxPasswordBytes)
	}
	if n.Role == "" {
		n.Role = storage.RoleMember
	}
	switch n.Role {
	case storage.RoleAdmin, storage.RoleModerator, storage.RoleMember:
	default:
		return inputErr("role %q is invalid: use admin, moderator or member", n.Role)
	}
	return nil
}

// CreateLocalAccount creates a local account, its RSA-2048 key pair and its
// sign-in identity in one transaction.
func (s *Service) CreateLocalAccount(ctx context.Context, n NewAccount) (*storage.Account, *storage.User, error) {
	if err := n.validate(); err != nil {
		return nil, nil, err
	}
	if _, err := s.store.AccountByUsername(ctx, n.Username, ""); err == nil {
		return nil, nil, inputErr("username %q is already taken", n.Username)
	}
	if _, err := s.store.UserByEmail(ctx, n.Email); err == nil {
		return nil, nil, inputErr("email %q is already registered", n.Email)
	}
	hash := ""
	if n.Password != "" {
		h, err := bcrypt.GenerateFromPassword([]byte(n.Password), bcrypt.DefaultCost)
		if err != nil {
			return nil, nil, fmt.Errorf("hash password: %w", err)
		}
		hash = string(h)
	}
	acct, err := s.newLocalAccount(n.Username, n.DisplayName)
	if err != nil {
		return nil, nil, err
	}
	user := &storage.User{Email: n.Email, PasswordHash: hash, Role: n.Role}
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.CreateAccount(ctx, acct); err != nil {
			return err
		}
		user.AccountID = acct.ID
		return tx.CreateUser(ctx, user)
	})
	if errors.Is(err, storage.ErrConflict) {
		return nil, nil, inputErr("username %q or email %q is already taken", n.Username, n.Email)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("create account %s: %w", n.Username, err)
	}
	return acct, user, nil
}

func (s *Service) newLocalAccount(username, displayName string) (*storage.Account, error) {
	key, err := signature.GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("generate key for %s: %w", username, err)
	}
	pub, err := signature.MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	priv, err := signature.MarshalPrivateKeyPEM(key)
	if err != nil {
		return nil, err
	}
	b := s.base
	return &storage.Account{
		Username: username, DisplayName: displayName,
		URI: b.Actor(username), URL: b.Profile(username),
		InboxURI: b.Inbox(username), OutboxURI: b.Outbox(username), SharedInboxURI: b.SharedInbox(),
		FollowersURI: b.Followers(username), FollowingURI: b.Following(username),
		PublicKeyID: b.Key(username), PublicKeyPEM: pub, PrivateKeyPEM: priv,
		Discoverable: true,
	}, nil
}

// InstanceActor returns the account that signs requests made on nobody's
// behalf, creating it on first use.
func (s *Service) InstanceActor(ctx context.Context) (*storage.Account, error) {
	a, err := s.store.AccountByUsername(ctx, storage.InstanceActorUsername, "")
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	a, err = s.newLocalAccount(storage.InstanceActorUsername, s.base.Host())
	if err != nil {
		return nil, err
	}
	a.Bot, a.Locked, a.Discoverable = true, true, false
	if err := s.store.CreateAccount(ctx, a); err != nil && !errors.Is(err, storage.ErrConflict) {
		return nil, fmt.Errorf("create instance actor: %w", err)
	}
	return s.store.AccountByUsername(ctx, storage.InstanceActorUsername, "")
}

// SuspendLocalAccount suspends a local account and disables its sign-in.
func (s *Service) SuspendLocalAccount(ctx context.Context, username string) (*storage.Account, error) {
	a, err := s.store.AccountByUsername(ctx, username, "")
	if errors.Is(err, storage.ErrNotFound) || (err == nil && a.Username == storage.InstanceActorUsername) {
		return nil, inputErr("no local account named %q", username)
	}
	if err != nil {
		return nil, err
	}
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if a.SuspendedAt.IsZero() {
			a.SuspendedAt = time.Now().UTC()
		}
		if err := tx.UpdateAccount(ctx, a); err != nil {
			return err
		}
		u, err := tx.UserByAccount(ctx, a.ID)
		if err != nil {
			return err
		}
		u.Disabled = true
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		return nil, fmt.Errorf("suspend %s: %w", username, err)
	}
	return a, nil
}

// CheckPassword verifies a user's password.
func CheckPassword(u *storage.User, password string) bool {
	return u.PasswordHash != "" && bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) == nil
}

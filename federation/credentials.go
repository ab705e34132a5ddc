package federation

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/rounds-social/rounds/federation/credential"
	"github.com/rounds-social/rounds/storage"
)

// Attest records that the hospital vouches for a member as a clinician:
// the credential is signed with the instance actor's key, published on the
// member's actor and sent to their followers' servers.
func (s *Service) Attest(ctx context.Context, username string, claims credential.Claims) (*storage.Account, *credential.Credential, error) {
	a, err := s.localMember(ctx, username)
	if err != nil {
		return nil, nil, err
	}
	if err := claims.Validate(); err != nil {
		return nil, nil, &InputError{Msg: err.Error()}
	}
	ia, key, err := s.instanceKey(ctx)
	if err != nil {
		return nil, nil, err
	}
	c, err := credential.Issue(ia.URI, a.URI, ia.PublicKeyID, key, claims, time.Now())
	if err != nil {
		return nil, nil, &InputError{Msg: err.Error()}
	}
	return a, c, s.publishCredential(ctx, a, c, time.Now().UTC())
}

// Unverify revokes a member's credential. The signed revocation stays on the
// actor so peers that cached the credential learn of it with the Update.
func (s *Service) Unverify(ctx context.Context, username string) (*storage.Account, error) {
	a, err := s.localMember(ctx, username)
	if err != nil {
		return nil, err
	}
	c, err := credential.Parse(json.RawMessage(a.Credential))
	if err != nil || c.Revoked != nil {
		return nil, inputErr("%s has no credential in force", username)
	}
	ia, key, err := s.instanceKey(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.Revoke(ia.PublicKeyID, key, time.Now()); err != nil {
		return nil, err
	}
	return a, s.publishCredential(ctx, a, c, time.Time{})
}

func (s *Service) publishCredential(ctx context.Context, a *storage.Account, c *credential.Credential, verifiedAt time.Time) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	a.Credential, a.CredentialVerifiedAt = string(raw), verifiedAt
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if err := tx.UpdateAccount(ctx, a); err != nil {
			return err
		}
		return s.deliverProfile(ctx, tx, a)
	})
	if err != nil {
		return fmt.Errorf("publish credential of %s: %w", a.Username, err)
	}
	s.notify()
	return nil
}

func (s *Service) localMember(ctx context.Context, username string) (*storage.Account, error) {
	a, err := s.store.AccountByUsername(ctx, username, "")
	if errors.Is(err, storage.ErrNotFound) || (err == nil && a.Username == storage.InstanceActorUsername) {
		return nil, inputErr("no local account named %q", username)
	}
	return a, err
}

func (s *Service) instanceKey(ctx context.Context) (*storage.Account, *rsa.PrivateKey, error) {
	ia, err := s.InstanceActor(ctx)
	if err != nil {
		return nil, nil, err
	}
	key, err := s.privateKey(ia)
	return ia, key, err
}

// verifyCredential decides whether a remote actor's credential stands: it
// must be about that actor, issued by a key of the actor's own instance,
// signed by that key (fetched and owner-checked like any signature key) and
// not revoked. Anything else leaves the account unverified.
func (s *Service) verifyCredential(ctx context.Context, actorID string, raw json.RawMessage) (string, time.Time) {
	if len(raw) == 0 {
		return "", time.Time{}
	}
	c, err := credential.Parse(raw)
	if err != nil {
		return "", time.Time{}
	}
	if err := c.CheckShape(actorID); err != nil {
		s.log.Info("credential not accepted", "actor", actorID, "reason", err)
		return string(raw), time.Time{}
	}
	// The issuer must be its instance's own service actor (Rounds' instance
	// actor), not a member: members cannot attest anyone, themselves included.
	issuer, err := s.ResolveActor(ctx, c.Issuer, false)
	if err != nil || !issuer.Bot || issuer.ID == 0 {
		s.log.Info("credential issuer is not an instance actor", "actor", actorID, "issuer", c.Issuer, "err", err)
		return string(raw), time.Time{}
	}
	pk, err := s.Keys().PublicKey(ctx, c.Signature.Creator, false)
	if err != nil || pk.Owner != c.Issuer {
		s.log.Info("credential issuer key not usable", "actor", actorID, "err", err)
		return string(raw), time.Time{}
	}
	pub, ok := pk.Key.(*rsa.PublicKey)
	if !ok {
		return string(raw), time.Time{}
	}
	if err := c.Verify(pub); err != nil {
		s.log.Info("credential not verified", "actor", actorID, "reason", err)
		return string(raw), time.Time{}
	}
	return string(raw), time.Now().UTC()
}

package federation

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/storage"
)

// Keys resolves keyIds for signature verification: local keys from the
// database, remote ones from the cache or a signed fetch. It implements
// signature.KeySource.
type Keys struct{ s *Service }

// Keys returns the service's key source.
func (s *Service) Keys() Keys { return Keys{s: s} }

var _ signature.KeySource = Keys{}

// PublicKey implements signature.KeySource.
func (k Keys) PublicKey(ctx context.Context, keyID string, refresh bool) (signature.PublicKey, error) {
	s := k.s
	if s.base.Owns(keyID) {
		return s.localKey(ctx, keyID)
	}
	if !refresh {
		if rk, err := s.store.RemoteKey(ctx, keyID); err == nil {
			return parseKey(rk)
		}
	}
	unlock := s.locks.lock("key " + keyID)
	defer unlock()
	body, err := s.signedGet(ctx, keyID)
	if errors.Is(err, ErrGone) {
		return signature.PublicKey{}, fmt.Errorf("key %s: %w", keyID, signature.ErrKeyGone)
	}
	if err != nil {
		return signature.PublicKey{}, err
	}
	pk, err := activitypub.KeyFromDocument(body, keyID)
	if err != nil {
		return signature.PublicKey{}, fmt.Errorf("key %s: %w", keyID, err)
	}
	if pk.Owner == "" || !sameHost(pk.Owner, keyID) {
		return signature.PublicKey{}, fmt.Errorf("key %s: owner %q on another origin", keyID, pk.Owner)
	}
	if doc, _, _ := strings.Cut(keyID, "#"); doc != pk.Owner {
		// A key published outside its owner's actor document (GoToSocial's
		// standalone key) counts only if that actor document names it, as
		// Mastodon checks: otherwise any JSON served on the host (an upload,
		// a user page) could claim any actor there as its owner.
		owner, err := s.ResolveActor(ctx, pk.Owner, refresh)
		if err != nil {
			return signature.PublicKey{}, fmt.Errorf("key %s: confirm owner %s: %w", keyID, pk.Owner, err)
		}
		if owner.PublicKeyID != keyID || owner.PublicKeyPEM != pk.PEM {
			return signature.PublicKey{}, fmt.Errorf("key %s: owner %s does not publish it", keyID, pk.Owner)
		}
	}
	rk := &storage.RemoteKey{KeyID: keyID, OwnerURI: pk.Owner, PublicKeyPEM: pk.PEM, FetchedAt: time.Now().UTC()}
	if err := s.store.PutRemoteKey(ctx, rk); err != nil {
		return signature.PublicKey{}, err
	}
	return parseKey(rk)
}

func parseKey(rk *storage.RemoteKey) (signature.PublicKey, error) {
	pub, err := signature.ParsePublicKeyPEM(rk.PublicKeyPEM)
	if err != nil {
		return signature.PublicKey{}, fmt.Errorf("key %s: %w", rk.KeyID, err)
	}
	return signature.PublicKey{ID: rk.KeyID, Owner: rk.OwnerURI, Key: pub}, nil
}

func (s *Service) localKey(ctx context.Context, keyID string) (signature.PublicKey, error) {
	actor, _, _ := strings.Cut(keyID, "#")
	a, err := s.store.AccountByURI(ctx, actor)
	if err != nil || a.PublicKeyID != keyID {
		return signature.PublicKey{}, fmt.Errorf("local key %s: unknown", keyID)
	}
	return parseKey(&storage.RemoteKey{KeyID: keyID, OwnerURI: a.URI, PublicKeyPEM: a.PublicKeyPEM})
}

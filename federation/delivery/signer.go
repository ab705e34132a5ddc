package delivery

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"sync"

	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/storage"
)

// errNoSigner means the job's signer cannot sign: the account is gone, has
// no key, or its key does not parse. No retry fixes that.
var errNoSigner = errors.New("no usable signer")

// maxCachedKeys bounds the parsed-key cache; an instance has few local
// accounts that post, and a miss only costs one PEM parse.
const maxCachedKeys = 1024

// signer loads the job's signing account and returns its key id and parsed
// private key. The account is read each time (one indexed row), so a deleted
// account or a rotated key takes effect at once; only the parse is cached.
func (q *Queue) signer(ctx context.Context, id int64) (string, *rsa.PrivateKey, error) {
	a, err := q.store.Account(ctx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return "", nil, fmt.Errorf("%w: account %d does not exist", errNoSigner, id)
	}
	if err != nil {
		return "", nil, fmt.Errorf("load signer %d: %w", id, err)
	}
	if a.PrivateKeyPEM == "" || a.PublicKeyID == "" {
		return "", nil, fmt.Errorf("%w: account %d has no key", errNoSigner, id)
	}
	key, err := q.keys.get(id, a.PrivateKeyPEM)
	if err != nil {
		return "", nil, fmt.Errorf("%w: account %d: %w", errNoSigner, id, err)
	}
	return a.PublicKeyID, key, nil
}

// keyCache holds parsed private keys by account id. An entry is valid only
// for the PEM it was parsed from, so a rotated key is parsed afresh.
type keyCache struct {
	mu  sync.Mutex
	max int
	m   map[int64]cachedKey
}

type cachedKey struct {
	pem string
	key *rsa.PrivateKey
}

func newKeyCache(max int) *keyCache {
	return &keyCache{max: max, m: make(map[int64]cachedKey)}
}

func (c *keyCache) get(id int64, pem string) (*rsa.PrivateKey, error) {
	c.mu.Lock()
	e, ok := c.m[id]
	c.mu.Unlock()
	if ok && e.pem == pem {
		return e.key, nil
	}
	// Parse outside the lock: two senders may parse the same key at once,
	// which is cheaper than making every sender wait on one parse.
	key, err := signature.ParsePrivateKeyPEM(pem)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[id]; !ok && len(c.m) >= c.max {
		for victim := range c.m { // evict an arbitrary entry: a bound, not a policy
			delete(c.m, victim)
			break
		}
	}
	c.m[id] = cachedKey{pem: pem, key: key}
	return key, nil
}

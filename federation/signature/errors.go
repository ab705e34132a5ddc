package signature

import (
	"errors"
	"fmt"
)

// Every error returned by Verify wraps exactly one of these sentinels, so the inbox can
// log a stable reason and answer 401. Details follow the sentinel text after a colon.
var (
	// ErrNoSignature: the request carries neither a Signature header nor an
	// "Authorization: Signature …" header.
	ErrNoSignature = errors.New("signature: no signature header")
	// ErrBadHeader: the signature header (or its keyId) is malformed or ambiguous.
	ErrBadHeader = errors.New("signature: malformed signature header")
	// ErrAlgorithm: the algorithm parameter names something other than rsa-sha256 or hs2019.
	ErrAlgorithm = errors.New("signature: unsupported algorithm")
	// ErrMissingHeaders: the signature does not cover the headers we require, or a
	// header it claims to cover is absent from the request.
	ErrMissingHeaders = errors.New("signature: required header not signed")
	// ErrDate: Date (or created/expires) is missing, unparseable or outside the window.
	ErrDate = errors.New("signature: date outside the accepted window")
	// ErrDigest: the Digest header is missing, not SHA-256, or does not match the body.
	ErrDigest = errors.New("signature: digest check failed")
	// ErrKey: the key could not be obtained or is unacceptable (type, size, owner).
	// A KeySource error is wrapped as well, so errors.Is(err, ErrKeyGone) still works.
	ErrKey = errors.New("signature: unusable key")
	// ErrBadSignature: the signature does not verify with the key, even after a refetch.
	ErrBadSignature = errors.New("signature: signature does not verify")
)

// ErrKeyGone is what a KeySource wraps when the key's actor answered 410 Gone: the
// account was deleted. The inbox may then accept (and drop) a Delete of that actor.
var ErrKeyGone = errors.New("signature: key owner is gone (410)")

// fail wraps a sentinel with detail, keeping the sentinel first so messages read
// "signature: digest check failed: …".
func fail(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{sentinel}, args...)...)
}

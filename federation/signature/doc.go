// Package signature signs and verifies HTTP Signatures the way the fediverse uses them
// (draft-cavage-http-signatures, Mastodon dialect), on top of go-fed/httpsig v1.1.0.
//
// httpsig computes and checks the RSA signature over the signing string. Everything it
// lacks is done here (see the go-fed guide §3.1 rows 4–11 and §4):
//
//   - Signing: Host is set before signing, Digest is computed from the body, and the
//     algorithm parameter is rewritten from "hs2019" to "rsa-sha256" for older peers.
//   - Verifying: a strict header parser, an algorithm allowlist, a minimum signed-header
//     set, the Date window (12 h past, 1 h future), the Digest of the body, key-owner
//     checks, a key refetch on failure (rotation) and a retry without the query string.
//
// The inbox flow is: KeyIDOf (apply domain policy before any fetch) → Verify → check
// Verified.Owner against the activity's actor.
package signature

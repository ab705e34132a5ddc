// Package credential is a hospital's signed statement that one of its
// accounts is a clinician: role, specialty, department, licence. The issuing
// instance signs it with its instance actor's key; any receiving instance can
// check the signature against that key, so the attestation travels with the
// actor document and cannot be forged, altered or claimed by another server.
package credential

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Roles a hospital can attest.
var Roles = []string{"physician", "nurse", "pharmacist", "allied_health", "student", "staff"}

// SignatureType names our signature scheme in the document.
const SignatureType = "RoundsCredentialSignature2026"

// Claims is what the hospital attests.
type Claims struct {
	Role       string `json:"role"`
	Specialty  string `json:"specialty,omitempty"`
	Department string `json:"department,omitempty"`
	License    string `json:"license,omitempty"`
	NPI        string `json:"npi,omitempty"`
}

// Signature is the issuer's signature over the credential's signed fields.
type Signature struct {
	Type    string `json:"type"`
	Creator string `json:"creator"` // the keyId of the issuer's instance actor
	Value   string `json:"signatureValue"`
}

// Credential is the extension object published on the actor as
// "clinicianCredential".
type Credential struct {
	Type      string     `json:"type"` // "ClinicianCredential"
	Issuer    string     `json:"issuer"`
	Subject   string     `json:"subject"`
	Claims    Claims     `json:"claims"`
	Issued    time.Time  `json:"issued"`
	Revoked   *time.Time `json:"revoked,omitempty"`
	Signature Signature  `json:"signature"`
}

// signedPart is exactly what the signature covers, in a fixed field order so
// the bytes are canonical without a JSON-LD canonicaliser.
type signedPart struct {
	Issuer  string `json:"issuer"`
	Subject string `json:"subject"`
	Claims  Claims `json:"claims"`
	Issued  string `json:"issued"`
	Revoked string `json:"revoked"`
}

func (c *Credential) signingInput() ([]byte, error) {
	p := signedPart{Issuer: c.Issuer, Subject: c.Subject, Claims: c.Claims, Issued: c.Issued.UTC().Format(time.RFC3339)}
	if c.Revoked != nil {
		p.Revoked = c.Revoked.UTC().Format(time.RFC3339)
	}
	return json.Marshal(p)
}

// Validate checks the claims a person typed.
func (c Claims) Validate() error {
	if !slices.Contains(Roles, c.Role) {
		return fmt.Errorf("role %q is not one of %s", c.Role, strings.Join(Roles, ", "))
	}
	if c.Role == "physician" && c.Specialty == "" {
		return errors.New("a physician's credential needs a specialty")
	}
	for _, f := range []string{c.Specialty, c.Department, c.License} {
		if len(f) > 100 || strings.ContainsAny(f, "<>\"\n") {
			return fmt.Errorf("%q is too long or contains characters that are not allowed", f)
		}
	}
	if c.NPI != "" && !ValidNPI(c.NPI) {
		return fmt.Errorf("NPI %q fails the check digit (Luhn with the 80840 prefix)", c.NPI)
	}
	return nil
}

// Issue makes and signs a credential.
func Issue(issuer, subject, keyID string, key *rsa.PrivateKey, claims Claims, at time.Time) (*Credential, error) {
	if err := claims.Validate(); err != nil {
		return nil, err
	}
	c := &Credential{Type: "ClinicianCredential", Issuer: issuer, Subject: subject, Claims: claims, Issued: at.UTC().Truncate(time.Second)}
	return c, c.sign(keyID, key)
}

// Revoke marks c revoked at `at` and signs it again, so a peer cannot strip
// the revocation without breaking the signature.
func (c *Credential) Revoke(keyID string, key *rsa.PrivateKey, at time.Time) error {
	t := at.UTC().Truncate(time.Second)
	c.Revoked = &t
	return c.sign(keyID, key)
}

func (c *Credential) sign(keyID string, key *rsa.PrivateKey) error {
	in, err := c.signingInput()
	if err != nil {
		return err
	}
	sum := sha256.Sum256(in)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return fmt.Errorf("sign credential: %w", err)
	}
	c.Signature = Signature{Type: SignatureType, Creator: keyID, Value: base64.StdEncoding.EncodeToString(sig)}
	return nil
}

// Problems a received credential can have; each means "show as unverified".
var (
	ErrForeignIssuer = errors.New("credential issued by another instance than the actor's own")
	ErrSubject       = errors.New("credential is about another actor")
	ErrSignature     = errors.New("credential signature does not verify")
	ErrRevoked       = errors.New("credential was revoked")
	ErrMalformed     = errors.New("malformed credential")
	ErrSelfAsserted  = errors.New("credential issued by the actor itself")
)

// CheckShape validates a received credential before any key is fetched: it
// must be about actorID and issued by a key on actorID's own host.
func (c *Credential) CheckShape(actorID string) error {
	if c.Type != "ClinicianCredential" || c.Signature.Type != SignatureType || c.Signature.Value == "" {
		return ErrMalformed
	}
	if c.Subject != actorID {
		return ErrSubject
	}
	if c.Issuer == c.Subject || strings.HasPrefix(c.Signature.Creator, c.Subject+"#") || c.Signature.Creator == c.Subject {
		return ErrSelfAsserted
	}
	if !sameHost(c.Issuer, actorID) || !sameHost(c.Signature.Creator, actorID) {
		return ErrForeignIssuer
	}
	return c.Claims.Validate()
}

// Verify checks the signature with the issuer's public key (whose owner the
// caller has checked is c.Issuer) and reports revocation.
func (c *Credential) Verify(pub *rsa.PublicKey) error {
	in, err := c.signingInput()
	if err != nil {
		return ErrMalformed
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature.Value)
	if err != nil {
		return ErrMalformed
	}
	sum := sha256.Sum256(in)
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
		return ErrSignature
	}
	if c.Revoked != nil {
		return ErrRevoked
	}
	return nil
}

// Parse reads a credential object from an actor document.
func Parse(raw json.RawMessage) (*Credential, error) {
	var c Credential
	if len(raw) == 0 || len(raw) > 8<<10 || json.Unmarshal(raw, &c) != nil {
		return nil, ErrMalformed
	}
	return &c, nil
}

// FieldName is the profile field every Mastodon-compatible app shows.
const FieldName = "Verified clinician"

// FieldValue is that field's text, e.g. "Cardiology, physician — attested by hospital-a.example".
func (c *Credential) FieldValue() string {
	what := strings.ReplaceAll(c.Claims.Role, "_", " ")
	if c.Claims.Specialty != "" {
		what = c.Claims.Specialty + ", " + what
	}
	return what + " — attested by " + hostOf(c.Issuer)
}

func sameHost(a, b string) bool {
	return hostOf(a) != "" && strings.EqualFold(hostOf(a), hostOf(b))
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// ValidNPI checks a US National Provider Identifier: 10 digits whose last is
// the Luhn check digit computed over "80840" + the first nine.
func ValidNPI(npi string) bool {
	if len(npi) != 10 {
		return false
	}
	digits := "80840" + npi[:9]
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if (len(digits)-1-i)%2 == 0 { // rightmost payload digit is doubled
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	check := int(npi[9] - '0')
	return check >= 0 && check <= 9 && (10-sum%10)%10 == check
}

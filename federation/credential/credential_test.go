package credential

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation/signature"
)

var (
	keyOnce    sync.Once
	keyA, keyB *rsa.PrivateKey
)

func keys(t *testing.T) (*rsa.PrivateKey, *rsa.PrivateKey) {
	keyOnce.Do(func() {
		keyA, _ = signature.GenerateKey()
		keyB, _ = signature.GenerateKey()
	})
	return keyA, keyB
}

const (
	issuer = "https://a.example/users/instance.actor"
	keyID  = issuer + "#main-key"
	alice  = "https://a.example/users/alice"
)

func issue(t *testing.T) *Credential {
	a, _ := keys(t)
	c, err := Issue(issuer, alice, keyID, a, Claims{Role: "physician", Specialty: "Cardiology", License: "NY:123456", NPI: "1234567893"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func roundTrip(t *testing.T, c *Credential) *Credential {
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestIssuedCredentialVerifies(t *testing.T) {
	a, _ := keys(t)
	c := roundTrip(t, issue(t))
	if err := c.CheckShape(alice); err != nil {
		t.Fatal(err)
	}
	if err := c.Verify(&a.PublicKey); err != nil {
		t.Fatalf("genuine credential: %v", err)
	}
	if got := c.FieldValue(); got != "Cardiology, physician — attested by a.example" {
		t.Fatalf("field value %q", got)
	}
}

func TestTamperingIsDetected(t *testing.T) {
	a, b := keys(t)
	cases := map[string]struct {
		mutate func(*Credential)
		key    *rsa.PublicKey
		want   error
	}{
		"altered specialty":   {func(c *Credential) { c.Claims.Specialty = "Neurosurgery" }, &a.PublicKey, ErrSignature},
		"altered role":        {func(c *Credential) { c.Claims.Role = "nurse" }, &a.PublicKey, ErrSignature},
		"revocation stripped": {nil, &a.PublicKey, nil},
		"signed by other key": {nil, &b.PublicKey, ErrSignature},
		"garbage signature":   {func(c *Credential) { c.Signature.Value = "!!" }, &a.PublicKey, ErrMalformed},
		"issued date moved":   {func(c *Credential) { c.Issued = c.Issued.Add(time.Hour) }, &a.PublicKey, ErrSignature},
		"subject swapped":     {func(c *Credential) { c.Subject = "https://a.example/users/mallory" }, &a.PublicKey, ErrSignature},
		"issuer name swapped": {func(c *Credential) { c.Issuer = "https://a.example/users/alice" }, &a.PublicKey, ErrSignature},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := roundTrip(t, issue(t))
			if name == "revocation stripped" {
				_ = c.Revoke(keyID, a, time.Now())
				c.Revoked = nil
				tc.want = ErrSignature
			}
			if tc.mutate != nil {
				tc.mutate(c)
			}
			if err := c.Verify(tc.key); !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestRevokedCredential(t *testing.T) {
	a, _ := keys(t)
	c := issue(t)
	if err := c.Revoke(keyID, a, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := roundTrip(t, c).Verify(&a.PublicKey); !errors.Is(err, ErrRevoked) {
		t.Fatalf("revoked credential: %v", err)
	}
}

func TestShapeRefusesForeignAndSelfAsserted(t *testing.T) {
	c := issue(t)
	if err := c.CheckShape("https://a.example/users/bob"); !errors.Is(err, ErrSubject) {
		t.Fatalf("credential about someone else: %v", err)
	}
	foreign := *c
	foreign.Issuer, foreign.Signature.Creator = "https://b.example/users/instance.actor", "https://b.example/users/instance.actor#main-key"
	if err := foreign.CheckShape(alice); !errors.Is(err, ErrForeignIssuer) {
		t.Fatalf("credential from another instance: %v", err)
	}
	for _, raw := range []string{``, `{}`, `[1]`, `{"type":"ClinicianCredential"}`} {
		if c, err := Parse([]byte(raw)); err == nil && c.CheckShape(alice) == nil {
			t.Fatalf("malformed %q accepted", raw)
		}
	}
}

func TestClaimsValidation(t *testing.T) {
	bad := []Claims{
		{Role: "wizard"},
		{Role: "physician"},
		{Role: "nurse", NPI: "1234567890"},
		{Role: "nurse", Specialty: "<script>"},
	}
	for _, c := range bad {
		if c.Validate() == nil {
			t.Fatalf("claims %+v accepted", c)
		}
	}
	if err := (Claims{Role: "nurse", Department: "ICU"}).Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestValidNPI(t *testing.T) {
	for npi, want := range map[string]bool{
		"1234567893": true, "1245319599": true, "1234567890": false, "123456789": false, "12345678931": false, "12345678a3": false,
	} {
		if got := ValidNPI(npi); got != want {
			t.Errorf("ValidNPI(%q) = %v, want %v", npi, got, want)
		}
	}
}

func TestSelfAssertedIsRefused(t *testing.T) {
	a, _ := keys(t)
	c, err := Issue(alice, alice, alice+"#main-key", a, Claims{Role: "nurse"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckShape(alice); !errors.Is(err, ErrSelfAsserted) {
		t.Fatalf("self-asserted credential: %v", err)
	}
}

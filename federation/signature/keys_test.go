package signature

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

func TestPublicKeyPEM(t *testing.T) {
	s, err := MarshalPublicKeyPEM(&keyA.PublicKey)
	if err != nil || !strings.HasPrefix(s, "-----BEGIN PUBLIC KEY-----\n") {
		t.Fatalf("MarshalPublicKeyPEM = %q, %v", s, err)
	}
	// Actor documents often carry the PEM with surrounding whitespace.
	k, err := ParsePublicKeyPEM("\n" + s + "\n")
	if err != nil || !k.Equal(&keyA.PublicKey) {
		t.Fatalf("ParsePublicKeyPEM(PKIX) = %v, %v", k, err)
	}
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&keyA.PublicKey)}))
	if k, err := ParsePublicKeyPEM(pkcs1); err != nil || !k.Equal(&keyA.PublicKey) {
		t.Fatalf("ParsePublicKeyPEM(PKCS#1) = %v, %v", k, err)
	}
}

func TestPrivateKeyPEM(t *testing.T) {
	s, err := MarshalPrivateKeyPEM(keyA)
	if err != nil || !strings.HasPrefix(s, "-----BEGIN PRIVATE KEY-----\n") {
		t.Fatalf("MarshalPrivateKeyPEM = %q, %v", s, err)
	}
	if k, err := ParsePrivateKeyPEM(s); err != nil || !k.Equal(keyA) {
		t.Fatalf("ParsePrivateKeyPEM(PKCS#8) = %v, %v", k, err)
	}
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(keyA)}))
	if k, err := ParsePrivateKeyPEM(pkcs1); err != nil || !k.Equal(keyA) {
		t.Fatalf("ParsePrivateKeyPEM(PKCS#1) = %v, %v", k, err)
	}
}

func TestPEMRefuses(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPub, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	ecPriv, _ := x509.MarshalPKCS8PrivateKey(ec)
	block := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	for name, s := range map[string]string{
		"no PEM":       "not a key",
		"EC key":       block("PUBLIC KEY", ecPub),
		"wrong type":   block("CERTIFICATE", ecPub),
		"corrupt body": block("PUBLIC KEY", []byte("junk")),
	} {
		if _, err := ParsePublicKeyPEM(s); err == nil {
			t.Errorf("ParsePublicKeyPEM(%s) succeeded", name)
		}
	}
	for name, s := range map[string]string{
		"no PEM":       "not a key",
		"EC key":       block("PRIVATE KEY", ecPriv),
		"public key":   block("PUBLIC KEY", ecPub),
		"corrupt body": block("RSA PRIVATE KEY", []byte("junk")),
	} {
		if _, err := ParsePrivateKeyPEM(s); err == nil {
			t.Errorf("ParsePrivateKeyPEM(%s) succeeded", name)
		}
	}
}

package main

import (
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/federation/credential"
	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
)

type fedField struct {
	Name, Value string
	VerifiedAt  *string `json:"verified_at"`
}

// checkMark reports whether acct (as B's API shows it) carries a verified
// "Verified clinician" field, and that field's value.
func checkMark(c *fedClient, id string) (bool, string) {
	var acct struct{ Fields []fedField }
	c.do("GET", "/api/v1/accounts/"+id, nil, &acct)
	for _, f := range acct.Fields {
		if f.Name == credential.FieldName {
			return f.VerifiedAt != nil, f.Value
		}
	}
	return false, ""
}

// TestClinicianCredentialsFederate: a cardiologist attested on A is shown
// verified on B; revocation on A reaches B and the check mark goes.
func TestClinicianCredentialsFederate(t *testing.T) {
	hostA, hostB := fedFreeHost(t), fedFreeHost(t)
	a := fedStart(t, hostA, fedDB(t, "a"))
	b := fedStart(t, hostB, fedDB(t, "b"))
	a.user("alice", false)
	bob := b.user("bob", false)
	a.admin("verify", "alice", "--role", "physician", "--specialty", "Cardiology", "--license", "NY:123456", "--npi", "1234567893")

	aliceID := bob.resolve("alice@" + hostA)
	ok, value := checkMark(bob, aliceID)
	if !ok || !strings.Contains(value, "Cardiology, physician") || !strings.Contains(value, hostA) {
		t.Fatalf("attested cardiologist on B: verified=%v value=%q", ok, value)
	}
	bob.do("POST", "/api/v1/accounts/"+aliceID+"/follow", nil, nil)
	eventually(t, "bob follows alice", func() bool { return bob.relationship(aliceID)["following"] == true })

	a.admin("unverify", "alice")
	eventually(t, "B drops the check mark", func() bool { ok, _ := checkMark(bob, aliceID); return !ok })
}

// forgedPeer is a remote instance on loopback whose members publish
// credentials of our choosing.
type forgedPeer struct {
	base     uris.Base
	instance *rsa.PrivateKey
	member   *rsa.PrivateKey
	docs     map[string][]byte
}

func newForgedPeer(t *testing.T) (*forgedPeer, *httptest.Server) {
	p := &forgedPeer{docs: map[string][]byte{}}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		doc, ok := p.docs[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/activity+json")
		w.Write(doc)
	}))
	p.base = uris.New("http", srv.Listener.Addr().String())
	p.instance, _ = signature.GenerateKey()
	p.member, _ = signature.GenerateKey()
	srv.Start()
	t.Cleanup(srv.Close)
	p.publish(t, storage.InstanceActorUsername, p.instance, "", true)
	return p, srv
}

func (p *forgedPeer) publish(t *testing.T, name string, key *rsa.PrivateKey, cred string, bot bool) {
	pemStr, _ := signature.MarshalPublicKeyPEM(&key.PublicKey)
	a := &storage.Account{Username: name, PublicKeyPEM: pemStr, Bot: bot, Credential: cred, CreatedAt: time.Now(),
		CredentialVerifiedAt: time.Now()}
	doc, err := activitypub.ActorDocument(a, p.base)
	if err != nil {
		t.Fatal(err)
	}
	p.docs["/users/"+name] = doc
}

func (p *forgedPeer) credential(t *testing.T, issuer, keyID string, key *rsa.PrivateKey, subject string, mutate func(*credential.Credential)) string {
	c, err := credential.Issue(issuer, subject, keyID, key, credential.Claims{Role: "physician", Specialty: "Cardiology"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(c)
	}
	b, _ := json.Marshal(c)
	return string(b)
}

// TestForgedCredentialsAreUnverified: tampered, self-asserted, foreign-issued
// and revoked credentials are all shown without the check mark; a genuine
// one from the same peer is shown with it (the control).
func TestForgedCredentialsAreUnverified(t *testing.T) {
	hostB := fedFreeHost(t)
	b := fedStart(t, hostB, fedDB(t, "b"))
	bob := b.user("bob", false)
	p, _ := newForgedPeer(t)
	inst, instKey := p.base.Actor(storage.InstanceActorUsername), p.base.Key(storage.InstanceActorUsername)
	cases := []struct {
		name     string
		cred     func(subject string) string
		verified bool
	}{
		{"genuine", func(s string) string { return p.credential(t, inst, instKey, p.instance, s, nil) }, true},
		{"tampered", func(s string) string {
			return p.credential(t, inst, instKey, p.instance, s, func(c *credential.Credential) { c.Claims.Specialty = "Neurosurgery" })
		}, false},
		{"selfasserted", func(s string) string { return p.credential(t, s, s+"#main-key", p.member, s, nil) }, false},
		{"foreign", func(s string) string {
			other := "http://" + hostB + "/users/" + storage.InstanceActorUsername
			return p.credential(t, other, other+"#main-key", p.instance, s, nil)
		}, false},
		{"revoked", func(s string) string {
			return p.credential(t, inst, instKey, p.instance, s, func(c *credential.Credential) { _ = c.Revoke(instKey, p.instance, time.Now()) })
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p.publish(t, c.name, p.member, c.cred(p.base.Actor(c.name)), false)
			var res struct{ Accounts []struct{ ID string } }
			bob.do("GET", "/api/v2/search?resolve=true&type=accounts&q="+url.QueryEscape(p.base.Actor(c.name)), nil, &res)
			if len(res.Accounts) != 1 {
				t.Fatalf("B could not resolve %s: %+v", c.name, res)
			}
			if got, value := checkMark(bob, res.Accounts[0].ID); got != c.verified {
				t.Fatalf("%s credential: verified=%v (field %q), want %v", c.name, got, value, c.verified)
			}
		})
	}
}

package main

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/sqlite"
	"github.com/rounds-social/rounds/web/oauth"
)

// openDB opens the instance's database directly, for what no endpoint shows
// yet (keys) or no command does yet (revoking a token).
func openDB(t *testing.T, in *instance) storage.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), in.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func revoke(t *testing.T, in *instance, plain string) {
	t.Helper()
	db := openDB(t, in)
	tok, err := db.TokenByHash(context.Background(), oauth.HashToken(plain))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeToken(context.Background(), tok.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func actorKeys(t *testing.T, in *instance, username string) (pub, priv string) {
	t.Helper()
	a, err := openDB(t, in).AccountByUsername(context.Background(), username, "")
	if err != nil {
		t.Fatalf("account %s: %v", username, err)
	}
	return a.PublicKeyPEM, a.PrivateKeyPEM
}

func TestDataSurvivesRestart(t *testing.T) {
	in := newInstance(t)
	in.createAccount(t, "alice")
	tok := in.token(t, "alice")

	first := startServer(t, in)
	if code, _ := first.get(t, "/api/v1/accounts/verify_credentials", tok); code != 200 {
		t.Fatalf("verify_credentials on first start: %d", code)
	}
	first.stop()
	instPub, instPriv := actorKeys(t, in, storage.InstanceActorUsername)
	alicePub, _ := actorKeys(t, in, "alice")
	if instPub == "" || instPriv == "" {
		t.Fatal("the first start did not create the instance actor's keys")
	}

	second := startServer(t, in)
	code, doc := second.get(t, "/.well-known/webfinger?resource="+url.QueryEscape("acct:alice@"+in.host), "")
	if code != 200 || doc["subject"] != "acct:alice@"+in.host {
		t.Errorf("webfinger after restart: %d %v", code, doc)
	}
	if code, _ := second.get(t, "/api/v1/accounts/verify_credentials", tok); code != 200 {
		t.Errorf("a token issued before the restart: %d, want 200", code)
	}
	if _, inst := second.get(t, "/api/v1/instance", ""); number(inst, "stats", "user_count") != 1 {
		t.Errorf("user_count after restart: %v", inst["stats"])
	}
	second.stop()

	if pub, priv := actorKeys(t, in, storage.InstanceActorUsername); pub != instPub || priv != instPriv {
		t.Error("the instance actor's key changed across a restart; peers' cached keys would stop verifying")
	}
	if pub, _ := actorKeys(t, in, "alice"); pub != alicePub {
		t.Error("alice's key changed across a restart")
	}
}

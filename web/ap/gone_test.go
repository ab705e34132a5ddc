package ap

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/federation/policy"
	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
)

// A Delete of an actor whose key answers 410 is applied only when the key is
// the actor's own and the actor itself is gone: a 410 elsewhere on the host
// must not let anyone erase a live account.
func TestDeleteOfGoneActor(t *testing.T) {
	e := newEnv(t, policy.Options{Mode: policy.ModeOpen}, Options{})
	ctx := context.Background()
	var gone atomic.Bool
	key := cachedKey(t, "alice")
	var base uris.Base
	peerSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/users/alice" || gone.Load() {
			w.WriteHeader(http.StatusGone)
			return
		}
		pemStr, _ := signature.MarshalPublicKeyPEM(&key.PublicKey)
		doc, _ := activitypub.ActorDocument(&storage.Account{Username: "alice", PublicKeyID: base.Key("alice"), PublicKeyPEM: pemStr}, base)
		w.Header().Set("Content-Type", "application/activity+json")
		_, _ = w.Write(doc)
	}))
	base = uris.New("http", peerSrv.Listener.Addr().String())
	peerSrv.Start()
	defer peerSrv.Close()
	alice, err := e.svc.ResolveActor(ctx, base.Actor("alice"), true)
	if err != nil {
		t.Fatal(err)
	}
	del, _ := activitypub.DeleteActor(base.Actor("alice")+"#delete", base.Actor("alice"))
	forger, _ := signature.GenerateKey()

	// Forged: keyId of some other (gone) account on the host.
	status, _ := do(t, e.post(t, "/inbox", del, del, base.Key("someone-deleted"), forger, time.Now()))
	if a, _ := e.store.Account(ctx, alice.ID); status == http.StatusAccepted || !a.DeletedAt.IsZero() {
		t.Fatalf("forged Delete: status %d, alice deleted=%v; want refused and alice intact", status, !a.DeletedAt.IsZero())
	}
	// Forged with alice's own keyId while alice is alive: the key fetch works
	// and the bad signature is refused.
	status, _ = do(t, e.post(t, "/inbox", del, del, base.Key("alice"), forger, time.Now()))
	if a, _ := e.store.Account(ctx, alice.ID); status != http.StatusUnauthorized || !a.DeletedAt.IsZero() {
		t.Fatalf("forged Delete with alice's keyId: status %d; want 401 and alice intact", status)
	}
	// Really gone: the origin answers 410 for alice herself, so the refetch
	// after the (unverifiable) signature fails confirms the deletion.
	gone.Store(true)
	status, body := do(t, e.post(t, "/inbox", del, del, base.Key("alice"), forger, time.Now()))
	a, _ := e.store.Account(ctx, alice.ID)
	if status != http.StatusAccepted || a.DeletedAt.IsZero() {
		t.Fatalf("Delete of a gone actor: status %d (%s), deleted=%v; want 202 and deleted", status, body, !a.DeletedAt.IsZero())
	}
}

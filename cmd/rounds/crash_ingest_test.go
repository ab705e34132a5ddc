package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCrashReceiverMidIngestLosesNothingAccepted floods an instance's shared
// inbox with signed Create(Note)s from the actors its user follows, kills it
// -9 in the middle, restarts it on the same database, and checks that every
// activity it answered 202 for is applied: the note is stored and in the
// follower's home timeline. Answers lost with the connection (no status
// seen) may or may not have been accepted; they are not counted either way.
func TestCrashReceiverMidIngestLosesNothingAccepted(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	began := time.Now()
	// One inbox worker, so applying lags behind accepting and the kill
	// finds accepted activities still queued.
	in := crashInstance(t, "ROUNDS_INBOX_WORKERS=1")
	in.createAccount(t, "reader")
	reader := &fedClient{t: t, base: in.baseURL(), token: in.token(t, "reader"), name: "reader"}
	p := startProcess(t, in)

	sims := newSimNet(t, 4)
	for range 10 {
		sims.addHost(1, in.baseURL()+"/inbox")
	}
	actors := sims.actors()
	for _, a := range actors {
		id := reader.resolve(a.acct())
		reader.do("POST", "/api/v1/accounts/"+id+"/follow", nil, nil)
		eventually(t, "reader follows "+a.acct(), func() bool { return reader.relationship(id)["following"] == true })
	}
	t.Logf("setup: following %d remote actors in %s", len(actors), time.Since(began).Round(time.Millisecond))

	const total = 2000
	var (
		mu       sync.Mutex
		accepted []string // note URIs answered 202
		killed   atomic.Bool
		next     atomic.Int64
		codes    sync.Map
	)
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !killed.Load() {
				i := int(next.Add(1))
				if i > total {
					return
				}
				a := actors[i%len(actors)]
				note := fmt.Sprintf("%s/notes/%d", a.uri, i)
				doc, _ := json.Marshal(map[string]any{"@context": simAS, "type": "Create", "id": note + "/activity",
					"actor": a.uri, "to": []string{simAS + "#Public"}, "cc": []string{a.uri + "/followers"},
					"published": time.Now().UTC().Format(time.RFC3339),
					"object": map[string]any{"type": "Note", "id": note, "attributedTo": a.uri,
						"content": fmt.Sprintf("<p>ingest note %d</p>", i), "to": []string{simAS + "#Public"},
						"cc": []string{a.uri + "/followers"}, "published": time.Now().UTC().Format(time.RFC3339)}})
				code, err := sims.post(a, in.baseURL()+"/inbox", doc)
				if err != nil {
					continue
				}
				n, _ := codes.LoadOrStore(code, new(atomic.Int64))
				n.(*atomic.Int64).Add(1)
				if code == http.StatusAccepted {
					mu.Lock()
					accepted = append(accepted, note)
					mu.Unlock()
				}
			}
		}()
	}
	// Kill once a backlog of accepted but unapplied activities has built up
	// (or, failing that, when the flood is nearly over).
	waitUntil(t, 30*time.Second, "the flood to build a backlog", func() bool {
		mu.Lock()
		n := len(accepted)
		mu.Unlock()
		if n < 300 {
			return false
		}
		return n-len(statusURIs(t, in.db)) >= 50 || next.Load() > total*9/10
	})
	p.kill9(t)
	killed.Store(true)
	wg.Wait()
	mu.Lock()
	want := append([]string(nil), accepted...)
	mu.Unlock()
	atKill := statusURIs(t, in.db)
	applied := 0
	for _, u := range want {
		if atKill[u] > 0 {
			applied++
		}
	}
	codes.Range(func(k, v any) bool { t.Logf("HTTP %v: %d", k, v.(*atomic.Int64).Load()); return true })
	t.Logf("killed -9 with %d accepted, %d of them applied", len(want), applied)
	if applied == len(want) {
		t.Logf("every accepted activity was applied before the kill: the restart path was not exercised")
	}

	restarted := time.Now()
	startProcess(t, in)
	// Accepted but unapplied items claimed by the killed process come due
	// when their lease (30 s) ends.
	var missing []string
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		have := statusURIs(t, in.db)
		missing = missing[:0]
		for _, u := range want {
			if have[u] != 1 {
				missing = append(missing, u)
			}
		}
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d accepted activities not applied 60s after the restart, e.g. %s",
				len(missing), len(want), missing[0])
		}
	}
	t.Logf("all %d accepted notes applied %s after the restart", len(want), time.Since(restarted).Round(time.Millisecond))

	// And they reach the follower's home timeline.
	if n := hasContent(reader.home(), "ingest note"); n == 0 {
		t.Error("the follower's home timeline shows none of the notes after the restart")
	}
	t.Logf("total %s", time.Since(began).Round(time.Millisecond))
}

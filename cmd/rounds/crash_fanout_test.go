package main

import (
	"net/url"
	"testing"
	"time"
)

// TestCrashSenderMidFanOutDeliversEveryoneOnce kills -9 an instance while it
// fans one post out to 500 followers on 50 simulated instances (no shared
// inboxes, so 500 deliveries), restarts it on the same database, and checks
// that every follower's inbox stored the Create exactly once and none is
// missing. A real Rounds instance follows too and must hold one copy.
//
// Followers are made the way peers make them: each simulated actor sends a
// signed Follow to the instance's shared inbox, and Rounds auto-accepts.
func TestCrashSenderMidFanOutDeliversEveryoneOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	began := time.Now()
	in := crashInstance(t)
	in.createAccount(t, "author")
	tok := in.token(t, "author")
	p := startProcess(t, in)

	sims := newSimNet(t, 8)
	for range 50 {
		sims.addHost(10, in.baseURL()+"/inbox")
	}
	actors := sims.actors()
	sims.followLocal(actors, in.baseURL()+"/inbox", in.baseURL()+"/users/author")

	// A real Rounds instance as one more receiver.
	rcv := fedStart(t, fedFreeHost(t), sqliteDB(t, "receiver")) // read as a SQLite file below
	reader := rcv.user("reader", false)
	authorID := reader.resolve("author@" + in.host)
	reader.do("POST", "/api/v1/accounts/"+authorID+"/follow", nil, nil)
	eventually(t, "reader follows author", func() bool { return reader.relationship(authorID)["following"] == true })
	t.Logf("setup: %d followers in %s", len(actors)+1, time.Since(began).Round(time.Millisecond))

	// Slow inboxes, so the fan-out is still running when the kill comes.
	for _, h := range sims.hosts {
		h.delay.Store(int64(40 * time.Millisecond))
	}
	author := &fedClient{t: t, base: in.baseURL(), token: tok, name: "author"}
	var st struct{ ID, URI string }
	if code := author.do("POST", "/api/v1/statuses", url.Values{"status": {"Grand rounds moved to 09:00"},
		"visibility": {"public"}}, &st); code != 200 || st.URI == "" {
		t.Fatalf("post: HTTP %d %+v", code, st)
	}
	delivered := func() (inboxes, copies, wire int) {
		for _, h := range sims.hosts {
			stored, w := h.storedOf("Create", st.URI)
			inboxes += len(stored)
			for _, n := range stored {
				copies += n
			}
			wire += w
		}
		return
	}
	waitUntil(t, 30*time.Second, "the fan-out to start", func() bool { n, _, _ := delivered(); return n >= 100 })
	p.kill9(t)
	atKill, _, _ := delivered()
	t.Logf("killed -9 after %d of %d deliveries", atKill, len(actors))
	if atKill >= len(actors) {
		t.Errorf("the fan-out finished before the kill (%d deliveries): the test proved nothing", atKill)
	}

	restarted := time.Now()
	startProcess(t, in)
	waitUntil(t, 90*time.Second, "every follower to get the post", func() bool {
		n, _, _ := delivered()
		return n >= len(actors)
	})
	t.Logf("all %d delivered %s after the restart", len(actors), time.Since(restarted).Round(time.Millisecond))
	time.Sleep(time.Second) // let any stray retry land before counting

	inboxes, copies, wire := delivered()
	t.Logf("on the wire %d POSTs of the Create for %d inboxes (%d duplicates on the wire)", wire, inboxes, wire-inboxes)
	for _, h := range sims.hosts {
		stored, _ := h.storedOf("Create", st.URI)
		for _, a := range h.actors {
			path := "/users/" + a.name + "/inbox"
			if n := stored[path]; n != 1 {
				t.Errorf("%s stored the Create %d times, want 1", a.uri, n)
			}
		}
	}
	if copies != len(actors) {
		t.Errorf("%d copies stored across %d inboxes", copies, len(actors))
	}

	eventually(t, "the Rounds receiver has the post", func() bool {
		return hasContent(reader.home(), "Grand rounds moved to 09:00") == 1
	})
	if n := statusURIs(t, rcv.db)[st.URI]; n != 1 {
		t.Errorf("the Rounds receiver stores the status %d times, want 1", n)
	}
	t.Logf("total %s", time.Since(began).Round(time.Millisecond))
}

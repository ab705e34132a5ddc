package main

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestFaultyPeersDoNotStallDeliveryOrMemory gives an instance followers on a
// peer that hangs (two of them), one that answers after 5 s, one that answers 500, and one
// that answers with a 50 MB body, plus a healthy peer. Two posts must reach
// the healthy peer promptly while the others misbehave, and the process's
// resident memory must stay bounded (read from /proc).
func TestFaultyPeersDoNotStallDeliveryOrMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	began := time.Now()
	in := crashInstance(t)
	in.createAccount(t, "author")
	author := &fedClient{t: t, base: in.baseURL(), token: in.token(t, "author"), name: "author"}
	p := startProcess(t, in)

	sims := newSimNet(t, 2)
	// The hanging peer has two followers (two personal inboxes): with the
	// slow peer they hold three of the four delivery workers.
	hang, slow, fail, huge, healthy := sims.addHost(2, in.baseURL()+"/inbox"), sims.addHost(1, in.baseURL()+"/inbox"),
		sims.addHost(1, in.baseURL()+"/inbox"), sims.addHost(1, in.baseURL()+"/inbox"), sims.addHost(1, in.baseURL()+"/inbox")
	sims.followLocal(sims.actors(), in.baseURL()+"/inbox", in.baseURL()+"/users/author")

	setFault(hang, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	setFault(slow, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
			w.WriteHeader(http.StatusAccepted)
		case <-r.Context().Done():
		}
	})
	setFault(fail, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "internal error", http.StatusInternalServerError)
	})
	chunk := bytes.Repeat([]byte(`{"padding":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},`), 1024) // ~80 KB
	setFault(huge, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json") // no Content-Length: chunked, read until the cap
		w.WriteHeader(http.StatusAccepted)
		for sent := 0; sent < 50<<20; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})

	pid := p.cmd.Process.Pid
	idle := rssMB(pid)
	peak := idle
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stopSampling:
				return
			case <-time.After(20 * time.Millisecond):
				peak = max(peak, rssMB(pid))
			}
		}
	}()

	// The second post goes out 1.5 s after the first, while the first's
	// sends to the hanging peer (10 s timeout) and the slow one (5 s) are
	// still running: it must reach the healthy peer before the slow peer
	// has even answered the first, i.e. without queueing behind them.
	posted := map[string]time.Time{}
	first := time.Now()
	for i, text := range []string{"Morbidity and mortality at noon", "Journal club is cancelled"} {
		if i == 1 {
			time.Sleep(time.Until(first.Add(1500 * time.Millisecond)))
		}
		var st struct{ URI string }
		if code := author.do("POST", "/api/v1/statuses", url.Values{"status": {text}, "visibility": {"public"}}, &st); code != 200 {
			t.Fatalf("post: HTTP %d", code)
		}
		posted[st.URI] = time.Now()
		waitUntil(t, 15*time.Second, "the healthy peer to get "+text, func() bool {
			s, _ := healthy.storedOf("Create", st.URI)
			return len(s) == 1
		})
		took := time.Since(posted[st.URI])
		t.Logf("healthy peer got %q after %s", text, took.Round(time.Millisecond))
		if i == 1 && time.Since(first) > 4500*time.Millisecond {
			t.Errorf("the second post reached the healthy peer only after the slow peer answered (%s): "+
				"deliveries queued behind the hanging and slow peers", took.Round(time.Millisecond))
		}
	}
	// Let the misbehaving peers be retried for a while (retry_base is 200ms).
	time.Sleep(8 * time.Second)
	close(stopSampling)
	<-sampled
	for uri := range posted {
		if s, _ := slow.storedOf("Create", uri); len(s) != 0 {
			t.Errorf("the slow peer's fault handler stored %s", uri)
		}
	}
	t.Logf("RSS idle %.1f MB, peak %.1f MB; total %s", idle, peak, time.Since(began).Round(time.Millisecond))
	if peak > 200 {
		t.Errorf("RSS peaked at %.0f MB with misbehaving peers, want < 200 MB", peak)
	}
	resp, err := http.Get(in.baseURL() + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz after the faults: %v %v", resp, err)
	}
	resp.Body.Close()
}

func setFault(h *simHost, f http.HandlerFunc) { h.fault.Store(&f) }

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// presigned is one signed delivery, ready to send: signing happens before the
// clock starts so the tool's own RSA work does not compete with the server.
type presigned struct {
	body   []byte
	header http.Header
}

func noteActivity(a *remoteActor, run string, i int) []byte {
	note := fmt.Sprintf("%s/statuses/%s-%d", a.uri, run, i)
	now := time.Now().UTC().Format(time.RFC3339)
	to, cc := []string{asContext + "#Public"}, []string{a.uri + "/followers"}
	doc, _ := json.Marshal(map[string]any{"@context": asContext, "id": note + "/activity", "type": "Create",
		"actor": a.uri, "published": now, "to": to, "cc": cc,
		"object": map[string]any{"id": note, "type": "Note", "attributedTo": a.uri, "published": now,
			"content": fmt.Sprintf("<p>Bench note %d from %s: ward round at 08:00.</p>", i, a.name), "to": to, "cc": cc}})
	return doc
}

// presign signs n Create(Note) deliveries, round-robin over the actors.
func presign(actors []*remoteActor, inbox, run string, n int) ([]presigned, error) {
	out := make([]presigned, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				a := actors[i%len(actors)]
				body := noteActivity(a, run, i)
				req, err := signedPost(a, inbox, body)
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				out[i] = presigned{body: body, header: req.Header}
			}
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return nil, err
	}
	return out, nil
}

// flood sends every request with c concurrent senders; it returns each
// latency, the status code counts and the wall time.
func flood(reqs []presigned, inbox string, c int) ([]time.Duration, map[int]int, time.Duration) {
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: c, MaxConnsPerHost: c}}
	lat := make([]time.Duration, len(reqs))
	codes := make([]int, len(reqs))
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < len(reqs); i = int(next.Add(1) - 1) {
				t := time.Now()
				codes[i] = sendOne(client, inbox, reqs[i])
				lat[i] = time.Since(t)
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	counts := map[int]int{}
	for _, c := range codes {
		counts[c]++
	}
	return lat, counts, wall
}

func sendOne(c *http.Client, inbox string, p presigned) int {
	req, err := http.NewRequest(http.MethodPost, inbox, bytes.NewReader(p.body))
	if err != nil {
		return 0
	}
	req.Header = p.header.Clone()
	resp, err := c.Do(req)
	if err != nil {
		return 0 // transport error
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// watchVisible reports when want notes are in the home timeline. Paging
// through every note would cost the server more than ingesting them, so it
// polls the newest home entry (limit=1) and notes when it last changed: IDs
// are assigned under the write lock in the transaction that also writes the
// home rows, so the newest entry changes with every note applied. Once the
// flood is over and the newest entry has been still for a second, the
// senders' statuses_count (written in that same transaction) confirms the
// total; the time the last note appeared is the last change seen.
func watchVisible(a *api, actorIDs []string, want func() int, stop <-chan struct{}, limit time.Duration) (int, time.Time) {
	var newest string
	changed := time.Now()
	deadline := time.Now().Add(limit)
	stopped := false
	for time.Now().Before(deadline) {
		var page []apiStatus
		if _, err := a.do(http.MethodGet, "/api/v1/timelines/home?limit=1", nil, &page); err == nil && len(page) == 1 && page[0].ID != newest {
			newest, changed = page[0].ID, time.Now()
		}
		select {
		case <-stop:
			stopped = true
		default:
		}
		if stopped && time.Since(changed) > time.Second {
			if n := countStatuses(a, actorIDs); n >= want() || time.Since(changed) > 10*time.Second {
				return n, changed
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return countStatuses(a, actorIDs), changed
}

// countStatuses sums the statuses_count of the remote accounts.
func countStatuses(a *api, ids []string) int {
	total := 0
	for _, id := range ids {
		var acc struct {
			StatusesCount int `json:"statuses_count"`
		}
		if _, err := a.do(http.MethodGet, "/api/v1/accounts/"+id, nil, &acc); err == nil {
			total += acc.StatusesCount
		}
	}
	return total
}

// followAll has every user follow every actor through search + follow, then
// waits until the Accepts have been applied.
func followAll(base string, tokens []string, actors []*remoteActor) ([]string, error) {
	first := newAPI(base, tokens[0])
	ids := make([]string, len(actors))
	if err := parallel(len(actors), 4, func(i int) error {
		id, err := first.resolve(actors[i].acct())
		ids[i] = id
		return err
	}); err != nil {
		return nil, err
	}
	if err := parallel(len(tokens)*len(actors), 8, func(i int) error {
		return newAPI(base, tokens[i/len(actors)]).follow(ids[i%len(actors)])
	}); err != nil {
		return nil, err
	}
	for _, tok := range tokens {
		a := newAPI(base, tok)
		err := waitFor("accepted follows", 120*time.Second, 100*time.Millisecond, func() (bool, error) {
			n, err := a.following(ids)
			return n == len(ids), err
		})
		if err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// parallel runs fn(0…n-1) on c goroutines; the first error wins.
func parallel(n, c int, fn func(int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, c)
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if err := fn(i); err != nil {
					errs <- err
					next.Store(int64(n))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

func runIngest(o *options) (*result, error) {
	srv, err := o.server("ingest")
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	res := &result{Scenario: "ingest", Params: map[string]any{"notes": o.notes, "senders": o.senders,
		"actors": o.actors, "instances": o.instances, "users": o.users}}
	o.startupFigures(res, srv)
	tokens, err := srv.createUsers("reader", o.users)
	if err != nil {
		return nil, err
	}
	sm, err := newSim(o.pool, o.instances, max(1, o.actors/o.instances), true, srv.base)
	if err != nil {
		return nil, err
	}
	defer sm.close()
	actorIDs, err := followAll(srv.base, tokens, sm.actors)
	if err != nil {
		return nil, fmt.Errorf("ingest setup: %w", err)
	}
	reqs, err := presign(sm.actors, srv.base+"/inbox", fmt.Sprint(time.Now().UnixNano()), o.notes)
	if err != nil {
		return nil, err
	}
	sampler := sampleRSS(srv.pid)
	var accepted atomic.Int64
	stop := make(chan struct{})
	type seenAt struct {
		n int
		t time.Time
	}
	vis := make(chan seenAt, 1)
	go func() {
		n, t := watchVisible(newAPI(srv.base, tokens[0]), actorIDs, func() int { return int(accepted.Load()) }, stop, o.timeout)
		vis <- seenAt{n, t}
	}()
	start := time.Now()
	lat, codes, wall := flood(reqs, srv.base+"/inbox", o.senders)
	accepted.Store(int64(codes[http.StatusAccepted]))
	close(stop)
	v := <-vis
	peak, hwm := sampler.stop()
	st := summarise(lat)
	res.target("accepted/s", float64(codes[http.StatusAccepted])/wall.Seconds(), "act/s", 2000, true)
	res.add("latency p50", ms(st.p50), "ms")
	res.add("latency p99", ms(st.p99), "ms")
	for code, n := range codes {
		res.add(fmt.Sprintf("status %d", code), float64(n), "responses")
	}
	res.add("visible in home", float64(v.n), "notes")
	res.target("visible/s (from first send)", float64(v.n)/v.t.Sub(start).Seconds(), "notes/s", 1000, true)
	res.add("flood wall time", wall.Seconds(), "s")
	res.add("all visible after", v.t.Sub(start).Seconds(), "s")
	o.memFigures(res, peak, hwm, 80)
	return res, nil
}

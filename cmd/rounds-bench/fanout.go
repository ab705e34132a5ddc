package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// fanoutCase is one local author and the remote actors that follow it.
type fanoutCase struct {
	name      string
	followers int
	instances int
	shared    bool
	goalMS    float64
}

// followLocal has every actor send a signed Follow for target to Rounds'
// shared inbox, then waits for Rounds' Accepts to arrive at the simulation.
func followLocal(sm *sim, target string) error {
	before := sm.received("Accept")
	err := parallel(len(sm.actors), 8, func(i int) error {
		a := sm.actors[i]
		doc, _ := json.Marshal(map[string]any{"@context": asContext, "type": "Follow",
			"id": fmt.Sprintf("%s#follows/%d", a.uri, time.Now().UnixNano()), "actor": a.uri, "object": target})
		code, err := sm.post(a, sm.roundsInbox, doc)
		if err == nil && code != http.StatusAccepted {
			err = fmt.Errorf("follow from %s: HTTP %d", a.uri, code)
		}
		return err
	})
	if err != nil {
		return err
	}
	return waitFor("Accepts for remote follows", 120*time.Second, 20*time.Millisecond, func() (bool, error) {
		return sm.received("Accept")-before >= len(sm.actors), nil
	})
}

// fanoutOnce sets up c on srv and measures one post's delivery.
func fanoutOnce(o *options, srv *server, token string, c fanoutCase, res *result) error {
	me, err := newAPI(srv.base, token).me()
	if err != nil {
		return err
	}
	sm, err := newSim(o.pool, c.instances, max(1, c.followers/c.instances), c.shared, srv.base)
	if err != nil {
		return err
	}
	defer sm.close()
	user := srv.base + "/users/" + me.Acct
	if err := followLocal(sm, user); err != nil {
		return fmt.Errorf("fanout %s setup: %w", c.name, err)
	}
	want := len(sm.actors)
	if c.shared {
		want = len(sm.instances)
	}
	time.Sleep(500 * time.Millisecond) // let the queue settle after the Accepts
	start := time.Now()
	if _, err := newAPI(srv.base, token).do(http.MethodPost, "/api/v1/statuses",
		url.Values{"status": {"Grand rounds moved to 09:00 — " + c.name}, "visibility": {"public"}}, nil); err != nil {
		return err
	}
	posted := time.Since(start)
	werr := waitFor("deliveries", o.timeout, time.Millisecond, func() (bool, error) { return sm.received("Create") >= want, nil })
	got := sm.received("Create")
	last := time.Unix(0, sm.lastAt.Load()).Sub(start)
	res.add(c.name+": followers", float64(len(sm.actors)), "accounts")
	res.add(c.name+": deliveries received", float64(got), fmt.Sprintf("of %d", want))
	res.add(c.name+": POST /statuses answered", ms(posted), "ms")
	res.target(c.name+": time to last delivery", ms(last), "ms", c.goalMS, false)
	res.add(c.name+": deliveries/s", float64(got)/last.Seconds(), "deliveries/s")
	res.add(c.name+": followers reached/s", float64(len(sm.actors))*float64(got)/float64(want)/last.Seconds(), "followers/s")
	res.add(c.name+": duplicates", float64(sm.dups.Load()), "deliveries")
	return werr
}

func runFanout(o *options) (*result, error) {
	srv, err := o.server("fanout")
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	res := &result{Scenario: "fanout", Params: map[string]any{"followers": o.followers, "instances": o.fanInstances,
		"followers_no_shared_inbox": o.noShared}}
	o.startupFigures(res, srv)
	tokens, err := srv.createUsers("author", 2)
	if err != nil {
		return nil, err
	}
	cases := []fanoutCase{
		{name: "shared inboxes", followers: o.followers, instances: o.fanInstances, shared: true, goalMS: 150},
		{name: "no shared inbox", followers: o.noShared, instances: max(1, o.noShared/10), shared: false, goalMS: 120},
	}
	sampler := sampleRSS(srv.pid)
	for i, c := range cases {
		if err := fanoutOnce(o, srv, tokens[i], c, res); err != nil {
			return res, err
		}
	}
	peak, hwm := sampler.stop()
	o.memFigures(res, peak, hwm, 0)
	return res, nil
}

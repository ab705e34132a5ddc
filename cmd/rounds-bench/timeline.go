package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/sqlite"
)

// seeded describes a database the seed command filled: the host its
// accounts were created for (the server must run with it) and their tokens.
type seeded struct {
	Host     string            `json:"host"`
	Statuses int               `json:"statuses"`
	Tokens   map[string]string `json:"tokens"`
	AuthorID string            `json:"author_id"`
}

func sidecar(db string) string { return db + ".bench.json" }

// seed is setup, not measurement: accounts through `rounds admin`, then n
// statuses by 10 local authors written straight into SQLite in big
// transactions, all in the reader's home timeline, every 10th also a
// mention notification for the reader.
func seed(o *options, db string, n int) (*seeded, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	srv := attach(o.serverBin, "http://"+addr, db)
	sd := &seeded{Host: addr, Statuses: n, Tokens: map[string]string{}}
	tokens, err := srv.createUsers("author", 10)
	if err != nil {
		return nil, err
	}
	if sd.Tokens["reader"], err = srv.createUser("reader"); err != nil {
		return nil, err
	}
	sd.Tokens["author0"] = tokens[0]
	if err := writeStatuses(db, n, sd); err != nil {
		return nil, err
	}
	data, _ := json.MarshalIndent(sd, "", "  ")
	return sd, os.WriteFile(sidecar(db), data, 0o644)
}

func writeStatuses(db string, n int, sd *seeded) error {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	reader, err := st.AccountByUsername(ctx, "reader", "")
	if err != nil {
		return err
	}
	var authors []*storage.Account
	for i := range 10 {
		a, err := st.AccountByUsername(ctx, "author"+strconv.Itoa(i), "")
		if err != nil {
			return err
		}
		authors = append(authors, a)
	}
	sd.AuthorID = storage.FormatID(authors[0].ID)
	first := time.Now().Add(-time.Duration(n+1000) * time.Millisecond)
	start := time.Now()
	for lo := 0; lo < n; lo += 20000 {
		err := st.Tx(ctx, func(tx storage.Store) error { return seedBatch(ctx, tx, lo, min(n, lo+20000), first, authors, reader) })
		if err != nil {
			return err
		}
		if lo%200000 == 0 {
			fmt.Fprintf(os.Stderr, "seed: %d/%d statuses (%s)\n", lo, n, time.Since(start).Round(time.Second))
		}
	}
	fmt.Fprintf(os.Stderr, "seed: %d statuses in %s\n", n, time.Since(start).Round(time.Second))
	return nil
}

func seedBatch(ctx context.Context, tx storage.Store, lo, hi int, first time.Time, authors []*storage.Account, reader *storage.Account) error {
	for i := lo; i < hi; i++ {
		at := first.Add(time.Duration(i) * time.Millisecond).UTC()
		a := authors[i%len(authors)]
		s := &storage.Status{ID: storage.IDAt(at), AccountID: a.ID, Visibility: "public", Local: true, Language: "en",
			Content: fmt.Sprintf("<p>Handover note %d: bed 12 stable, review bloods at 14:00, family meeting booked.</p>", i),
			Text:    fmt.Sprintf("Handover note %d: bed 12 stable, review bloods at 14:00, family meeting booked.", i), CreatedAt: at}
		s.URI = a.URI + "/statuses/" + storage.FormatID(s.ID)
		s.URL = s.URI
		if err := tx.CreateStatus(ctx, s); err != nil {
			return err
		}
		if err := tx.AddToHome(ctx, []int64{reader.ID}, s.ID); err != nil {
			return err
		}
		if i%10 == 0 {
			err := tx.CreateNotification(ctx, &storage.Notification{AccountID: reader.ID, FromAccountID: a.ID,
				Type: storage.NotifyMention, StatusID: s.ID, CreatedAt: at})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// loadOrSeed reuses a seeded database when its sidecar matches the size.
func loadOrSeed(o *options, db string, n int) (*seeded, error) {
	if data, err := os.ReadFile(sidecar(db)); err == nil {
		var sd seeded
		if json.Unmarshal(data, &sd) == nil && sd.Statuses == n {
			return &sd, nil
		}
	}
	os.Remove(db)
	t := time.Now()
	sd, err := seed(o, db, n)
	if err == nil {
		fmt.Fprintf(os.Stderr, "seed (setup, not measured): %d statuses in %s\n", n, time.Since(t).Round(time.Second))
	}
	return sd, err
}

// measure sends n sequential GETs and summarises their latency.
func measure(a *api, path string, n int) (stats, error) {
	for range min(20, max(1, n/10)) { // warm-up
		if _, err := a.do(http.MethodGet, path, nil, nil); err != nil {
			return stats{}, err
		}
	}
	lat := make([]time.Duration, n)
	for i := range n {
		t := time.Now()
		var page []json.RawMessage
		if _, err := a.do(http.MethodGet, path, nil, &page); err != nil {
			return stats{}, err
		}
		lat[i] = time.Since(t)
		if len(page) != 40 {
			return stats{}, fmt.Errorf("GET %s returned %d items, want 40", path, len(page))
		}
	}
	return summarise(lat), nil
}

func runTimeline(o *options) (*result, error) {
	db := o.db("timeline")
	if o.database != "" {
		db = o.database
	}
	sd, err := loadOrSeed(o, db, o.statuses)
	if err != nil {
		return nil, err
	}
	srv, err := startServerAt(o.serverBin, db, sd.Host)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	res := &result{Scenario: "timeline", Params: map[string]any{"statuses": sd.Statuses, "requests": o.requests, "limit": 40}}
	o.startupFigures(res, srv)
	reader, author := newAPI(srv.base, sd.Tokens["reader"]), newAPI(srv.base, sd.Tokens["author0"])
	sampler := sampleRSS(srv.pid)
	for _, e := range []struct {
		name, path string
		a          *api
		goal       float64
	}{
		{"home", "/api/v1/timelines/home?limit=40", reader, 3},
		{"public", "/api/v1/timelines/public?limit=40", reader, 0},
		{"account statuses", "/api/v1/accounts/" + sd.AuthorID + "/statuses?limit=40", reader, 0},
		{"notifications", "/api/v1/notifications?limit=40", reader, 0},
		{"own statuses (author)", "/api/v1/accounts/" + sd.AuthorID + "/statuses?limit=40", author, 0},
	} {
		st, err := measure(e.a, e.path, o.requests)
		if err != nil {
			return res, err
		}
		res.add(e.name+" p50", ms(st.p50), "ms")
		if e.goal > 0 {
			res.target(e.name+" p99", ms(st.p99), "ms", e.goal, false)
		} else {
			res.add(e.name+" p99", ms(st.p99), "ms")
		}
	}
	peak, hwm := sampler.stop()
	o.memFigures(res, peak, hwm, 0)
	return res, nil
}

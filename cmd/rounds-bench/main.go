// Command rounds-bench is the load tool for Rounds: it starts `rounds serve`
// as a child process (or attaches to one with --target), simulates remote
// instances on loopback, and drives the server only through ActivityPub and
// the Mastodon API.
//
//	rounds-bench --server-bin ./rounds [flags] ingest|fanout|timeline|startup|all
//	rounds-bench --server-bin ./rounds --database big.db --statuses 1000000 seed
//
// Each scenario prints a table and appends one JSON line to --results.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

type options struct {
	serverBin, target, database, workdir, results string
	notes, senders, actors, instances, users      int
	followers, fanInstances, noShared             int
	statuses, requests, keys                      int
	timeout                                       time.Duration
	pool                                          *keyPool
}

func (o *options) register(fs *flag.FlagSet) {
	fs.StringVar(&o.serverBin, "server-bin", "rounds", "the rounds binary to start (and to run `rounds admin` with)")
	fs.StringVar(&o.target, "target", "", "attach to this running instance (http://host:port) instead of starting one; needs --database")
	fs.StringVar(&o.database, "database", "", "SQLite file: for --target, and for seed/timeline (default: in --workdir)")
	fs.StringVar(&o.workdir, "workdir", "", "where fresh databases and server logs go (default: a temporary directory)")
	fs.StringVar(&o.results, "results", "bench-results.jsonl", "append each scenario's figures here as a JSON line (empty: don't)")
	fs.IntVar(&o.notes, "notes", 10000, "ingest: Create(Note) activities to send")
	fs.IntVar(&o.senders, "senders", 32, "ingest: concurrent senders")
	fs.IntVar(&o.actors, "actors", 100, "ingest: remote actors")
	fs.IntVar(&o.instances, "instances", 10, "ingest: remote instances")
	fs.IntVar(&o.users, "users", 5, "ingest: local users following every remote actor")
	fs.IntVar(&o.followers, "followers", 1000, "fanout: remote followers with shared inboxes")
	fs.IntVar(&o.fanInstances, "fanout-instances", 100, "fanout: instances those followers are on")
	fs.IntVar(&o.noShared, "no-shared-followers", 200, "fanout: followers on instances without shared inboxes (10 per instance)")
	fs.IntVar(&o.statuses, "statuses", 1000000, "timeline/seed: statuses in the database")
	fs.IntVar(&o.requests, "requests", 2000, "timeline: requests per endpoint")
	fs.IntVar(&o.keys, "keys", 8, "RSA-2048 keys shared by the simulated actors")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "give up waiting for deliveries or visibility after this")
}

// server starts a fresh instance for a scenario, or attaches to --target.
func (o *options) server(name string) (*server, error) {
	if o.target != "" {
		if o.database == "" {
			return nil, errors.New("--target needs --database (accounts are created with `rounds admin`)")
		}
		return attach(o.serverBin, o.target, o.database), nil
	}
	db := o.db(name)
	os.Remove(db)
	return startServer(o.serverBin, db)
}

func (o *options) db(name string) string { return filepath.Join(o.workdir, name+".db") }

// startupFigures records cold start and idle RSS (one second after start).
func (o *options) startupFigures(r *result, s *server) {
	if s.pid == 0 {
		return
	}
	r.target("cold start to first 200 /healthz", ms(s.coldStart), "ms", 200, false)
	time.Sleep(time.Second)
	rss, _ := memKB(s.pid)
	r.target("idle RSS", float64(rss)/1024, "MB", 30, false)
}

// memFigures records the peak RSS sampled during the scenario; goal 0 means
// no target applies.
func (o *options) memFigures(r *result, peak, hwm, goal float64) {
	if peak == 0 {
		return
	}
	if goal > 0 {
		r.target("peak RSS (sampled VmRSS)", peak, "MB", goal, false)
	} else {
		r.add("peak RSS (sampled VmRSS)", peak, "MB")
	}
	r.add("VmHWM (since start)", hwm, "MB")
}

func runStartup(o *options) (*result, error) {
	res := &result{Scenario: "startup", Params: map[string]any{"runs": 5}}
	var best, worst time.Duration
	for i := range 5 {
		db := o.db(fmt.Sprintf("startup%d", i))
		os.Remove(db)
		s, err := startServer(o.serverBin, db)
		if err != nil {
			return nil, err
		}
		s.stop()
		if best == 0 || s.coldStart < best {
			best = s.coldStart
		}
		worst = max(worst, s.coldStart)
	}
	res.target("cold start, fresh database (best of 5)", ms(best), "ms", 200, false)
	res.add("cold start, fresh database (worst of 5)", ms(worst), "ms")
	return res, nil
}

func main() {
	fs := flag.NewFlagSet("rounds-bench", flag.ExitOnError)
	var o options
	o.register(fs)
	fs.Parse(os.Args[1:])
	if fs.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: rounds-bench [flags] ingest|fanout|timeline|startup|seed|all")
		fs.PrintDefaults()
		os.Exit(2)
	}
	if err := run(&o, fs.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "rounds-bench:", err)
		os.Exit(1)
	}
}

func run(o *options, scenarios []string) error {
	if o.workdir == "" {
		dir, err := os.MkdirTemp("", "rounds-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		o.workdir = dir
	}
	var err error
	if o.pool, err = newKeyPool(o.keys); err != nil {
		return err
	}
	if len(scenarios) == 1 && scenarios[0] == "all" {
		scenarios = []string{"startup", "ingest", "fanout", "timeline"}
	}
	for _, name := range scenarios {
		if err := runOne(o, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func runOne(o *options, name string) error {
	fns := map[string]func(*options) (*result, error){"ingest": runIngest, "fanout": runFanout,
		"timeline": runTimeline, "startup": runStartup}
	if name == "seed" {
		db := o.database
		if db == "" {
			db = o.db("timeline")
		}
		_, err := loadOrSeed(o, db, o.statuses)
		return err
	}
	fn := fns[name]
	if fn == nil {
		return fmt.Errorf("unknown scenario %q", name)
	}
	res, err := fn(o)
	if res != nil {
		res.print(os.Stdout)
		if serr := res.save(o.results); serr != nil {
			return serr
		}
	}
	return err
}

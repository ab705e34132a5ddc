package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/rounds-social/rounds/config"
	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/fetch"
	"github.com/rounds-social/rounds/federation/media"
	"github.com/rounds-social/rounds/federation/phi"
	"github.com/rounds-social/rounds/federation/policy"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/storage/postgres"
	"github.com/rounds-social/rounds/storage/sqlite"
)

// configFlags are the flags every command that reads the config accepts.
type configFlags struct {
	file string
	sets multiFlag
	// shortcuts for the most common keys
	host, listen, protocol, database string
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func (c *configFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.file, "config", "", "path to rounds.yaml (default: $ROUNDS_CONFIG, else none)")
	fs.StringVar(&c.host, "host", "", "public host[:port] (config key host)")
	fs.StringVar(&c.listen, "listen", "", "address to listen on (config key listen)")
	fs.StringVar(&c.protocol, "protocol", "", "https, or http for development (config key protocol)")
	fs.StringVar(&c.database, "database", "", "SQLite database path (config key database)")
	fs.Var(&c.sets, "set", "set any config key: --set federation.mode=allowlist (repeatable)")
}

// load builds the Config: defaults, file, ROUNDS_* env, then these flags.
func (c *configFlags) load(e env) (config.Config, error) {
	file := c.file
	if file == "" {
		file = lookupEnv(e.environ, config.EnvFile)
	}
	flags := map[string]string{}
	for key, v := range map[string]string{"host": c.host, "listen": c.listen, "protocol": c.protocol, "database": c.database} {
		if v != "" {
			flags[key] = v
		}
	}
	for _, s := range c.sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return config.Config{}, fmt.Errorf("--set %q: expected key=value", s)
		}
		flags[strings.TrimSpace(k)] = v
	}
	cfg, err := config.Load(config.Source{File: file, Environ: e.environ, Flags: flags})
	if err != nil {
		return cfg, fmt.Errorf("configuration:\n%w", err)
	}
	if _, err := newGuard(cfg); err != nil {
		return config.Config{}, fmt.Errorf("configuration:\n%w", err)
	}
	return cfg, nil
}

func lookupEnv(environ []string, key string) string {
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == key {
			return v
		}
	}
	return ""
}

// openStore opens the configured database and applies migrations.
func openStore(ctx context.Context, cfg config.Config) (storage.Store, error) {
	if strings.HasPrefix(cfg.Database, "postgres://") || strings.HasPrefix(cfg.Database, "postgresql://") {
		// postgres.Open's errors name the server with the password redacted.
		return postgres.Open(ctx, cfg.Database)
	}
	return sqlite.Open(ctx, strings.TrimPrefix(cfg.Database, "file:"))
}

func newLogger(cfg config.Config, e env) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Log.Level))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, opts))
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

func newService(store storage.Store, cfg config.Config, log *slog.Logger) *federation.Service {
	pol := policy.New(policy.Options{Mode: cfg.Federation.Mode, Allow: cfg.Federation.Allow,
		Block: cfg.Federation.Block, Partners: cfg.Federation.Partners}, store)
	audience, _ := federation.ParseAudience(cfg.Instance.DefaultAudience) // validated with the config
	guard, err := newGuard(cfg)
	if err != nil {
		// load() validates the guard settings; a hand-built config that is
		// wrong must not silently run without the guard.
		log.Error("patient-identifier guard misconfigured: using strict mode", "err", err)
		guard = &federation.Guard{Policy: phi.Policy{Mode: phi.ModeStrict}}
	}
	return federation.New(store, federation.Options{Base: uris.New(cfg.Protocol, cfg.Host), Logger: log, DefaultAudience: audience,
		Policy: pol, Client: newFetchClient(cfg), Media: media.NewStore(mediaDir(cfg)), Guard: guard})
}

// mediaDir is where uploaded images live: media_dir, else beside the
// SQLite file, else (a PostgreSQL URL) ./data/media.
func mediaDir(cfg config.Config) string {
	if cfg.MediaDir != "" {
		return cfg.MediaDir
	}
	if strings.Contains(cfg.Database, "://") {
		return filepath.Join("data", "media")
	}
	return filepath.Join(filepath.Dir(cfg.Database), "media")
}

// newFetchClient is the outbound HTTP client: private addresses and plain
// http only when the config allows them (development and tests).
func newFetchClient(cfg config.Config) *fetch.Client {
	return fetch.NewClient(fetch.Options{AllowPrivate: cfg.AllowPrivateAddresses, AllowHTTP: cfg.Protocol == "http",
		Timeout: 10 * time.Second, UserAgent: "Rounds/" + version + " (+" + cfg.BaseURL() + ")"})
}

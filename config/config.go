// Package config holds the one Config a Rounds server runs with, and loads it
// from defaults, a rounds.yaml file, ROUNDS_* environment variables and flags,
// in that order, each layer overriding the one before.
//
// Every key is defined once, by a yaml tag on a Config field: the file, the
// environment variable name (ROUNDS_ plus the dotted path in capitals, dots
// become underscores) and the flag key (the dotted path) all derive from it, so
// a new setting needs a field, a default, a rule in Validate and a paragraph
// in rounds.example.yaml, and nothing in the loader.
//
// Config is read once, in cmd, and handed down as plain values; nothing else
// imports this package.
package config

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Config is every setting of a Rounds server. The zero value is not useful;
// start from Default or Load.
type Config struct {
	// Host is the public domain the instance is known by, with a port when it
	// is not the protocol's default: "hospital-a.example", "localhost:8080".
	// It is part of every actor and object id, so changing it later orphans
	// everything already federated.
	Host string `yaml:"host"`
	// Listen is the address the HTTP server binds, host:port.
	Listen string `yaml:"listen"`
	// Protocol is "https", or "http" for development and tests only.
	Protocol string `yaml:"protocol"`
	// Database is a SQLite file path, or (later) a postgres:// URL.
	Database string `yaml:"database"`
	// MediaDir is where uploaded images are kept; "" means a "media" folder
	// beside the database file.
	MediaDir string `yaml:"media_dir"`

	Instance Instance `yaml:"instance"`
	// Registrations is who may create an account: "closed", "invite" or "open".
	Registrations string `yaml:"registrations"`

	Federation Federation `yaml:"federation"`
	// AllowPrivateAddresses lets the server fetch from and deliver to loopback
	// and private-network addresses. Off in production so remote-supplied URLs
	// cannot reach the hospital's internal network; on for tests on 127.0.0.1.
	AllowPrivateAddresses bool `yaml:"allow_private_addresses"`

	Log      Log      `yaml:"log"`
	Delivery Delivery `yaml:"delivery"`
	Inbox    Inbox    `yaml:"inbox"`
	Limits   Limits   `yaml:"limits"`
	Session  Session  `yaml:"session"`
	PHI      PHI      `yaml:"phi"`
}

// Instance is what the server says about itself in NodeInfo, the Mastodon
// instance endpoint and its own pages.
type Instance struct {
	Name         string   `yaml:"name"`
	Description  string   `yaml:"description"`
	ContactEmail string   `yaml:"contact_email"`
	Rules        []string `yaml:"rules"`
	// DefaultAudience is who sees posts whose app does not choose: everyone
	// (their visibility decides), institution (this instance only) or
	// partners (this instance and federation.partners).
	DefaultAudience string `yaml:"default_audience"`
}

// Federation says which instances this one talks to.
type Federation struct {
	// Mode is "open" (everyone except Block) or "allowlist" (only Allow).
	Mode string `yaml:"mode"`
	// Allow, Block and Partners are lowercase host[:port] domains.
	Allow []string `yaml:"allow"`
	Block []string `yaml:"block"`
	// Partners are instances under a signed data-sharing agreement: the
	// consortium that audience-restricted posts may reach.
	Partners []string `yaml:"partners"`
	// AuthorizedFetch requires a valid HTTP signature on every GET of
	// ActivityPub documents except actors (peers fetch keys unsigned).
	AuthorizedFetch bool `yaml:"authorized_fetch"`
}

// Log configures log/slog output.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn or error
	Format string `yaml:"format"` // text or json
}

// Delivery configures the durable outbound queue.
type Delivery struct {
	Workers     int `yaml:"workers"`
	MaxAttempts int `yaml:"max_attempts"`
	// RetryBase is the wait before the first retry; each retry doubles it
	// (capped at 12 h). Tests shorten it; production keeps minutes.
	RetryBase time.Duration `yaml:"retry_base"`
}

// Inbox configures the workers that apply received activities.
type Inbox struct {
	Workers int `yaml:"workers"`
}

// Limits bounds what a request may cost us.
type Limits struct {
	MaxBodyBytes int `yaml:"max_body_bytes"`
	// Requests allowed per window; 0 turns a limit off. Past a limit the
	// server answers 429 with Retry-After.
	InboxPerHostPerMinute int `yaml:"inbox_per_host_per_minute"` // POSTs to the inboxes, by the signing key's host
	APIPerTokenPer5Min    int `yaml:"api_per_token_per_5min"`    // Mastodon API calls, by access token
	TokenPerIPPerMinute   int `yaml:"token_per_ip_per_minute"`   // POST /oauth/token, by client IP
}

// Session configures signed-in web sessions.
type Session struct {
	// IdleTimeout ends a session after this long without a request: HIPAA's
	// automatic logoff, 45 CFR 164.312(a)(2)(iii).
	IdleTimeout time.Duration `yaml:"idle_timeout"`
}

// PHI configures the patient-identifier guard.
type PHI struct {
	// Mode is "standard" (per-category, per-audience rules), "strict" (every
	// finding blocks) or "off".
	Mode string `yaml:"mode"`
	// MRNPattern is the hospital's own medical record number format, a Go
	// regular expression such as `\bE\d{7}\b`; every match is treated as
	// an MRN even without a context word.
	MRNPattern string `yaml:"mrn_pattern"`
	// PublishedPhones are the hospital's own public numbers, never flagged.
	PublishedPhones []string `yaml:"published_phones"`
	// Rules override the default decision table, each "category:audience:action",
	// e.g. "zip:institution:allow".
	Rules []string `yaml:"rules"`
}

// EnvFile is the environment variable a caller may use to name the config
// file. Load does not read it (the caller passes Source.File) but skips it
// rather than reporting it as an unknown key.
const EnvFile = "ROUNDS_CONFIG"

// Default returns the settings used for any key nobody sets.
func Default() Config {
	return Config{
		Host:     "localhost:8080",
		Listen:   "127.0.0.1:8080",
		Protocol: "https",
		Database: "./data/rounds.db",
		Instance: Instance{
			Name:            "Rounds",
			Description:     "A Rounds server, where clinicians discuss cases across institutions.",
			Rules:           []string{},
			DefaultAudience: "everyone",
		},
		Registrations: "invite",
		Federation: Federation{
			Mode:     "open",
			Allow:    []string{},
			Block:    []string{},
			Partners: []string{},
		},
		Log:      Log{Level: "info", Format: "text"},
		Delivery: Delivery{Workers: 4, MaxAttempts: 16, RetryBase: time.Minute},
		Inbox:    Inbox{Workers: 2},
		Limits:   Limits{MaxBodyBytes: 1 << 20, InboxPerHostPerMinute: 6000, APIPerTokenPer5Min: 30000, TokenPerIPPerMinute: 300},
		Session:  Session{IdleTimeout: 15 * time.Minute},
		PHI:      PHI{Mode: "standard", PublishedPhones: []string{}, Rules: []string{}},
	}
}

// Source says where Load reads settings from besides the defaults.
type Source struct {
	// File is the path of a rounds.yaml; "" means no file. A path that is
	// given but missing is an error, not a silent fall back to defaults.
	File string
	// Environ is the environment as os.Environ returns it. Only ROUNDS_*
	// entries are read, and every one must name a key.
	Environ []string
	// Flags are overrides keyed by dotted path ("listen", "federation.mode"),
	// values written as in the environment (lists comma-separated).
	Flags map[string]string
}

// Load builds a Config from defaults, then src.File, then src.Environ, then
// src.Flags, and validates the result. It reports every problem it finds,
// joined, and never returns a Config with a nil error unless the Config is
// valid.
func Load(src Source) (Config, error) {
	c := Default()
	var errs []error
	if src.File != "" {
		if err := c.loadFile(src.File); err != nil {
			errs = append(errs, err)
		}
	}
	errs = append(errs, c.applyEnv(src.Environ)...)
	errs = append(errs, c.applyFlags(src.Flags)...)
	if len(errs) > 0 {
		// Validating a half-applied config would add errors about values
		// the person never wrote; fix the layers first.
		return Config{}, errors.Join(errs...)
	}
	c.normalize()
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// BaseURL is the origin every local id starts with: "https://hospital-a.example".
func (c Config) BaseURL() string {
	return c.Protocol + "://" + c.Host
}

// Keys returns every dotted key, in the order Config declares them.
func Keys() []string {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	return keys
}

// normalize puts values in the one form the rest of the server compares
// against: domains lowercase, and lists never nil (a YAML "allow:" with
// nothing under it decodes to nil), so Load's result does not depend on how
// an empty list was written.
func (c *Config) normalize() {
	v := reflect.ValueOf(c).Elem()
	for _, f := range fields {
		if l := v.FieldByIndex(f.index); l.Kind() == reflect.Slice && l.IsNil() {
			l.Set(reflect.MakeSlice(f.typ, 0, 0))
		}
	}
	c.Host = strings.ToLower(c.Host)
	for _, list := range []*[]string{&c.Federation.Allow, &c.Federation.Block, &c.Federation.Partners} {
		for i, d := range *list {
			(*list)[i] = strings.ToLower(strings.TrimSpace(d))
		}
	}
}

// applyEnv sets every ROUNDS_* variable in environ, and reports the ones that
// name no key or hold a value the key's type cannot take. Later entries win,
// as they do for os.Getenv.
func (c *Config) applyEnv(environ []string) []error {
	var errs []error
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envPrefix) || name == EnvFile {
			continue
		}
		f, ok := fieldByEnv[name]
		if !ok {
			errs = append(errs, fmt.Errorf("unknown environment variable %s%s", name, suggest(name, envNames())))
			continue
		}
		if err := f.set(c, value); err != nil {
			errs = append(errs, fmt.Errorf("environment variable %s: %w", name, err))
		}
	}
	return errs
}

// applyFlags sets every flag override, in key order so errors come out the
// same way every run.
func (c *Config) applyFlags(flags map[string]string) []error {
	keys := make([]string, 0, len(flags))
	for k := range flags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	for _, k := range keys {
		f, ok := fieldByKey[k]
		if !ok {
			errs = append(errs, fmt.Errorf("unknown flag key %q%s", k, suggest(k, Keys())))
			continue
		}
		if err := f.set(c, flags[k]); err != nil {
			errs = append(errs, fmt.Errorf("flag %s: %w", k, err))
		}
	}
	return errs
}

package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidateErrors(t *testing.T) {
	tests := []struct {
		name    string
		change  func(c *Config)
		key     string // the FieldError's Key
		got     string // the FieldError's Got
		allowed string // a piece of the FieldError's Allowed
	}{
		{"host with scheme", func(c *Config) { c.Host = "https://a.example" }, "host", "https://a.example", "without scheme"},
		{"host with path", func(c *Config) { c.Host = "a.example/rounds" }, "host", "a.example/rounds", "without scheme or path"},
		{"host with space", func(c *Config) { c.Host = "a .example" }, "host", "a .example", "hospital-a.example"},
		{"host empty", func(c *Config) { c.Host = "" }, "host", "", "hospital-a.example"},
		{"host uppercase", func(c *Config) { c.Host = "A.example" }, "host", "A.example", "lowercase"},
		{"host bad port", func(c *Config) { c.Host = "a.example:99999" }, "host", "a.example:99999", "port"},
		{"host port zero", func(c *Config) { c.Host = "a.example:0" }, "host", "a.example:0", "port"},
		{"listen without port", func(c *Config) { c.Listen = "127.0.0.1" }, "listen", "127.0.0.1", "host:port"},
		{"listen port not a number", func(c *Config) { c.Listen = ":http" }, "listen", ":http", "0 to 65535"},
		{"listen port too big", func(c *Config) { c.Listen = ":65536" }, "listen", ":65536", "0 to 65535"},
		{"protocol", func(c *Config) { c.Protocol = "ftp" }, "protocol", "ftp", "https or http"},
		{"database empty", func(c *Config) { c.Database = "" }, "database", "", "SQLite file path"},
		{"database other scheme", func(c *Config) { c.Database = "mysql://db/rounds" }, "database", "mysql://db/rounds", "postgres://"},
		{"instance name empty", func(c *Config) { c.Instance.Name = " " }, "instance.name", " ", "non-empty"},
		{"contact email invalid", func(c *Config) { c.Instance.ContactEmail = "admin" }, "instance.contact_email", "admin", "bare e-mail address"},
		{"contact email with name", func(c *Config) { c.Instance.ContactEmail = "Admin <a@b.example>" }, "instance.contact_email", "Admin <a@b.example>", "no display name"},
		{"empty rule", func(c *Config) { c.Instance.Rules = []string{"Be kind", ""} }, "instance.rules", "", "non-empty"},
		{"registrations", func(c *Config) { c.Registrations = "yes" }, "registrations", "yes", "closed, invite or open"},
		{"federation mode", func(c *Config) { c.Federation.Mode = "closed" }, "federation.mode", "closed", "open or allowlist"},
		{"allow entry with scheme", func(c *Config) { c.Federation.Allow = []string{"https://b.example"} }, "federation.allow", "https://b.example", "without scheme"},
		{"block entry with path", func(c *Config) { c.Federation.Block = []string{"b.example/x"} }, "federation.block", "b.example/x", "without scheme"},
		{"partner entry empty", func(c *Config) { c.Federation.Partners = []string{""} }, "federation.partners", "", "host name"},
		{"allowed and blocked", func(c *Config) {
			c.Federation.Allow = []string{"b.example", "c.example"}
			c.Federation.Block = []string{"c.example"}
		}, "federation.block", "c.example", "not also listed in federation.allow"},
		{"partner and blocked", func(c *Config) {
			c.Federation.Partners = []string{"c.example"}
			c.Federation.Block = []string{"c.example"}
		}, "federation.block", "c.example", "not also listed in federation.partners"},
		{"log level", func(c *Config) { c.Log.Level = "verbose" }, "log.level", "verbose", "debug, info, warn or error"},
		{"log format", func(c *Config) { c.Log.Format = "xml" }, "log.format", "xml", "text or json"},
		{"delivery workers low", func(c *Config) { c.Delivery.Workers = 0 }, "delivery.workers", "0", "from 1 to 64"},
		{"delivery workers high", func(c *Config) { c.Delivery.Workers = 65 }, "delivery.workers", "65", "from 1 to 64"},
		{"max attempts", func(c *Config) { c.Delivery.MaxAttempts = 101 }, "delivery.max_attempts", "101", "from 1 to 100"},
		{"inbox workers", func(c *Config) { c.Inbox.Workers = -1 }, "inbox.workers", "-1", "from 1 to 64"},
		{"body limit low", func(c *Config) { c.Limits.MaxBodyBytes = 1023 }, "limits.max_body_bytes", "1023", "from 1024 to 104857600"},
		{"body limit high", func(c *Config) { c.Limits.MaxBodyBytes = 100<<20 + 1 }, "limits.max_body_bytes", "104857601", "from 1024 to 104857600"},
		{"idle timeout short", func(c *Config) { c.Session.IdleTimeout = 30 * time.Second }, "session.idle_timeout", "30s", "at least 1m"},
		{"phi mode", func(c *Config) { c.PHI.Mode = "warn" }, "phi.mode", "warn", "standard, strict or off"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.change(&c)
			err := c.Validate()
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Validate() = %v, want a *FieldError", err)
			}
			if fe.Key != tt.key || fe.Got != tt.got || !strings.Contains(fe.Allowed, tt.allowed) {
				t.Errorf("got %#v, want key %q, got %q, allowed containing %q", fe, tt.key, tt.got, tt.allowed)
			}
			if len(unjoin(err)) != 1 {
				t.Errorf("want exactly one problem, got: %v", err)
			}
			wantErr(t, err, `config key "`+tt.key+`"`, `got "`+tt.got+`"`)
		})
	}
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := Default()
	c.Protocol, c.Log.Level, c.PHI.Mode = "ftp", "loud", "warn"
	err := c.Validate()
	if n := len(unjoin(err)); n != 3 {
		t.Errorf("got %d problems, want 3: %v", n, err)
	}
	for _, e := range unjoin(err) {
		var fe *FieldError
		if !errors.As(e, &fe) {
			t.Errorf("%v is not a *FieldError", e)
		}
	}
}

func TestFieldErrorMessage(t *testing.T) {
	e := &FieldError{Key: "protocol", Got: "ftp", Allowed: "https or http"}
	if got, want := e.Error(), `config key "protocol": got "ftp"; allowed: https or http`; got != want {
		t.Errorf("Error() = %s, want %s", got, want)
	}
}

func TestHostForms(t *testing.T) {
	valid := []string{
		"hospital-a.example", "localhost", "localhost:8080", "127.0.0.1:9000", "127.0.0.1",
		"[::1]", "[::1]:8080", "a-b.c-d.example:443", "xn--bcher-kva.example",
	}
	invalid := []string{
		"", "https://a.example", "a.example/", "a.example:", "a.example:http", "a.example:+80",
		"::1", "[::1", "[a.example]", "[a.example]:80", "-a.example", "a-.example", "a..example",
		"a.example.", "a_b.example", "user@a.example", "a.example?x", "a.example#x", "1.2.3.999",
		strings.Repeat("a", 64) + ".example",
	}
	for _, h := range valid {
		if !validHost(h) {
			t.Errorf("validHost(%q) = false, want true", h)
		}
	}
	for _, h := range invalid {
		if validHost(h) {
			t.Errorf("validHost(%q) = true, want false", h)
		}
	}
}

// Values the spec accepts that a stricter rule might wrongly refuse.
func TestValidateAccepts(t *testing.T) {
	tests := map[string]func(c *Config){
		"http on a public host (dev only, but allowed)": func(c *Config) { c.Protocol, c.Host = "http", "hospital-a.example" },
		"postgres url":       func(c *Config) { c.Database = "postgres://rounds@db/rounds?sslmode=require" },
		"postgresql url":     func(c *Config) { c.Database = "postgresql://db/rounds" },
		"sqlite uri":         func(c *Config) { c.Database = "file:///var/lib/rounds/rounds.db?_journal=WAL" },
		"listen on all":      func(c *Config) { c.Listen = ":8080" },
		"listen on any port": func(c *Config) { c.Listen = "127.0.0.1:0" },
		"listen ipv6":        func(c *Config) { c.Listen = "[::1]:8080" },
		"contact email":      func(c *Config) { c.Instance.ContactEmail = "admin@hospital-a.example" },
		"allowlist with partners": func(c *Config) {
			c.Federation.Mode, c.Federation.Allow, c.Federation.Partners = "allowlist", []string{"b.example:8443"}, []string{"b.example:8443"}
		},
		"bounds": func(c *Config) {
			c.Delivery.Workers, c.Delivery.MaxAttempts, c.Inbox.Workers = 64, 100, 1
			c.Limits.MaxBodyBytes, c.Session.IdleTimeout = 1024, time.Minute
		},
	}
	for name, change := range tests {
		c := Default()
		change(&c)
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

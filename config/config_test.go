package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// writeFile puts content in a fresh rounds.yaml and returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rounds.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// wantErr fails unless err's message holds every one of parts.
func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

func TestDefaultIsValid(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatal(err)
	}
	c, err := Load(Source{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("Load with no sources = %+v, want Default()", c)
	}
}

func TestKeys(t *testing.T) {
	want := []string{
		"host", "listen", "protocol", "database", "media_dir",
		"instance.name", "instance.description", "instance.contact_email", "instance.rules", "instance.default_audience",
		"registrations",
		"federation.mode", "federation.allow", "federation.block", "federation.partners", "federation.authorized_fetch",
		"allow_private_addresses", "log.level", "log.format",
		"delivery.workers", "delivery.max_attempts", "delivery.retry_base", "inbox.workers",
		"limits.max_body_bytes", "limits.inbox_per_host_per_minute", "limits.api_per_token_per_5min",
		"limits.token_per_ip_per_minute", "session.idle_timeout", "phi.mode", "phi.mrn_pattern", "phi.published_phones", "phi.rules",
	}
	if got := Keys(); !slices.Equal(got, want) {
		t.Errorf("Keys() = %q\nwant %q", got, want)
	}
	if got := fieldByKey["instance.contact_email"].env; got != "ROUNDS_INSTANCE_CONTACT_EMAIL" {
		t.Errorf("env name of instance.contact_email = %q", got)
	}
}

func TestPrecedence(t *testing.T) {
	const file = `
host: file.example
federation:
  block: [file-a.example, file-b.example]
delivery:
  workers: 8
session:
  idle_timeout: 30m
allow_private_addresses: true
`
	tests := []struct {
		name  string
		file  string
		env   []string
		flags map[string]string
		want  func(c *Config) // applied to Default()
	}{
		{name: "defaults only", want: func(c *Config) {}},
		{name: "file over defaults", file: file, want: func(c *Config) {
			c.Host = "file.example"
			c.Federation.Block = []string{"file-a.example", "file-b.example"}
			c.Delivery.Workers = 8
			c.Session.IdleTimeout = 30 * time.Minute
			c.AllowPrivateAddresses = true
		}},
		{
			name: "env over file", file: file,
			env: []string{
				"ROUNDS_HOST=env.example",
				"ROUNDS_FEDERATION_BLOCK=env.example:8443, other.example",
				"ROUNDS_DELIVERY_WORKERS=9",
				"ROUNDS_SESSION_IDLE_TIMEOUT=1h30m",
				"ROUNDS_ALLOW_PRIVATE_ADDRESSES=false",
				"PATH=/usr/bin", // not ours: ignored
			},
			want: func(c *Config) {
				c.Host = "env.example"
				c.Federation.Block = []string{"env.example:8443", "other.example"}
				c.Delivery.Workers = 9
				c.Session.IdleTimeout = 90 * time.Minute
			},
		},
		{
			name: "flags over env", file: file,
			env: []string{"ROUNDS_HOST=env.example", "ROUNDS_DELIVERY_WORKERS=9"},
			flags: map[string]string{
				"host":                    "flag.example",
				"federation.block":        "flag.example",
				"delivery.workers":        "10",
				"session.idle_timeout":    "2m",
				"allow_private_addresses": "false",
			},
			want: func(c *Config) {
				c.Host = "flag.example"
				c.Federation.Block = []string{"flag.example"}
				c.Delivery.Workers = 10
				c.Session.IdleTimeout = 2 * time.Minute
			},
		},
		{name: "empty env list clears the file's list", file: file,
			env: []string{"ROUNDS_FEDERATION_BLOCK="},
			want: func(c *Config) {
				c.Host = "file.example"
				c.Federation.Block = []string{}
				c.Delivery.Workers = 8
				c.Session.IdleTimeout = 30 * time.Minute
				c.AllowPrivateAddresses = true
			}},
		{name: "later env entry wins", env: []string{"ROUNDS_LOG_LEVEL=debug", "ROUNDS_LOG_LEVEL=warn"},
			want: func(c *Config) { c.Log.Level = "warn" }},
		{name: "domains lowercased", env: []string{"ROUNDS_HOST=Hospital-A.Example", "ROUNDS_FEDERATION_ALLOW=B.Example"},
			want: func(c *Config) {
				c.Host = "hospital-a.example"
				c.Federation.Allow = []string{"b.example"}
			}},
		{name: "config file variable skipped", env: []string{EnvFile + "=/etc/rounds.yaml"}, want: func(c *Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := Source{Environ: tt.env, Flags: tt.flags}
			if tt.file != "" {
				src.File = writeFile(t, tt.file)
			}
			got, err := Load(src)
			if err != nil {
				t.Fatal(err)
			}
			want := Default()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestFileErrors(t *testing.T) {
	tests := []struct {
		name, content string
		want          []string // each must appear in the error
	}{
		{"bad yaml", "host: a\nfederation:\n  mode: [open\n", []string{"rounds.yaml", "line"}},
		{"tab indentation", "host: a\n\tlisten: b\n", []string{"rounds.yaml", "line 2"}},
		{"unknown top key", "host: a.example\nlisten: :1\nprotocl: http\n",
			[]string{"rounds.yaml", "line 3", `unknown key "protocl"`, "did you mean protocol?"}},
		{"unknown nested key", "federation:\n  mod: allowlist\n",
			[]string{"line 2", `unknown key "federation.mod"`, "did you mean federation.mode?"}},
		{"unknown section", "federaton:\n  mode: open\n", []string{`unknown key "federaton"`, "did you mean federation?"}},
		{"two unknown keys both reported", "hots: a\nlisen: b\n", []string{`"hots"`, `"lisen"`}},
		{"text for a number", "delivery:\n  workers: abc\n",
			[]string{"line 2", `config key "delivery.workers": got "abc"`, "a whole number"}},
		{"fraction for a number", "limits:\n  max_body_bytes: 1048576.5\n",
			[]string{`config key "limits.max_body_bytes": got "1048576.5"`, "a whole number"}},
		{"duplicate key", "host: a.example\nhost: b.example\n", []string{"rounds.yaml", "line 2", `"host" already defined`}},
		{"word for a bool", "allow_private_addresses: maybe\n",
			[]string{`config key "allow_private_addresses": got "maybe"`, "true or false"}},
		{"number for a duration", "session:\n  idle_timeout: 15\n",
			[]string{`config key "session.idle_timeout": got "15"`, "15m"}},
		{"bad duration", "session:\n  idle_timeout: soon\n", []string{`got "soon"`}},
		{"text for a list", "federation:\n  block: a.example\n",
			[]string{`config key "federation.block": got "a.example"`, "a list"}},
		{"list for a string", "host: [a, b]\n", []string{`config key "host": got "a list"`}},
		{"value for a section", "federation: allowlist\n",
			[]string{`config key "federation": got "allowlist"`, "mode, allow, block"}},
		{"top level not a mapping", "- host\n", []string{"rounds.yaml", "line 1", "host, listen"}},
		{"two documents", "host: a.example\n---\nhost: b.example\n", []string{"rounds.yaml", "more than one YAML document"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Load(Source{File: writeFile(t, tt.content)})
			wantErr(t, err, tt.want...)
			if !reflect.DeepEqual(c, Config{}) {
				t.Errorf("Load returned a config with its error: %+v", c)
			}
		})
	}
}

func TestFileEdgeCases(t *testing.T) {
	t.Run("missing file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nope.yaml")
		_, err := Load(Source{File: path})
		wantErr(t, err, path, "does not exist")
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("error %v is not fs.ErrNotExist", err)
		}
	})
	for _, content := range []string{"", "# only comments\n", "federation:\n"} {
		c, err := Load(Source{File: writeFile(t, content)})
		if err != nil || !reflect.DeepEqual(c, Default()) {
			t.Errorf("file %q: got %+v, %v; want the defaults", content, c, err)
		}
	}
}

func TestEnvErrors(t *testing.T) {
	tests := []struct {
		env  string
		want []string
	}{
		{"ROUNDS_FEDERATON_MODE=open", []string{"unknown environment variable ROUNDS_FEDERATON_MODE", "did you mean ROUNDS_FEDERATION_MODE?"}},
		{"ROUNDS_FEDERATION=open", []string{"ROUNDS_FEDERATION"}},
		{"ROUNDS_ALLOW_PRIVATE_ADDRESSES=maybe", []string{"ROUNDS_ALLOW_PRIVATE_ADDRESSES", `got "maybe"`, "true or false"}},
		{"ROUNDS_DELIVERY_WORKERS=abc", []string{"ROUNDS_DELIVERY_WORKERS", `"delivery.workers"`, `got "abc"`, "a whole number"}},
		{"ROUNDS_DELIVERY_WORKERS=", []string{"ROUNDS_DELIVERY_WORKERS", `got ""`}},
		{"ROUNDS_SESSION_IDLE_TIMEOUT=15", []string{"ROUNDS_SESSION_IDLE_TIMEOUT", `got "15"`, "15m"}},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			c, err := Load(Source{Environ: []string{tt.env}})
			wantErr(t, err, tt.want...)
			if !reflect.DeepEqual(c, Config{}) {
				t.Errorf("Load returned a config with its error: %+v", c)
			}
		})
	}
}

func TestFlagErrors(t *testing.T) {
	tests := []struct {
		flags map[string]string
		want  []string
	}{
		{map[string]string{"lsten": ":1"}, []string{`unknown flag key "lsten"`, "did you mean listen?"}},
		{map[string]string{"federation": "open"}, []string{`unknown flag key "federation"`}},
		{map[string]string{"ROUNDS_HOST": "a"}, []string{`unknown flag key "ROUNDS_HOST"`}},
		{map[string]string{"inbox.workers": "two"}, []string{"flag inbox.workers", `got "two"`, "a whole number"}},
	}
	for _, tt := range tests {
		_, err := Load(Source{Flags: tt.flags})
		wantErr(t, err, tt.want...)
	}
}

// Every layer's problems are reported together, so one run shows them all.
func TestErrorsFromAllLayersJoined(t *testing.T) {
	_, err := Load(Source{
		File:    writeFile(t, "hots: a\n"),
		Environ: []string{"ROUNDS_NOPE=1"},
		Flags:   map[string]string{"nope": "1"},
	})
	wantErr(t, err, `"hots"`, "ROUNDS_NOPE", `"nope"`)
}

// Load validates the merged result, wherever the bad value came from.
func TestLoadValidates(t *testing.T) {
	c, err := Load(Source{
		File:    writeFile(t, "protocol: ftp\n"),
		Environ: []string{"ROUNDS_DELIVERY_WORKERS=0"},
	})
	wantErr(t, err, `config key "protocol": got "ftp"; allowed: https or http`, `config key "delivery.workers": got "0"`)
	if !reflect.DeepEqual(c, Config{}) {
		t.Errorf("Load returned a config with its error: %+v", c)
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Errorf("error %v holds no *FieldError", err)
	}
}

func TestBaseURL(t *testing.T) {
	c := Default()
	c.Protocol, c.Host = "http", "127.0.0.1:9000"
	if got := c.BaseURL(); got != "http://127.0.0.1:9000" {
		t.Errorf("BaseURL() = %q", got)
	}
}

// The example file is the reference for operators: it must load, set every
// key, name every environment variable, and show the true defaults.
func TestExampleFile(t *testing.T) {
	const path = "../rounds.example.yaml"
	c, err := Load(Source{File: path})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("the example's values differ from Default():\n got %+v\nwant %+v", c, Default())
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	collectKeys(doc.Content[0], "", set)
	for _, f := range fields {
		if !set[f.key] {
			t.Errorf("the example does not set %s", f.key)
		}
		if !strings.Contains(string(data), "Env: "+f.env) {
			t.Errorf("the example does not name %s", f.env)
		}
	}
}

func collectKeys(n *yaml.Node, prefix string, set map[string]bool) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		if prefix != "" {
			key = prefix + "." + key
		}
		set[key] = true
		if n.Content[i+1].Kind == yaml.MappingNode {
			collectKeys(n.Content[i+1], key, set)
		}
	}
}

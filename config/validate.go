package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// FieldError is one key holding a value it may not: what a person needs to
// fix it is the key, what they gave, and what would have been accepted.
type FieldError struct {
	Key     string // dotted path: "federation.mode"
	Got     string // the value as given
	Allowed string // what the key accepts, in words
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("config key %q: got %q; allowed: %s", e.Key, e.Got, e.Allowed)
}

// What Validate tells a person each kind of value should look like.
const (
	hostAllowed   = "a lowercase host name with optional port, without scheme or path, e.g. hospital-a.example, localhost:8080 or 127.0.0.1:9000"
	listenAllowed = "host:port with a port from 0 to 65535, e.g. 127.0.0.1:8080, :8080 or [::1]:8080"
	dbAllowed     = "a SQLite file path such as ./data/rounds.db, or a postgres:// URL"
	emailAllowed  = "empty, or a bare e-mail address such as admin@hospital-a.example (no display name or <>)"
)

// Validate reports every problem in c, joined; each is a *FieldError.
// A Config from Load has passed it; call it again after changing a Config by
// hand (tests do).
func (c Config) Validate() error {
	var p problems

	p.check(validHost(c.Host), "host", c.Host, hostAllowed)
	p.check(validListen(c.Listen), "listen", c.Listen, listenAllowed)
	p.oneOf("protocol", c.Protocol, "https", "http")
	p.check(validDatabase(c.Database), "database", c.Database, dbAllowed)

	p.check(strings.TrimSpace(c.Instance.Name) != "", "instance.name", c.Instance.Name, "a non-empty name")
	p.check(validEmail(c.Instance.ContactEmail), "instance.contact_email", c.Instance.ContactEmail, emailAllowed)
	for _, r := range c.Instance.Rules {
		p.check(strings.TrimSpace(r) != "", "instance.rules", r, "non-empty rules")
	}
	p.oneOf("registrations", c.Registrations, "closed", "invite", "open")

	f := c.Federation
	p.oneOf("federation.mode", f.Mode, "open", "allowlist")
	p.domains("federation.allow", f.Allow)
	p.domains("federation.block", f.Block)
	p.domains("federation.partners", f.Partners)
	// A domain both allowed and blocked has no clear meaning, and a blocked
	// partner is a contradiction in the agreement; make the admin choose.
	p.disjoint("federation.block", f.Block, "federation.allow", f.Allow)
	p.disjoint("federation.block", f.Block, "federation.partners", f.Partners)

	p.oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	p.oneOf("log.format", c.Log.Format, "text", "json")

	p.between("delivery.workers", c.Delivery.Workers, 1, 64)
	p.oneOf("instance.default_audience", c.Instance.DefaultAudience, "everyone", "institution", "partners")
	p.between("delivery.max_attempts", c.Delivery.MaxAttempts, 1, 100)
	p.check(c.Delivery.RetryBase >= 10*time.Millisecond && c.Delivery.RetryBase <= time.Hour, "delivery.retry_base",
		c.Delivery.RetryBase.String(), "a duration from 10ms to 1h, e.g. 1m")
	p.between("inbox.workers", c.Inbox.Workers, 1, 64)
	p.between("limits.max_body_bytes", c.Limits.MaxBodyBytes, 1024, 100<<20)
	p.between("limits.inbox_per_host_per_minute", c.Limits.InboxPerHostPerMinute, 0, 10_000_000)
	p.between("limits.api_per_token_per_5min", c.Limits.APIPerTokenPer5Min, 0, 10_000_000)
	p.between("limits.token_per_ip_per_minute", c.Limits.TokenPerIPPerMinute, 0, 10_000_000)

	// Shorter than a minute logs people out while they are still reading.
	p.check(c.Session.IdleTimeout >= time.Minute, "session.idle_timeout", c.Session.IdleTimeout.String(), "a duration of at least 1m, e.g. 15m or 1h")

	p.oneOf("phi.mode", c.PHI.Mode, "standard", "strict", "off")

	if _, err := regexp.Compile(c.PHI.MRNPattern); err != nil {
		p.check(false, "phi.mrn_pattern", c.PHI.MRNPattern, "a Go regular expression ("+err.Error()+")")
	}
	for _, r := range c.PHI.Rules {
		p.check(strings.Count(r, ":") == 2, "phi.rules", r, "entries of the form category:audience:action, e.g. zip:institution:allow")
	}
	return errors.Join(p...)
}

type problems []error

func (p *problems) check(ok bool, key, got, allowed string) {
	if !ok {
		*p = append(*p, &FieldError{Key: key, Got: got, Allowed: allowed})
	}
}

func (p *problems) oneOf(key, got string, options ...string) {
	for _, o := range options {
		if got == o {
			return
		}
	}
	allowed := options[len(options)-1]
	if len(options) > 1 {
		allowed = strings.Join(options[:len(options)-1], ", ") + " or " + allowed
	}
	p.check(false, key, got, allowed)
}

func (p *problems) between(key string, got, lo, hi int) {
	p.check(lo <= got && got <= hi, key, strconv.Itoa(got), fmt.Sprintf("a whole number from %d to %d", lo, hi))
}

func (p *problems) domains(key string, list []string) {
	for _, d := range list {
		p.check(validHost(d), key, d, hostAllowed)
	}
}

// disjoint reports each entry of a that b also holds.
func (p *problems) disjoint(aKey string, a []string, bKey string, b []string) {
	inB := map[string]bool{}
	for _, d := range b {
		inB[d] = true
	}
	for _, d := range a {
		p.check(!inB[d], aKey, d, "a domain not also listed in "+bKey)
	}
}

// validHost accepts a bare host[:port] as it appears in URLs and ids: a DNS
// name, an IPv4 address or a bracketed IPv6 address, lowercase, and a port
// from 1 to 65535.
func validHost(s string) bool {
	if s == "" || s != strings.ToLower(s) {
		return false
	}
	bracketed := strings.HasPrefix(s, "[")
	host := s
	if strings.LastIndexByte(s, ':') > strings.LastIndexByte(s, ']') {
		h, port, err := net.SplitHostPort(s)
		if err != nil || !validPort(port, 1) {
			return false
		}
		host = h
	} else if bracketed {
		if !strings.HasSuffix(s, "]") {
			return false
		}
		host = s[1 : len(s)-1]
	}
	// Brackets hold an IPv6 address and nothing else; an IPv6 address
	// without them reads as host:port in every URL built from it, and
	// SplitHostPort has already refused it above.
	ip := net.ParseIP(host)
	if bracketed {
		return ip != nil && strings.Contains(host, ":")
	}
	if ip != nil {
		return true
	}
	return validDNSName(host)
}

// validDNSName checks the letters-digits-hyphens rule of RFC 1123, lowercase.
func validDNSName(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-') {
				return false
			}
		}
	}
	// All digits in the last label is a mistyped IP address, not a name.
	_, err := strconv.Atoi(labels[len(labels)-1])
	return err != nil
}

// validPort accepts only decimal digits (strconv.Atoi would take "+80").
func validPort(port string, lo int) bool {
	if port == "" || len(port) > 5 || strings.Trim(port, "0123456789") != "" {
		return false
	}
	n, _ := strconv.Atoi(port)
	return lo <= n && n <= 65535
}

func validListen(s string) bool {
	host, port, err := net.SplitHostPort(s)
	return err == nil && validPort(port, 0) && !strings.ContainsAny(host, " \t")
}

// validDatabase accepts any non-empty path, and of URLs only those a backend
// exists (or is planned) for, so "mysql://…" fails here and not at first use.
func validDatabase(s string) bool {
	if strings.TrimSpace(s) == "" {
		return false
	}
	if !strings.Contains(s, "://") {
		return true
	}
	for _, prefix := range []string{"postgres://", "postgresql://", "file:"} {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func validEmail(s string) bool {
	if s == "" {
		return true
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s
}

// Package policy decides which remote instances this one talks to: in open
// mode everyone but the blocklist, in allowlist mode only the listed domains.
// The config's lists are fixed at start; admins add run-time rules with
// `rounds admin federation allow|block`, which live in storage and are
// re-read periodically so a running server picks them up.
package policy

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// Modes.
const (
	ModeOpen      = "open"
	ModeAllowlist = "allowlist"
)

// Source lists run-time domain rules.
type Source interface {
	DomainPolicies(ctx context.Context) ([]*storage.DomainPolicy, error)
}

// Options is the configured policy.
type Options struct {
	Mode     string
	Allow    []string
	Block    []string
	Partners []string
	Refresh  time.Duration // how often to re-read run-time rules (default 30s)
}

// Policy answers "may we talk to this domain?".
type Policy struct {
	opt  Options
	src  Source
	mu   sync.RWMutex
	rule map[string]string // run-time rules: domain -> allow|block
	read time.Time
}

// New returns a Policy; src may be nil (config lists only).
func New(opt Options, src Source) *Policy {
	if opt.Refresh == 0 {
		opt.Refresh = 30 * time.Second
	}
	return &Policy{opt: opt, src: src, rule: map[string]string{}}
}

// Mode is the configured mode.
func (p *Policy) Mode() string { return p.opt.Mode }

// Allowed reports whether domain (host[:port]) may federate with us. A
// subdomain inherits its parent's rule, so blocking "example.org" also blocks
// "social.example.org".
func (p *Policy) Allowed(ctx context.Context, domain string) bool {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	if domain == "" {
		return false
	}
	rules := p.rules(ctx)
	if matches(domain, p.opt.Block) || matchRule(domain, rules, storage.DomainBlock) {
		return false
	}
	if p.opt.Mode != ModeAllowlist {
		return true
	}
	return matches(domain, p.opt.Allow) || matches(domain, p.opt.Partners) || matchRule(domain, rules, storage.DomainAllow)
}

// AllowedURL applies Allowed to a URL's host.
func (p *Policy) AllowedURL(ctx context.Context, raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Host != "" && p.Allowed(ctx, u.Host)
}

// IsPartner reports whether domain is a configured partner institution.
func (p *Policy) IsPartner(domain string) bool {
	return matches(strings.ToLower(domain), p.opt.Partners)
}

// Partners lists the configured partner domains.
func (p *Policy) Partners() []string { return append([]string(nil), p.opt.Partners...) }

func (p *Policy) rules(ctx context.Context) map[string]string {
	p.mu.RLock()
	fresh := time.Since(p.read) < p.opt.Refresh
	rules := p.rule
	p.mu.RUnlock()
	if fresh || p.src == nil {
		return rules
	}
	p.Reload(ctx)
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.rule
}

// Reload re-reads run-time rules now (after an admin change in-process).
// On a storage error the previous rules stay in force.
func (p *Policy) Reload(ctx context.Context) {
	if p.src == nil {
		return
	}
	list, err := p.src.DomainPolicies(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.read = time.Now()
	if err != nil {
		return
	}
	rules := make(map[string]string, len(list))
	for _, d := range list {
		rules[strings.ToLower(d.Domain)] = d.Policy
	}
	p.rule = rules
}

// matches reports whether domain equals an entry or is a subdomain of one.
func matches(domain string, list []string) bool {
	for _, d := range list {
		if domainMatch(domain, strings.ToLower(d)) {
			return true
		}
	}
	return false
}

func matchRule(domain string, rules map[string]string, want string) bool {
	for d, pol := range rules {
		if pol == want && domainMatch(domain, d) {
			return true
		}
	}
	return false
}

func domainMatch(domain, rule string) bool {
	return rule != "" && (domain == rule || strings.HasSuffix(domain, "."+rule))
}

package policy

import (
	"context"
	"errors"
	"testing"

	"github.com/rounds-social/rounds/storage"
)

type fakeSource struct {
	list []*storage.DomainPolicy
	err  error
}

func (f *fakeSource) DomainPolicies(context.Context) ([]*storage.DomainPolicy, error) {
	return f.list, f.err
}

func TestAllowed(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		opt    Options
		rules  []*storage.DomainPolicy
		domain string
		want   bool
	}{
		{"open allows strangers", Options{Mode: ModeOpen}, nil, "mastodon.example", true},
		{"open blocks blocklist", Options{Mode: ModeOpen, Block: []string{"bad.example"}}, nil, "bad.example", false},
		{"block covers subdomains", Options{Mode: ModeOpen, Block: []string{"bad.example"}}, nil, "social.bad.example", false},
		{"block is not a suffix match on labels", Options{Mode: ModeOpen, Block: []string{"bad.example"}}, nil, "notbad.example", true},
		{"allowlist refuses strangers", Options{Mode: ModeAllowlist, Allow: []string{"b.example"}}, nil, "c.example", false},
		{"allowlist admits listed", Options{Mode: ModeAllowlist, Allow: []string{"127.0.0.1:9000"}}, nil, "127.0.0.1:9000", true},
		{"allowlist is port-exact", Options{Mode: ModeAllowlist, Allow: []string{"127.0.0.1:9000"}}, nil, "127.0.0.1:9001", false},
		{"partners are allowed in allowlist mode", Options{Mode: ModeAllowlist, Partners: []string{"p.example"}}, nil, "p.example", true},
		{"run-time allow", Options{Mode: ModeAllowlist}, []*storage.DomainPolicy{{Domain: "new.example", Policy: "allow"}}, "new.example", true},
		{"run-time block beats open", Options{Mode: ModeOpen}, []*storage.DomainPolicy{{Domain: "x.example", Policy: "block"}}, "x.example", false},
		{"block beats allow", Options{Mode: ModeAllowlist, Allow: []string{"x.example"}, Block: []string{"x.example"}}, nil, "x.example", false},
		{"case-insensitive", Options{Mode: ModeOpen, Block: []string{"bad.example"}}, nil, "BAD.Example", false},
		{"empty domain refused", Options{Mode: ModeOpen}, nil, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := New(c.opt, &fakeSource{list: c.rules})
			if got := p.Allowed(ctx, c.domain); got != c.want {
				t.Fatalf("Allowed(%q) = %v, want %v", c.domain, got, c.want)
			}
		})
	}
}

func TestReloadKeepsRulesOnError(t *testing.T) {
	src := &fakeSource{list: []*storage.DomainPolicy{{Domain: "x.example", Policy: "block"}}}
	p := New(Options{Mode: ModeOpen}, src)
	ctx := context.Background()
	if p.Allowed(ctx, "x.example") {
		t.Fatal("x.example should be blocked")
	}
	src.err, src.list = errors.New("disk gone"), nil
	p.Reload(ctx)
	if p.Allowed(ctx, "x.example") {
		t.Fatal("a failed reload must keep the previous block in force")
	}
}

func TestAllowedURL(t *testing.T) {
	p := New(Options{Mode: ModeAllowlist, Allow: []string{"b.example"}}, nil)
	ctx := context.Background()
	if !p.AllowedURL(ctx, "https://b.example/users/x") || p.AllowedURL(ctx, "https://c.example/users/x") || p.AllowedURL(ctx, "::bad") {
		t.Fatal("AllowedURL disagrees with Allowed")
	}
}

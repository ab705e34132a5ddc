package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
)

type federationData struct {
	base
	Mode     string
	Partners []string
	Rules    []*storage.DomainPolicy
	Domains  []*storage.DomainDeliveries
}

func (c *Console) federation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := federationData{base: c.base(r, "federation"), Mode: c.svc.Policy().Mode(), Partners: c.svc.Policy().Partners()}
	var err error
	if d.Rules, err = c.store.DomainPolicies(ctx); err == nil {
		d.Domains, err = c.store.DeliveryDomains(ctx)
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, "admin_federation", "Federation", 0, d)
}

// validDomain accepts a host name, optionally with a port (as the CLI).
func validDomain(d string) bool {
	if d == "" || len(d) > 253 || strings.ContainsAny(d, "/ @?#\\") {
		return false
	}
	host := d
	if i := strings.LastIndex(d, ":"); i > 0 && !strings.HasSuffix(d, "]") {
		host = d[:i]
		if port, err := strconv.Atoi(d[i+1:]); err != nil || port < 1 || port > 65535 || d[i+1] == '+' {
			return false
		}
	}
	return host != "" && !strings.HasPrefix(host, ".") && !strings.HasSuffix(host, ".")
}

// putDomain adds or changes an allow or block rule and puts it in force.
func (c *Console) putDomain(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	domain := strings.ToLower(strings.TrimSpace(r.PostFormValue("domain")))
	policy, note := r.PostFormValue("policy"), strings.TrimSpace(r.PostFormValue("note"))
	var act string
	switch policy {
	case storage.DomainAllow:
		act = audit.FederationAllow
	case storage.DomainBlock:
		act = audit.FederationBlock
	default:
		c.fail(w, r, inputErr("Choose allow or block."))
		return
	}
	if !validDomain(domain) {
		c.fail(w, r, inputErr("“"+domain+"” is not a domain (expected e.g. hospital-b.example or host:port)."))
		return
	}
	if len(note) > 500 {
		c.fail(w, r, inputErr("The note is too long (500 characters at most)."))
		return
	}
	err := c.inTx(r, act, domain, map[string]any{"note": note}, func(tx storage.Store) error {
		return tx.PutDomainPolicy(ctx, &storage.DomainPolicy{Domain: domain, Policy: policy, Note: note,
			CreatedAt: time.Now().UTC()})
	})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.svc.Policy().Reload(ctx)
	done(w, r, "/admin/federation", "domain")
}

// removeDomain deletes a rule.
func (c *Console) removeDomain(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	domain := strings.ToLower(strings.TrimSpace(r.PostFormValue("domain")))
	err := c.inTx(r, audit.FederationRemove, domain, nil, func(tx storage.Store) error {
		return tx.DeleteDomainPolicy(ctx, domain)
	})
	if errors.Is(err, storage.ErrNotFound) {
		err = inputErr("There is no rule for “" + domain + "”.")
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.svc.Policy().Reload(ctx)
	done(w, r, "/admin/federation", "removed")
}

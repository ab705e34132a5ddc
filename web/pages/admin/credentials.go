package admin

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/federation/credential"
)

type credRow struct {
	member
	Claims  *credential.Claims // the credential in force, nil if none
	Revoked bool
}

type credentialsData struct {
	base
	Members []credRow
	Roles   []string
}

func (c *Console) credentials(w http.ResponseWriter, r *http.Request) {
	list, err := c.memberList(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := credentialsData{base: c.base(r, "credentials"), Roles: credential.Roles}
	for _, m := range list {
		row := credRow{member: m}
		if m.Account.Credential != "" {
			if cr, err := credential.Parse(json.RawMessage(m.Account.Credential)); err == nil {
				row.Revoked = cr.Revoked != nil
				if !row.Revoked {
					row.Claims = &cr.Claims
				}
			}
		}
		d.Members = append(d.Members, row)
	}
	c.render(w, r, "admin_credentials", "Credential verification", 0, d)
}

// attest issues the hospital's signed credential for a member.
func (c *Console) attest(w http.ResponseWriter, r *http.Request) {
	a, _, err := c.target(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	f := r.PostForm
	claims := credential.Claims{Role: f.Get("role"), Specialty: strings.TrimSpace(f.Get("specialty")),
		Department: strings.TrimSpace(f.Get("department")), License: strings.TrimSpace(f.Get("license")),
		NPI: strings.TrimSpace(f.Get("npi"))}
	if _, _, err := c.svc.Attest(r.Context(), a.Username, claims); err != nil {
		c.fail(w, r, err)
		return
	}
	c.record(r, audit.AccountVerify, a.Username, map[string]any{"role": claims.Role, "specialty": claims.Specialty})
	done(w, r, "/admin/credentials", "attested")
}

// revoke withdraws a member's credential.
func (c *Console) revoke(w http.ResponseWriter, r *http.Request) {
	a, _, err := c.target(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if _, err := c.svc.Unverify(r.Context(), a.Username); err != nil {
		c.fail(w, r, err)
		return
	}
	c.record(r, audit.AccountUnverify, a.Username, nil)
	done(w, r, "/admin/credentials", "revoked")
}

package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/oauth"
	"github.com/rounds-social/rounds/web/pages/admin"
)

var paramRE = regexp.MustCompile(`\{([a-z]+)(:[^}]*)?\}`)

// concrete fills a route's variables: {username} with bob, ids with 1.
func concrete(path string) string {
	return paramRE.ReplaceAllStringFunc(path, func(m string) string {
		if strings.HasPrefix(m, "{username") {
			return "bob"
		}
		return "1"
	})
}

func eachRoute(t *testing.T, fn func(method, path string)) {
	t.Helper()
	rs := admin.Routes()
	if len(rs) < 15 {
		t.Fatalf("only %d routes", len(rs))
	}
	for _, rt := range rs {
		method, path, _ := strings.Cut(rt, " ")
		fn(method, concrete(path))
	}
}

func TestMemberGets403OnEveryRoute(t *testing.T) {
	e := newEnv(t, 0)
	b := e.signedIn("alice")
	before := e.auditCount()
	eachRoute(t, func(method, path string) {
		var r resp
		if method == http.MethodGet {
			r = b.get(path)
		} else {
			r = b.post(path, url.Values{"role": {"admin"}, "domain": {"x.example"}, "policy": {"block"}, "uses": {"1"}, "days": {"1"},
				"username": {"x"}, "email": {"x@hospital.example"}})
		}
		if r.status != http.StatusForbidden || !strings.Contains(r.body, "Not allowed") {
			t.Errorf("member %s %s: %d, want 403 page", method, path, r.status)
		}
	})
	if n := e.auditCount(); n != before {
		t.Errorf("member requests wrote %d audit entries", n-before)
	}
}

func TestSignedOutIsSentToSignIn(t *testing.T) {
	e := newEnv(t, 0)
	b := e.browser()
	eachRoute(t, func(method, path string) {
		var r resp
		if method == http.MethodGet {
			r = b.get(path)
		} else {
			r = b.post(path, url.Values{})
		}
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/auth/sign_in") {
			t.Errorf("signed out %s %s: %d → %q, want redirect to sign-in", method, path, r.status, r.header.Get("Location"))
		}
	})
}

func TestEveryFormNeedsCSRF(t *testing.T) {
	e := newEnv(t, 0)
	b := e.signedIn("root")
	other := e.signedIn("mod").token("/admin")
	before := e.auditCount()
	eachRoute(t, func(method, path string) {
		if method != http.MethodPost {
			return
		}
		form := url.Values{"role": {"moderator"}, "domain": {"x.example"}, "policy": {"block"}, "uses": {"1"}, "days": {"1"}}
		if r := b.do(method, path, form); r.status != http.StatusForbidden {
			t.Errorf("%s without token: %d, want 403", path, r.status)
		}
		form.Set("csrf_token", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
		if r := b.do(method, path, form); r.status != http.StatusForbidden {
			t.Errorf("%s with wrong token: %d, want 403", path, r.status)
		}
		// A token of another browser's session is wrong too.
		form.Set("csrf_token", other)
		if r := b.do(method, path, form); r.status != http.StatusForbidden {
			t.Errorf("%s with another session's token: %d, want 403", path, r.status)
		}
	})
	if n := e.auditCount() - before; n != 0 {
		t.Errorf("rejected forms wrote %d audit entries", n)
	}
	if e.user("bob").Role != storage.RoleMember {
		t.Error("role changed without a token")
	}
}

// act posts a form as b and checks it made exactly one audit entry with
// action, target and the actor's address.
func act(t *testing.T, e *env, b *browser, actor, path string, form url.Values, wantStatus int, action, target string) resp {
	t.Helper()
	before := e.auditCount()
	r := b.post(path, form)
	if r.status != wantStatus {
		t.Fatalf("POST %s: %d, want %d\n%s", path, r.status, wantStatus, r.body)
	}
	if n := e.auditCount() - before; n != 1 {
		t.Fatalf("POST %s wrote %d audit entries, want 1", path, n)
	}
	last := e.lastAudit()
	if last.Action != action || last.Target != target || last.Actor != actor || last.IP != "127.0.0.1" {
		t.Fatalf("POST %s audit entry %+v, want %s on %s by %s from 127.0.0.1", path, last, action, target, actor)
	}
	return r
}

var secretRE = regexp.MustCompile(`id="secret-value">([^<]+)<`)

func TestAdminActions(t *testing.T) {
	e := newEnv(t, 0)
	ctx := context.Background()
	b := e.signedIn("root")
	for _, p := range []string{"/admin", "/admin/members", "/admin/credentials", "/admin/federation", "/admin/reports",
		"/admin/audit", "/admin/deliveries", "/admin/settings"} {
		if r := b.get(p); r.status != http.StatusOK || !strings.Contains(r.body, `aria-label="Admin console"`) {
			t.Fatalf("GET %s: %d", p, r.status)
		}
	}

	// Invite: the link is shown once and registers a member.
	r := act(t, e, b, "root", "/admin/members/invite", url.Values{"role": {"member"}, "uses": {"1"}, "days": {"7"}},
		http.StatusOK, audit.AccountInvite, "invite")
	m := secretRE.FindStringSubmatch(r.body)
	if m == nil || !strings.Contains(m[1], "/auth/invite/") {
		t.Fatalf("no invite link shown:\n%s", r.body)
	}
	if r := e.browser().get(strings.TrimPrefix(m[1], e.srv.URL)); r.status != http.StatusOK {
		t.Fatalf("invite link: %d", r.status)
	}

	// Create: the new password works.
	r = act(t, e, b, "root", "/admin/members/create", url.Values{"username": {"carol"}, "email": {"carol@hospital.example"},
		"role": {"member"}}, http.StatusOK, audit.AccountCreate, "carol")
	pw := secretRE.FindStringSubmatch(r.body)
	if pw == nil {
		t.Fatal("no password shown")
	}
	signIn := func(email, password string) int {
		c := e.browser()
		return c.do(http.MethodPost, "/auth/sign_in", url.Values{"email": {email}, "password": {password},
			"csrf_token": {c.token("/auth/sign_in")}}).status
	}
	if s := signIn("carol@hospital.example", pw[1]); s != http.StatusSeeOther {
		t.Fatalf("sign in with the created password: %d", s)
	}

	// Reset password: the old one stops working, the new one works.
	r = act(t, e, b, "root", "/admin/members/bob/password", nil, http.StatusOK, audit.PasswordReset, "bob")
	pw = secretRE.FindStringSubmatch(r.body)
	if pw == nil {
		t.Fatal("no new password shown")
	}
	if s := signIn("bob@hospital.example", testPassword); s == http.StatusSeeOther {
		t.Fatal("old password still works")
	}
	if s := signIn("bob@hospital.example", pw[1]); s != http.StatusSeeOther {
		t.Fatalf("new password: %d", s)
	}

	// Role change.
	act(t, e, b, "root", "/admin/members/bob/role", url.Values{"role": {"moderator"}}, http.StatusSeeOther, audit.AccountRole, "bob")
	if e.user("bob").Role != storage.RoleModerator {
		t.Fatal("role not changed")
	}

	// Attest and revoke.
	act(t, e, b, "root", "/admin/credentials/alice/attest", url.Values{"role": {"nurse"}, "department": {"ICU"}},
		http.StatusSeeOther, audit.AccountVerify, "alice")
	if e.account("alice").CredentialVerifiedAt.IsZero() {
		t.Fatal("not verified")
	}
	if r := b.get("/@alice"); !strings.Contains(r.body, "Verified clinician") {
		t.Fatal("no badge on the profile")
	}
	act(t, e, b, "root", "/admin/credentials/alice/revoke", nil, http.StatusSeeOther, audit.AccountUnverify, "alice")
	if !e.account("alice").CredentialVerifiedAt.IsZero() {
		t.Fatal("still verified")
	}

	// Domain rules take effect at once.
	act(t, e, b, "root", "/admin/federation/domains", url.Values{"domain": {"Bad.Example"}, "policy": {"block"}, "note": {"spam"}},
		http.StatusSeeOther, audit.FederationBlock, "bad.example")
	if e.svc.Policy().Allowed(ctx, "bad.example") {
		t.Fatal("blocked domain still allowed")
	}
	if r := b.get("/admin/federation"); !strings.Contains(r.body, "bad.example") {
		t.Fatal("federation page does not list the rule")
	}
	act(t, e, b, "root", "/admin/federation/domains/remove", url.Values{"domain": {"bad.example"}}, http.StatusSeeOther,
		audit.FederationRemove, "bad.example")
	if !e.svc.Policy().Allowed(ctx, "bad.example") {
		t.Fatal("removed rule still in force")
	}
	act(t, e, b, "root", "/admin/federation/domains", url.Values{"domain": {"good.example"}, "policy": {"allow"}},
		http.StatusSeeOther, audit.FederationAllow, "good.example")

	// Reports: filed through the API, resolved here.
	tok, _, err := oauth.Issue(ctx, e.store, e.user("alice").ID, 0, []string{"write:reports"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/reports", strings.NewReader(url.Values{
		"account_id": {storage.FormatID(e.account("carol").ID)}, "comment": {"rude"}, "category": {"other"}}.Encode()))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		ID     string `json:"id"`
		Target struct {
			ID string `json:"id"`
		} `json:"target_account"`
	}
	_ = json.NewDecoder(res.Body).Decode(&rep)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || rep.ID == "" || rep.Target.ID != storage.FormatID(e.account("carol").ID) {
		t.Fatalf("POST /api/v1/reports: %d %+v", res.StatusCode, rep)
	}
	if r := b.get("/admin/reports"); !strings.Contains(r.body, "rude") {
		t.Fatal("report not listed")
	}
	act(t, e, b, "root", "/admin/reports/"+rep.ID+"/resolve", nil, http.StatusSeeOther,
		audit.ReportResolve, "carol")
	if r := b.get("/admin/reports"); strings.Contains(r.body, "rude") {
		t.Fatal("resolved report still listed as open")
	}

	// Delivery queue: a failed job goes back to pending, due now.
	job := &storage.DeliveryJob{ActivityID: "http://x/1", Inbox: "http://remote.example/inbox", Body: []byte("{}"),
		SignerID: e.account("alice").ID, NextAttemptAt: time.Now().Add(time.Hour)}
	if err := e.store.EnqueueDeliveries(ctx, []*storage.DeliveryJob{job}); err != nil {
		t.Fatal(err)
	}
	job.State, job.Attempts, job.LastError, job.NextAttemptAt = storage.JobFailed, 9, "connection refused", time.Now().Add(time.Hour)
	if err := e.store.FinishDelivery(ctx, job); err != nil {
		t.Fatal(err)
	}
	if r := b.get("/admin/deliveries"); !strings.Contains(r.body, "connection refused") {
		t.Fatal("failed job not listed with its error")
	}
	if r := b.get("/admin/federation"); !strings.Contains(r.body, "remote.example") {
		t.Fatal("per-instance status does not list remote.example")
	}
	act(t, e, b, "root", "/admin/deliveries/"+storage.FormatID(job.ID)+"/retry", nil, http.StatusSeeOther,
		audit.DeliveryRetry, job.Inbox)
	j, err := e.store.Delivery(ctx, job.ID)
	if err != nil || j.State != storage.JobPending || j.NextAttemptAt.After(time.Now()) {
		t.Fatalf("after retry: %+v %v", j, err)
	}

	// Suspend.
	act(t, e, b, "root", "/admin/members/carol/suspend", nil, http.StatusSeeOther, audit.AccountSuspend, "carol")
	if !e.account("carol").Suspended() {
		t.Fatal("not suspended")
	}

	// Verify shows the verdict and writes nothing.
	before := e.auditCount()
	r = b.post("/admin/audit/verify", nil)
	if r.status != http.StatusOK || !strings.Contains(r.body, "audit chain intact") {
		t.Fatalf("verify: %d\n%s", r.status, r.body)
	}
	if e.auditCount() != before {
		t.Fatal("verify wrote to the log")
	}
	if r := b.get("/admin/audit?action=account.suspend&actor=root"); !strings.Contains(r.body, "carol") ||
		strings.Contains(r.body, "bad.example") {
		t.Fatal("audit filter does not filter")
	}
	if r := b.get("/admin/settings"); !strings.Contains(r.body, "rounds.yaml") {
		t.Fatal("settings page does not say where settings live")
	}
}

func TestModeratorLimits(t *testing.T) {
	e := newEnv(t, 0)
	b := e.signedIn("mod")
	for _, c := range []struct {
		path string
		form url.Values
	}{
		{"/admin/members/bob/role", url.Values{"role": {"admin"}}},
		{"/admin/members/bob/password", nil},
		{"/admin/members/create", url.Values{"username": {"eve"}, "email": {"eve@hospital.example"}, "role": {"admin"}}},
		{"/admin/federation/domains", url.Values{"domain": {"x.example"}, "policy": {"block"}}},
		{"/admin/federation/domains/remove", url.Values{"domain": {"x.example"}}},
		{"/admin/members/invite", url.Values{"role": {"admin"}, "uses": {"1"}, "days": {"1"}}},
		{"/admin/members/root/suspend", nil},
	} {
		before := e.auditCount()
		if r := b.post(c.path, c.form); r.status != http.StatusForbidden {
			t.Errorf("moderator POST %s: %d, want 403", c.path, r.status)
		}
		if e.auditCount() != before {
			t.Errorf("moderator POST %s wrote to the audit log", c.path)
		}
	}
	if e.user("bob").Role != storage.RoleMember || e.account("root").Suspended() {
		t.Fatal("a refused action happened")
	}
	// What moderators may do.
	act(t, e, b, "mod", "/admin/members/invite", url.Values{"role": {"member"}, "uses": {"2"}, "days": {"0"}}, http.StatusOK,
		audit.AccountInvite, "invite")
	act(t, e, b, "mod", "/admin/credentials/alice/attest", url.Values{"role": {"physician"}, "specialty": {"Cardiology"}},
		http.StatusSeeOther, audit.AccountVerify, "alice")
	act(t, e, b, "mod", "/admin/members/bob/suspend", nil, http.StatusSeeOther, audit.AccountSuspend, "bob")
	if r := b.get("/admin/members"); strings.Contains(r.body, "Change role") {
		t.Error("moderator is offered the role form")
	}
	// An admin cannot demote the only admin, nor themselves.
	rb := e.signedIn("root")
	if r := rb.post("/admin/members/root/role", url.Values{"role": {"member"}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("admin demoting self: %d, want 422", r.status)
	}
}

func TestInvalidInputIsRefused(t *testing.T) {
	e := newEnv(t, 0)
	b := e.signedIn("root")
	before := e.auditCount()
	for _, c := range []struct {
		path string
		form url.Values
	}{
		{"/admin/federation/domains", url.Values{"domain": {"http://x.example/"}, "policy": {"block"}}},
		{"/admin/federation/domains", url.Values{"domain": {"x.example"}, "policy": {"maybe"}}},
		{"/admin/credentials/alice/attest", url.Values{"role": {"wizard"}}},
		{"/admin/credentials/alice/attest", url.Values{"role": {"nurse"}, "npi": {"1234567890"}}},
		{"/admin/members/bob/role", url.Values{"role": {"owner"}}},
		{"/admin/members/create", url.Values{"username": {"Bad Name"}, "email": {"x@hospital.example"}}},
		{"/admin/members/invite", url.Values{"uses": {"0"}, "days": {"1"}}},
		{"/admin/credentials/alice/revoke", nil},
	} {
		if r := b.post(c.path, c.form); r.status != http.StatusUnprocessableEntity {
			t.Errorf("POST %s %v: %d, want 422", c.path, c.form, r.status)
		}
	}
	for _, p := range []string{"/admin/members/nobody/suspend", "/admin/reports/1/resolve", "/admin/deliveries/1/retry"} {
		if r := b.post(p, nil); r.status != http.StatusNotFound && r.status != http.StatusUnprocessableEntity {
			t.Errorf("POST %s: %d, want 404 or 422", p, r.status)
		}
	}
	if e.auditCount() != before {
		t.Error("refused input was audited")
	}
}

func TestIdleSessionExpires(t *testing.T) {
	e := newEnv(t, 300*time.Millisecond)
	b := e.signedIn("root")
	if r := b.get("/admin"); r.status != http.StatusOK {
		t.Fatalf("fresh session: %d", r.status)
	}
	time.Sleep(500 * time.Millisecond)
	if r := b.get("/admin"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/auth/sign_in") {
		t.Fatalf("idle session: %d → %q, want redirect to sign-in", r.status, r.header.Get("Location"))
	}
}

func TestSettingsFromHidesSecrets(t *testing.T) {
	type sub struct {
		Password string   `yaml:"password"`
		Hosts    []string `yaml:"hosts"`
	}
	got := admin.SettingsFrom(struct {
		Name string `yaml:"name"`
		DB   sub    `yaml:"db"`
	}{"x", sub{"hunter2", []string{"a", "b"}}})
	want := map[string]string{"name": "x", "db.password": "(set, hidden)", "db.hosts": "a, b"}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for _, s := range got {
		if want[s.Key] != s.Value {
			t.Errorf("%s = %q, want %q", s.Key, s.Value, want[s.Key])
		}
	}
}

package pages_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/oauth"
	"github.com/rounds-social/rounds/web/pages"
)

// Every form refuses a missing or a wrong CSRF token with 403.
func TestFormsRequireCSRF(t *testing.T) {
	e := newEnv(t, 0)
	link, _, err := pages.NewInvite(context.Background(), e.store, e.base, "", 1, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	invite := strings.TrimPrefix(link, e.base.Origin)
	anon, signed := e.browser(), e.browser()
	signed.mustSignIn("alice@hospital.example")
	anon.get("/auth/sign_in") // has its CSRF cookie, posts a wrong token
	forms := []struct {
		b    *browser
		path string
		form url.Values
	}{
		{anon, "/auth/sign_in", url.Values{"email": {"alice@hospital.example"}, "password": {testPassword}}},
		{anon, invite, url.Values{"username": {"carol"}, "email": {"carol@hospital.example"},
			"password": {testPassword}, "password_confirm": {testPassword}}},
		{signed, "/auth/sign_out", url.Values{}},
		{signed, "/settings/password", url.Values{"current": {testPassword}, "password": {"a new long password"},
			"password_confirm": {"a new long password"}}},
		{signed, "/settings/apps/revoke", url.Values{"app_id": {"0"}}},
	}
	for _, f := range forms {
		for _, token := range []string{"", "wrong-token-wrong-token-wrong-token-wrong-t"} {
			form := url.Values{}
			for k, v := range f.form {
				form[k] = v
			}
			if token != "" {
				form.Set("csrf_token", token)
			}
			if r := f.b.do(http.MethodPost, f.path, "", form); r.status != http.StatusForbidden {
				t.Errorf("POST %s with token %q: %d, want 403", f.path, token, r.status)
			}
		}
	}
	if r := signed.get("/settings/apps"); r.status != http.StatusOK {
		t.Errorf("the refused forms changed something: still signed in? %d", r.status)
	}
}

// A wrong password gets a readable error; the sixth try after five
// failures is refused without checking, and both outcomes are audited.
func TestSignInFailuresAndRateLimit(t *testing.T) {
	e := newEnv(t, 0)
	b := e.browser()
	for i := 0; i < 5; i++ {
		r := b.signIn("alice@hospital.example", "not the password")
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "Invalid e-mail or password.") {
			t.Fatalf("failure %d: %d\n%s", i+1, r.status, r.body)
		}
	}
	r := b.signIn("alice@hospital.example", testPassword)
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Too many failed sign-in attempts") {
		t.Fatalf("after 5 failures: %d\n%s", r.status, r.body)
	}
	// Another e-mail from another browser on the same IP is limited too.
	if r := e.browser().signIn("bob@hospital.example", testPassword); r.status != http.StatusTooManyRequests {
		t.Errorf("same IP, other account: %d", r.status)
	}
	entries, err := e.store.AuditEntries(context.Background(), storage.AuditFilter{Action: audit.SignInFailure})
	if err != nil || len(entries) != 5 || entries[0].IP != "127.0.0.1" {
		t.Errorf("audit of failures: %d entries, err %v", len(entries), err)
	}
}

// A session idle longer than the timeout ends: the next page asks to sign in.
func TestIdleSessionExpires(t *testing.T) {
	e := newEnv(t, 400*time.Millisecond)
	b := e.browser()
	b.mustSignIn("alice@hospital.example")
	ok, err := e.store.AuditEntries(context.Background(), storage.AuditFilter{Action: audit.SignInSuccess})
	if err != nil || len(ok) != 1 || ok[0].IP != "127.0.0.1" || ok[0].Actor != "alice" {
		t.Errorf("audit of the sign-in: %+v %v", ok, err)
	}
	if r := b.get("/settings/apps"); r.status != http.StatusOK {
		t.Fatalf("signed in: %d", r.status)
	}
	time.Sleep(600 * time.Millisecond)
	r := b.get("/settings/apps")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/auth/sign_in?return_to=") {
		t.Fatalf("after the idle timeout: %d %s", r.status, r.header.Get("Location"))
	}
}

// An invite link creates one working account; a used-up link is refused.
func TestInviteRegistration(t *testing.T) {
	e := newEnv(t, 0)
	link, _, err := pages.NewInvite(context.Background(), e.store, e.base, storage.RoleMember, 1, 24*time.Hour, 0)
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, e.base.Origin)
	form := func(name string) url.Values {
		return url.Values{"username": {name}, "display_name": {"Dr " + name}, "email": {name + "@hospital.example"},
			"password": {testPassword}, "password_confirm": {testPassword}}
	}
	b := e.browser()
	bad := form("carol")
	bad.Set("password_confirm", "something else")
	if r := b.submit(path, path, bad); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "do not match") {
		t.Fatalf("mismatched passwords: %d", r.status)
	}
	r := b.submit(path, path, form("carol"))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/@carol" {
		t.Fatalf("register: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	if r := b.get("/settings/apps"); r.status != http.StatusOK {
		t.Errorf("not signed in after registering: %d", r.status)
	}
	e.browser().mustSignIn("carol@hospital.example")
	if r := e.browser().get(path); r.status != http.StatusNotFound || !strings.Contains(r.body, "used up") {
		t.Errorf("used-up invite page: %d", r.status)
	}
	if r := e.browser().submit("/auth/sign_in", path, form("dave")); r.status != http.StatusNotFound {
		t.Errorf("second registration with a single-use invite: %d", r.status)
	}
	if _, err := e.store.AccountByUsername(context.Background(), "dave", ""); err == nil {
		t.Error("a used-up invite created an account")
	}
}

// Changing the password needs the current one; afterwards only the new one works.
func TestPasswordChange(t *testing.T) {
	e := newEnv(t, 0)
	b := e.browser()
	b.mustSignIn("alice@hospital.example")
	const newPW = "a brand new passphrase"
	if r := b.submit("/settings/password", "/settings/password", url.Values{"current": {"wrong password"},
		"password": {newPW}, "password_confirm": {newPW}}); r.status != http.StatusUnauthorized {
		t.Fatalf("wrong current password: %d", r.status)
	}
	r := b.submit("/settings/password", "/settings/password", url.Values{"current": {testPassword},
		"password": {newPW}, "password_confirm": {newPW}})
	if r.status != http.StatusOK || !strings.Contains(r.body, "has been changed") {
		t.Fatalf("change: %d\n%s", r.status, r.body)
	}
	if r := e.browser().signIn("alice@hospital.example", testPassword); r.status != http.StatusUnauthorized {
		t.Errorf("old password still works: %d", r.status)
	}
	if r := e.browser().signIn("alice@hospital.example", newPW); r.status != http.StatusSeeOther {
		t.Errorf("new password refused: %d", r.status)
	}
}

// Revoking an app on the apps page makes its token fail on the API.
func TestAppRevoke(t *testing.T) {
	e := newEnv(t, 0)
	ctx := context.Background()
	app := &storage.App{Name: "Phanpy", Website: "https://phanpy.example", ClientID: oauth.NewSecret(), Scopes: []string{"read"}}
	if err := e.store.CreateApp(ctx, app); err != nil {
		t.Fatal(err)
	}
	u, err := e.store.UserByAccount(ctx, e.alice.ID)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := oauth.Issue(ctx, e.store, u.ID, app.ID, []string{"read"})
	if err != nil {
		t.Fatal(err)
	}
	api := func() int {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/accounts/verify_credentials", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if s := api(); s != http.StatusOK {
		t.Fatalf("token before revoke: %d", s)
	}
	b := e.browser()
	b.mustSignIn("alice@hospital.example")
	if r := b.get("/settings/apps"); !strings.Contains(r.body, "Phanpy") {
		t.Fatalf("apps page lacks the app:\n%s", r.body)
	}
	r := b.submit("/settings/apps", "/settings/apps/revoke", url.Values{"app_id": {storage.FormatID(app.ID)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", r.status, r.body)
	}
	if s := api(); s != http.StatusUnauthorized {
		t.Errorf("token after revoke: %d, want 401", s)
	}
	if r := b.get("/settings/apps"); strings.Contains(r.body, "Phanpy") {
		t.Error("revoked app still listed")
	}
	if got, _ := e.store.AuditEntries(ctx, storage.AuditFilter{Action: audit.TokenRevoke}); len(got) != 1 {
		t.Errorf("audit of the revoke: %d entries", len(got))
	}
}

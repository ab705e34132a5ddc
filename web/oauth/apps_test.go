package oauth

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestRegisterAppFormJSONQuery(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	cases := map[string]resp{
		"form": e.postForm(nil, "/api/v1/apps", url.Values{"client_name": {"Tusky"},
			"redirect_uris": {"oauth2redirect://com.keylesspalace.tusky/"}, "scopes": {"read write follow push"},
			"website": {"https://tusky.app"}}),
		"json": e.do(nil, http.MethodPost, "/api/v1/apps", "application/json",
			`{"client_name":"Elk","redirect_uris":["https://elk.zone/cb","icecubesapp://"],"scopes":"read write follow push"}`),
		"query": e.do(nil, http.MethodPost, "/api/v1/apps?client_name=IceCubesApp&redirect_uris=icecubesapp://&scopes=read+write+follow+push", "", ""),
	}
	want := map[string][]string{"form": {"oauth2redirect://com.keylesspalace.tusky/"},
		"json": {"https://elk.zone/cb", "icecubesapp://"}, "query": {"icecubesapp://"}}
	for name, r := range cases {
		if r.status != http.StatusOK {
			t.Errorf("%s: %d %s", name, r.status, r.body)
			continue
		}
		m := r.json(t)
		if m["client_id"] == "" || len(m["client_secret"].(string)) != 43 || m["client_secret_expires_at"] != 0.0 ||
			m["vapid_key"] != "" || m["id"] == "" {
			t.Errorf("%s: credential application %v", name, m)
		}
		var got []string
		for _, u := range m["redirect_uris"].([]any) {
			got = append(got, u.(string))
		}
		if !slices.Equal(got, want[name]) || m["redirect_uri"] != strings.Join(want[name], "\n") {
			t.Errorf("%s: redirect_uris %v / %q, want %v", name, got, m["redirect_uri"], want[name])
		}
		if scopes := m["scopes"].([]any); len(scopes) != 4 {
			t.Errorf("%s: scopes %v", name, scopes)
		}
	}
	// Only the hash of the secret is stored.
	m := cases["form"].json(t)
	stored, err := e.store.AppByClientID(t.Context(), m["client_id"].(string))
	if err != nil || stored.SecretHash != HashToken(m["client_secret"].(string)) {
		t.Errorf("stored app %+v, %v: want the secret's hash", stored, err)
	}
}

func TestRegisterAppValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	bad := map[string]url.Values{
		"no name":         {"redirect_uris": {"https://app.example/cb"}},
		"no redirect":     {"client_name": {"X"}},
		"relative":        {"client_name": {"X"}, "redirect_uris": {"/cb"}},
		"javascript":      {"client_name": {"X"}, "redirect_uris": {"javascript:alert(1)"}},
		"data":            {"client_name": {"X"}, "redirect_uris": {"data:text/html,hi"}},
		"vbscript":        {"client_name": {"X"}, "redirect_uris": {"VBScript:msgbox"}},
		"fragment":        {"client_name": {"X"}, "redirect_uris": {"https://app.example/cb#x"}},
		"one bad of two":  {"client_name": {"X"}, "redirect_uris": {"https://ok.example/cb javascript:x"}},
		"website not web": {"client_name": {"X"}, "redirect_uris": {"https://app.example/cb"}, "website": {"ftp://x"}},
	}
	for name, v := range bad {
		r := e.postForm(nil, "/api/v1/apps", v)
		if r.status != http.StatusUnprocessableEntity || r.json(t)["error"] == "" {
			t.Errorf("%s: %d %s, want 422 with an error", name, r.status, r.body)
		}
	}
	// Custom schemes (Ivory), oob, newline-separated lists, default and
	// unknown scopes are all fine.
	r := e.postForm(nil, "/api/v1/apps", url.Values{"client_name": {"Ivory"},
		"redirect_uris": {"com.tapbots.Ivory.10217:/request_token\nurn:ietf:wg:oauth:2.0:oob"}, "scopes": {"read crypto"}})
	if r.status != http.StatusOK {
		t.Fatalf("Ivory: %d %s", r.status, r.body)
	}
	if m := r.json(t); len(m["redirect_uris"].([]any)) != 2 || len(m["scopes"].([]any)) != 1 {
		t.Errorf("Ivory app: %v", m)
	}
	r = e.postForm(nil, "/api/v1/apps", url.Values{"client_name": {"Bare"}, "redirect_uris": {OOB}})
	if m := r.json(t); m["scopes"].([]any)[0] != "read" {
		t.Errorf("default scopes: %v", m["scopes"])
	}
}

func TestVerifyAppCredentials(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	a := e.registerApp("https://app.example/cb", "read write")
	r := e.postForm(nil, "/oauth/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {a.id}, "client_secret": {a.secret}})
	appToken := r.json(t)["access_token"].(string)
	userToken := e.exchange(a, e.code(a, "https://app.example/cb", nil), "https://app.example/cb", nil).json(t)["access_token"].(string)
	for name, tok := range map[string]string{"app token": appToken, "user token": userToken} {
		r := e.get(nil, "/api/v1/apps/verify_credentials", "Authorization", "Bearer "+tok)
		if m := r.json(t); r.status != http.StatusOK || m["name"] != "Test App" || len(m["redirect_uris"].([]any)) != 1 {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	if r := e.get(nil, "/api/v1/apps/verify_credentials", "Authorization", "Bearer nope"); r.status != http.StatusUnauthorized {
		t.Errorf("bad token: %d", r.status)
	}
}

func TestMetadata(t *testing.T) {
	t.Parallel()
	e := newEnv(t, Options{})
	m := e.get(nil, "/.well-known/oauth-authorization-server").json(t)
	if m["token_endpoint"] != e.srv.URL+"/oauth/token" || m["authorization_endpoint"] != e.srv.URL+"/oauth/authorize" ||
		m["revocation_endpoint"] != e.srv.URL+"/oauth/revoke" || m["app_registration_endpoint"] != e.srv.URL+"/api/v1/apps" {
		t.Errorf("endpoints: %v", m)
	}
	if ms := m["code_challenge_methods_supported"].([]any); len(ms) != 1 || ms[0] != "S256" {
		t.Errorf("code_challenge_methods_supported: %v", ms)
	}
	if !slices.Contains(m["scopes_supported"].([]any), any("write:statuses")) {
		t.Errorf("scopes_supported: %v", m["scopes_supported"])
	}
}

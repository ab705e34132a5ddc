package oauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// OOB is the redirect URI of clients that show the code to the user to copy.
const OOB = "urn:ietf:wg:oauth:2.0:oob"

// createApp is POST /api/v1/apps: dynamic client registration, as Mastodon
// does it. Every app gets a secret; only its hash is kept.
func (s *Server) createApp(w http.ResponseWriter, r *http.Request) {
	p, ok := paramsOrError(w, r)
	if !ok {
		return
	}
	name := strings.TrimSpace(p.Get("client_name"))
	if name == "" || len(name) > 200 {
		httpx.WriteError(w, http.StatusUnprocessableEntity, "Validation failed: Application name can't be blank or longer than 200 characters")
		return
	}
	redirects, err := parseRedirectURIs(list(p, "redirect_uris"))
	if err != nil {
		httpx.WriteError(w, http.StatusUnprocessableEntity, "Validation failed: Redirect URI "+err.Error())
		return
	}
	website := strings.TrimSpace(p.Get("website"))
	if website != "" && !isWebURL(website) {
		httpx.WriteError(w, http.StatusUnprocessableEntity, "Validation failed: Website must be an http or https URL")
		return
	}
	scopes := knownScope(p.Get("scopes"))
	if len(scopes) == 0 {
		scopes = []string{"read"} // Doorkeeper's default_scopes
	}
	secret := NewSecret()
	app := &storage.App{Name: name, Website: website, RedirectURIs: redirects, ClientID: NewSecret(),
		SecretHash: HashToken(secret), Scopes: scopes}
	if err := s.store.CreateApp(r.Context(), app); err != nil {
		s.log.Error("create app", "err", err)
		httpx.WriteError(w, http.StatusInternalServerError, "internal server error")
		return
	}
	s.audit(r.Context(), "oauth.app_registered", 0)
	body := appJSON(app)
	body["client_id"], body["client_secret"] = app.ClientID, secret
	body["client_secret_expires_at"], body["vapid_key"] = 0, ""
	httpx.WriteJSON(w, http.StatusOK, body)
}

// appJSON is the Application entity.
func appJSON(a *storage.App) map[string]any {
	website := any(nil)
	if a.Website != "" {
		website = a.Website
	}
	return map[string]any{"id": storage.FormatID(a.ID), "name": a.Name, "website": website,
		"scopes": a.Scopes, "redirect_uri": strings.Join(a.RedirectURIs, "\n"), "redirect_uris": a.RedirectURIs,
		"vapid_key": ""}
}

// parseRedirectURIs splits the one-or-many forms clients send (a string with
// spaces or newlines, or an array) and checks each.
func parseRedirectURIs(values []string) ([]string, error) {
	out := []string{}
	for _, v := range values {
		for _, u := range strings.Fields(v) {
			if err := checkRedirectURI(u); err != nil {
				return nil, err
			}
			if !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("can't be blank")
	}
	return out, nil
}

// checkRedirectURI accepts any absolute URI (apps use custom schemes such as
// com.tapbots.Ivory.10217:/request_token) except those a browser would run
// as code, as Mastodon's forbid_redirect_uri does.
func checkRedirectURI(raw string) error {
	if raw == OOB {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || len(raw) > 2000 {
		return fmt.Errorf("%q must be an absolute URI", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "javascript", "data", "vbscript":
		return fmt.Errorf("%q uses a forbidden scheme", raw)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return fmt.Errorf("%q must not contain a fragment", raw) // RFC 6749 §3.1.2
	}
	return nil
}

func isWebURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// verifyApp is GET /api/v1/apps/verify_credentials: any live token, app or
// user, tells its app about itself.
func (s *Server) verifyApp(w http.ResponseWriter, r *http.Request) {
	tok, err := Lookup(r.Context(), s.store, bearer(r), time.Now())
	if err != nil {
		httpx.WriteError(w, http.StatusUnauthorized, ErrInvalidToken.Error())
		return
	}
	app, err := s.store.AppByID(r.Context(), tok.AppID)
	if errors.Is(err, storage.ErrNotFound) {
		httpx.WriteError(w, http.StatusNotFound, "This token was not issued to an application")
		return
	}
	if err != nil {
		s.log.Error("verify app", "err", err)
		httpx.WriteError(w, http.StatusInternalServerError, "internal server error")
		return
	}
	httpx.WriteJSON(w, http.StatusOK, appJSON(app))
}

// bearer reads "Authorization: Bearer …" (scheme case-insensitive).
func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(tok)
	}
	return ""
}

// clientCredentials reads client_id and client_secret from HTTP Basic
// (client_secret_basic) or the parameters (client_secret_post).
func clientCredentials(r *http.Request, p url.Values) (id, secret string) {
	if u, pw, ok := r.BasicAuth(); ok {
		// RFC 6749 §2.3.1: both parts are form-urlencoded before encoding.
		if du, err := url.QueryUnescape(u); err == nil {
			u = du
		}
		if dp, err := url.QueryUnescape(pw); err == nil {
			pw = dp
		}
		return u, pw
	}
	return p.Get("client_id"), p.Get("client_secret")
}

// findApp returns the app with clientID, or nil when there is none.
func (s *Server) findApp(ctx context.Context, clientID string) (*storage.App, error) {
	if clientID == "" || len(clientID) > 200 {
		return nil, nil
	}
	app, err := s.store.AppByClientID(ctx, clientID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	return app, err
}

// secretMatches compares hashes in constant time, so response timing says
// nothing about how much of a guessed secret was right.
func secretMatches(app *storage.App, secret string) bool {
	return secret != "" && subtle.ConstantTimeCompare([]byte(HashToken(secret)), []byte(app.SecretHash)) == 1
}

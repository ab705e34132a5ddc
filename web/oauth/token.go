package oauth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// CodeLifetime is how long an authorization code may wait for exchange.
const CodeLifetime = 10 * time.Minute

// grantError is an RFC 6749 §5.2 error a grant answers with.
type grantError struct {
	status int
	code   string
	desc   string
}

func (e *grantError) Error() string { return e.code + ": " + e.desc }

var (
	errInvalidClient = &grantError{http.StatusUnauthorized, "invalid_client",
		"Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method."}
	errInvalidGrant = &grantError{http.StatusBadRequest, "invalid_grant",
		"The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client."}
	errInvalidScope = &grantError{http.StatusBadRequest, "invalid_scope",
		"The requested scope is invalid, unknown, or malformed."}
)

func invalidRequest(desc string) *grantError {
	return &grantError{http.StatusBadRequest, "invalid_request", desc}
}

// issued is what a successful grant hands back.
type issued struct {
	access, refresh string
	token           *storage.Token
}

// token is POST /oauth/token.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if now := time.Now(); s.opt.TokenLimit != nil {
		if res := s.opt.TokenLimit.Allow(clientIP(r), now); !res.Allowed {
			w.Header().Set("Cache-Control", "no-store")
			res.Refuse(w, now)
			return
		}
	}
	p, ok := paramsOrError(w, r)
	if !ok {
		return
	}
	var res *issued
	var err error
	switch gt := p.Get("grant_type"); gt {
	case "authorization_code":
		res, err = s.codeGrant(r, p)
	case "client_credentials":
		res, err = s.clientGrant(r, p)
	case "refresh_token":
		res, err = s.refreshGrant(r, p)
	case "":
		err = invalidRequest("The request is missing a required parameter: grant_type.")
	default:
		// Includes "password", which Mastodon 4.3 removed (research §8 pitfall 19).
		err = &grantError{http.StatusBadRequest, "unsupported_grant_type",
			"The authorization grant type is not supported by the authorization server."}
	}
	var ge *grantError
	if errors.As(err, &ge) {
		oauthError(w, ge.status, ge.code, ge.desc)
		return
	}
	if err != nil {
		s.log.Error("token grant", "err", err)
		oauthError(w, http.StatusInternalServerError, "server_error", "The authorization server encountered an unexpected condition.")
		return
	}
	s.audit(r.Context(), "oauth.token_issued", res.token.UserID)
	writeToken(w, res)
}

func writeToken(w http.ResponseWriter, res *issued) {
	body := map[string]any{"access_token": res.access, "token_type": "Bearer",
		"scope": strings.Join(res.token.Scopes, " "), "created_at": res.token.CreatedAt.Unix()}
	if res.refresh != "" {
		body["refresh_token"] = res.refresh
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	httpx.WriteJSON(w, http.StatusOK, body)
}

// authenticateClient finds the calling app and checks its secret. With
// allowPublic, a request without a secret passes, and the caller must then
// hold the client to a PKCE proof instead.
func (s *Server) authenticateClient(ctx context.Context, r *http.Request, p url.Values, allowPublic bool) (*storage.App, bool, error) {
	id, secret := clientCredentials(r, p)
	app, err := s.findApp(ctx, id)
	if err != nil {
		return nil, false, err
	}
	if app == nil {
		return nil, false, errInvalidClient
	}
	if secret == "" && allowPublic {
		return app, false, nil
	}
	if !secretMatches(app, secret) {
		return nil, false, errInvalidClient
	}
	return app, true, nil
}

// codeGrant exchanges an authorization code (RFC 6749 §4.1.3, RFC 7636 §4.6).
func (s *Server) codeGrant(r *http.Request, p url.Values) (*issued, error) {
	ctx := r.Context()
	plainCode, verifier := p.Get("code"), p.Get("code_verifier")
	if plainCode == "" {
		return nil, invalidRequest("The request is missing a required parameter: code.")
	}
	app, authenticated, err := s.authenticateClient(ctx, r, p, verifier != "")
	if err != nil {
		return nil, err
	}
	code, err := s.store.ConsumeAuthCode(ctx, HashToken(plainCode))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errInvalidGrant
	}
	if err != nil {
		return nil, err
	}
	if code.AppID != app.ID || time.Now().After(code.ExpiresAt) || !redirectMatches(p.Get("redirect_uri"), code, app) {
		return nil, errInvalidGrant
	}
	if err := checkPKCE(code, verifier, authenticated); err != nil {
		return nil, err
	}
	if err := s.userMayGrant(ctx, code.UserID); err != nil {
		return nil, err
	}
	return issue(ctx, s.store, app.ID, code.UserID, code.Scopes, true)
}

// redirectMatches: the redirect_uri must repeat the authorize request's
// (RFC 6749 §4.1.3); it may be left out only when the app has just one.
func redirectMatches(given string, code *storage.AuthCode, app *storage.App) bool {
	if given == "" {
		return len(app.RedirectURIs) == 1 && app.RedirectURIs[0] == code.RedirectURI
	}
	return given == code.RedirectURI
}

// pkceVerifier is RFC 7636 §4.1's code_verifier syntax.
var pkceVerifier = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// checkPKCE verifies the code_verifier against the challenge the code was
// bound to. A client that sent no secret must have used PKCE.
func checkPKCE(code *storage.AuthCode, verifier string, authenticated bool) error {
	if code.Challenge == "" {
		if !authenticated {
			return errInvalidClient
		}
		return nil
	}
	if !pkceVerifier.MatchString(verifier) {
		return errInvalidGrant
	}
	sum := sha256.Sum256([]byte(verifier))
	got := base64.RawURLEncoding.EncodeToString(sum[:])
	if subtle.ConstantTimeCompare([]byte(got), []byte(code.Challenge)) != 1 {
		return errInvalidGrant
	}
	return nil
}

// clientGrant issues an app-only token (RFC 6749 §4.4): no user, no refresh.
func (s *Server) clientGrant(r *http.Request, p url.Values) (*issued, error) {
	app, _, err := s.authenticateClient(r.Context(), r, p, false)
	if err != nil {
		return nil, err
	}
	scopes := knownScope(p.Get("scope"))
	if len(scopes) == 0 {
		scopes = []string{"read"}
		if !subset(scopes, app.Scopes) {
			scopes = app.Scopes
		}
	}
	if !subset(scopes, app.Scopes) {
		return nil, errInvalidScope
	}
	return issue(r.Context(), s.store, app.ID, 0, scopes, false)
}

// refreshGrant rotates a refresh token (RFC 6749 §6): the old access and
// refresh tokens stop working in the same transaction that makes the new.
func (s *Server) refreshGrant(r *http.Request, p url.Values) (*issued, error) {
	ctx := r.Context()
	app, _, err := s.authenticateClient(ctx, r, p, false)
	if err != nil {
		return nil, err
	}
	plain := p.Get("refresh_token")
	if plain == "" {
		return nil, invalidRequest("The request is missing a required parameter: refresh_token.")
	}
	var res *issued
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		old, err := tx.TokenByRefreshHash(ctx, HashToken(plain))
		if errors.Is(err, storage.ErrNotFound) {
			return errInvalidGrant
		}
		if err != nil {
			return err
		}
		if !old.RevokedAt.IsZero() || old.AppID != app.ID {
			return errInvalidGrant
		}
		if err := s.userMayGrant(ctx, old.UserID); err != nil {
			return err
		}
		scopes := old.Scopes
		if asked := knownScope(p.Get("scope")); p.Get("scope") != "" {
			if len(asked) == 0 || !subset(asked, old.Scopes) {
				return errInvalidScope
			}
			scopes = asked
		}
		if err := tx.RevokeToken(ctx, old.ID, time.Now()); err != nil {
			return err
		}
		res, err = issue(ctx, tx, app.ID, old.UserID, scopes, true)
		return err
	})
	return res, err
}

// issue creates a token, with a refresh token when asked.
func issue(ctx context.Context, st storage.OAuth, appID, userID int64, scopes []string, refresh bool) (*issued, error) {
	res := &issued{access: NewSecret()}
	t := &storage.Token{AppID: appID, UserID: userID, TokenHash: HashToken(res.access), Scopes: scopes,
		CreatedAt: time.Now().UTC()}
	if refresh {
		res.refresh = NewSecret()
		t.RefreshHash = HashToken(res.refresh)
	}
	if err := st.CreateToken(ctx, t); err != nil {
		return nil, err
	}
	res.token = t
	return res, nil
}

// userMayGrant refuses tokens for users removed or disabled since they
// signed in; userID 0 (an app token being refreshed) never happens here.
func (s *Server) userMayGrant(ctx context.Context, userID int64) error {
	u, err := s.store.User(ctx, userID)
	if errors.Is(err, storage.ErrNotFound) {
		return errInvalidGrant
	}
	if err != nil {
		return err
	}
	if u.Disabled {
		return errInvalidGrant
	}
	return nil
}

// revoke is POST /oauth/revoke (RFC 7009): 200 {} whether or not the token
// existed, so the answer reveals nothing about unknown tokens.
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	p, ok := paramsOrError(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	app, _, err := s.authenticateClient(ctx, r, p, false)
	var ge *grantError
	if errors.As(err, &ge) {
		oauthError(w, ge.status, ge.code, ge.desc)
		return
	}
	tok, err := s.tokenByEither(ctx, p.Get("token"))
	if err == nil && tok != nil && tok.AppID != app.ID {
		// Doorkeeper's answer when an app revokes another app's token.
		oauthError(w, http.StatusForbidden, "unauthorized_client", "You are not authorized to revoke this token")
		return
	}
	if err == nil && tok != nil && tok.RevokedAt.IsZero() {
		err = s.store.RevokeToken(ctx, tok.ID, time.Now())
		s.audit(ctx, "oauth.token_revoked", tok.UserID)
	}
	if err != nil {
		s.log.Error("revoke token", "err", err)
		oauthError(w, http.StatusInternalServerError, "server_error", "The authorization server encountered an unexpected condition.")
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{})
}

// tokenByEither finds a token by its access or its refresh value (RFC 7009
// lets clients revoke with either); nil when neither matches.
func (s *Server) tokenByEither(ctx context.Context, plain string) (*storage.Token, error) {
	if plain == "" || len(plain) > 512 {
		return nil, nil
	}
	h := HashToken(plain)
	tok, err := s.store.TokenByHash(ctx, h)
	if errors.Is(err, storage.ErrNotFound) {
		tok, err = s.store.TokenByRefreshHash(ctx, h)
	}
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	return tok, err
}

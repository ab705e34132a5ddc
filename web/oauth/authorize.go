package oauth

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
)

// authRequest is a validated GET or POST /oauth/authorize.
type authRequest struct {
	app         *storage.App
	redirectURI string
	scopes      []string
	state       string
	challenge   string
	forceLogin  bool
}

// authError is a refused authorization request. Without a trustworthy
// redirect URI it is shown as a page; otherwise it goes back to the app
// (RFC 6749 §4.1.2.1), which must never happen for an unverified URI.
type authError struct {
	redirect bool
	code     string
	desc     string
}

// S256 challenges are base64url SHA-256 digests: 43 characters.
var s256Challenge = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

func (s *Server) parseAuthRequest(ctx context.Context, q url.Values) (*authRequest, *authError, error) {
	app, err := s.findApp(ctx, q.Get("client_id"))
	if err != nil {
		return nil, nil, err
	}
	if app == nil {
		return nil, &authError{false, "invalid_client", "This application is not registered here. Ask the app to sign in again."}, nil
	}
	req := &authRequest{app: app, redirectURI: q.Get("redirect_uri"), state: q.Get("state"),
		forceLogin: q.Get("force_login") == "true" || q.Get("force_login") == "1"}
	if req.redirectURI == "" && len(app.RedirectURIs) == 1 {
		req.redirectURI = app.RedirectURIs[0]
	}
	if !slices.Contains(app.RedirectURIs, req.redirectURI) {
		return nil, &authError{false, "invalid_redirect_uri", "The redirect URI is not one this application registered."}, nil
	}
	return req, req.checkRest(q), nil
}

// checkRest validates what can be reported back to the app's redirect URI.
func (req *authRequest) checkRest(q url.Values) *authError {
	if q.Get("response_type") != "code" {
		return &authError{true, "unsupported_response_type", "Only response_type=code is supported."}
	}
	req.scopes = knownScope(q.Get("scope"))
	if strings.TrimSpace(q.Get("scope")) == "" {
		req.scopes = []string{"read"} // Doorkeeper's default_scopes
	}
	if len(req.scopes) == 0 || !subset(req.scopes, req.app.Scopes) {
		return &authError{true, "invalid_scope", "The requested scope is not one this application registered."}
	}
	if c := q.Get("code_challenge"); c != "" {
		if q.Get("code_challenge_method") != "S256" || !s256Challenge.MatchString(c) {
			return &authError{true, "invalid_request", "Only PKCE with code_challenge_method=S256 is supported."}
		}
		req.challenge = c
	}
	if len(req.state) > 2000 {
		return &authError{true, "invalid_request", "The state parameter is too long."}
	}
	return nil
}

// query is the request as authorize-page parameters, for forms and links.
func (req *authRequest) query() url.Values {
	q := url.Values{"response_type": {"code"}, "client_id": {req.app.ClientID},
		"redirect_uri": {req.redirectURI}, "scope": {strings.Join(req.scopes, " ")}}
	if req.state != "" {
		q.Set("state", req.state)
	}
	if req.challenge != "" {
		q.Set("code_challenge", req.challenge)
		q.Set("code_challenge_method", "S256")
	}
	return q
}

// authorizePage is GET /oauth/authorize: the sign-in page, or for a
// signed-in browser the consent page.
func (s *Server) authorizePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	req, aerr, err := s.parseAuthRequest(ctx, r.URL.Query())
	if s.refused(w, r, req, aerr, err) {
		return
	}
	sess, err := s.currentSession(ctx, r)
	if err != nil {
		s.internal(w, "session", err)
		return
	}
	if sess == nil || req.forceLogin {
		s.showSignIn(w, r, req, http.StatusOK, "", "")
		return
	}
	s.showConsent(w, r, req, sess)
}

// refused answers a bad authorize request; it reports whether it did.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, req *authRequest, aerr *authError, err error) bool {
	switch {
	case err != nil:
		s.internal(w, "authorize", err)
	case aerr != nil && aerr.redirect:
		s.redirectBack(w, r, req, url.Values{"error": {aerr.code}, "error_description": {aerr.desc}})
	case aerr != nil:
		s.errorPage(w, http.StatusBadRequest, "Cannot authorize this app", aerr.desc)
	default:
		return false
	}
	return true
}

func (s *Server) internal(w http.ResponseWriter, what string, err error) {
	s.log.Error("oauth "+what, "err", err)
	s.errorPage(w, http.StatusInternalServerError, "Something went wrong", "Please try again in a moment.")
}

func (s *Server) showSignIn(w http.ResponseWriter, r *http.Request, req *authRequest, status int, email, msg string) {
	nonce := s.signInNonce(w, r)
	// Sign-in returns to the same request without force_login, or the page
	// would ask for the password again forever.
	s.render(w, status, "signin", page{Title: "Sign in", AppName: req.app.Name, Email: email, Error: msg,
		CSRF: csrfToken(nonce), ReturnTo: "/oauth/authorize?" + req.query().Encode()})
}

func (s *Server) showConsent(w http.ResponseWriter, r *http.Request, req *authRequest, sess *session) {
	acct, err := s.store.Account(r.Context(), sess.user.AccountID)
	if err != nil {
		s.internal(w, "consent account", err)
		return
	}
	p := page{Title: "Authorize " + req.app.Name, AppName: req.app.Name, Website: req.app.Website,
		Username: acct.Username, CSRF: csrfToken(sess.cookie)}
	for _, sc := range req.scopes {
		p.Scopes = append(p.Scopes, describe(sc))
	}
	q := req.query()
	for _, k := range []string{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method"} {
		if v := q.Get(k); v != "" {
			p.Hidden = append(p.Hidden, hiddenField{k, v})
		}
	}
	q.Set("force_login", "true")
	p.SwitchURL = "/oauth/authorize?" + q.Encode()
	s.render(w, http.StatusOK, "authorize", p)
}

// authorizeDecision is POST /oauth/authorize: the Authorize or Deny button.
// Every parameter is validated again; the form is just another client.
func (s *Server) authorizeDecision(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, http.StatusBadRequest, "Cannot authorize this app", "The form could not be read.")
		return
	}
	req, aerr, err := s.parseAuthRequest(ctx, r.PostForm)
	if s.refused(w, r, req, aerr, err) {
		return
	}
	sess, err := s.currentSession(ctx, r)
	if err != nil {
		s.internal(w, "session", err)
		return
	}
	if sess == nil {
		// Idle too long: sign in again, then see the same question.
		http.Redirect(w, r, "/oauth/authorize?"+req.query().Encode(), http.StatusSeeOther)
		return
	}
	if !csrfOK(r, sessionCookie, r.PostForm.Get("csrf_token")) {
		s.errorPage(w, http.StatusForbidden, "This form has expired", "Go back to the app and start signing in again.")
		return
	}
	if r.PostForm.Get("decision") != "approve" {
		s.audit(ctx, "oauth.authorize_denied", sess.user.ID)
		s.redirectBack(w, r, req, url.Values{"error": {"access_denied"},
			"error_description": {"The resource owner or authorization server denied the request."}})
		return
	}
	s.grantCode(w, r, req, sess.user)
}

// grantCode stores a fresh code and hands it to the app.
func (s *Server) grantCode(w http.ResponseWriter, r *http.Request, req *authRequest, u *storage.User) {
	ctx := r.Context()
	code := NewSecret()
	now := time.Now()
	ac := &storage.AuthCode{CodeHash: HashToken(code), AppID: req.app.ID, UserID: u.ID, RedirectURI: req.redirectURI,
		Scopes: req.scopes, Challenge: req.challenge, CreatedAt: now, ExpiresAt: now.Add(CodeLifetime)}
	if req.challenge != "" {
		ac.ChallengeMethod = "S256"
	}
	if err := s.store.CreateAuthCode(ctx, ac); err != nil {
		s.internal(w, "create code", err)
		return
	}
	s.audit(ctx, "oauth.authorized", u.ID)
	if req.redirectURI == OOB {
		s.render(w, http.StatusOK, "oob", page{Title: "Authorization code", AppName: req.app.Name, Code: code})
		return
	}
	s.redirectBack(w, r, req, url.Values{"code": {code}})
}

// redirectBack sends the browser to the app's redirect URI with params and
// the state. The URI is built as a string because custom schemes such as
// "icecubesapp://" do not survive a round trip through url.URL.
func (s *Server) redirectBack(w http.ResponseWriter, r *http.Request, req *authRequest, params url.Values) {
	if req.state != "" {
		params.Set("state", req.state)
	}
	if req.redirectURI == OOB {
		s.errorPage(w, http.StatusBadRequest, "Authorization refused", params.Get("error_description"))
		return
	}
	sep := "?"
	if strings.Contains(req.redirectURI, "?") {
		sep = "&"
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Location", req.redirectURI+sep+params.Encode())
	w.WriteHeader(http.StatusFound)
}

package oauth

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
	"github.com/rounds-social/rounds/web/ratelimit"
)

// Why the grants are written here rather than on github.com/go-oauth2/oauth2/v4
// (evaluated at v4.5.4): its refresh_token grant never authenticates the
// client (Manager.RefreshAccessToken ignores client_id and secret), its
// TokenStore contract hands over and compares plain tokens (GetByAccess must
// return the plain value back), it reads only form bodies, answers
// invalid_grant and unsupported_grant_type with 401 unless a global map is
// patched, has no RFC 7009 revocation, and the sign-in, consent and oob pages
// are ours either way. What remains is small: crypto/rand secrets, SHA-256
// at rest, constant-time comparisons, single-use codes by DELETE … RETURNING.

// DefaultSessionIdle ends a sign-in session after this long without a
// request when Options.SessionIdle is zero (HIPAA automatic logoff).
const DefaultSessionIdle = 15 * time.Minute

// Options configures the authorization server.
type Options struct {
	InstanceName string
	SessionIdle  time.Duration
	// SignInLimit failed sign-ins per IP and per e-mail are allowed in each
	// SignInWindow; zero values mean 5 per 15 minutes.
	SignInLimit  int
	SignInWindow time.Duration
	Logger       *slog.Logger
	// Audit, when set, is told of security-relevant events (sign-in,
	// consent, token issue and revocation). userID is 0 when none applies.
	Audit func(ctx context.Context, event string, userID int64)
	// TokenLimit counts POST /oauth/token per client IP (config
	// limits.token_per_ip_per_minute); nil means no limit.
	TokenLimit *ratelimit.Limiter
}

// Server is the OAuth 2 authorization server.
type Server struct {
	store   storage.Store
	base    uris.Base
	opt     Options
	log     *slog.Logger
	limiter *ratelimit.Failures
}

// New returns the authorization server over svc's store.
func New(svc *federation.Service, opt Options) *Server {
	if opt.SessionIdle <= 0 {
		opt.SessionIdle = DefaultSessionIdle
	}
	if opt.SignInLimit <= 0 {
		opt.SignInLimit = 5
	}
	if opt.SignInWindow <= 0 {
		opt.SignInWindow = 15 * time.Minute
	}
	if opt.InstanceName == "" {
		opt.InstanceName = "Rounds"
	}
	log := opt.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Server{store: svc.Store(), base: svc.Base(), opt: opt, log: log,
		limiter: ratelimit.NewFailures(opt.SignInLimit, opt.SignInWindow)}
}

// Register adds the OAuth routes to r; call it before the Mastodon API's
// catch-all /api/ route.
func (s *Server) Register(r *mux.Router) {
	r.HandleFunc("/api/v1/apps", s.createApp).Methods(http.MethodPost)
	r.HandleFunc("/api/v1/apps/verify_credentials", s.verifyApp).Methods(http.MethodGet)
	r.HandleFunc("/oauth/authorize", s.authorizePage).Methods(http.MethodGet)
	r.HandleFunc("/oauth/authorize", s.authorizeDecision).Methods(http.MethodPost)
	r.HandleFunc("/oauth/sign_in", s.signIn).Methods(http.MethodPost)
	r.HandleFunc("/oauth/token", s.token).Methods(http.MethodPost)
	r.HandleFunc("/oauth/revoke", s.revoke).Methods(http.MethodPost)
	r.HandleFunc("/.well-known/oauth-authorization-server", s.metadata).Methods(http.MethodGet)
}

func (s *Server) audit(ctx context.Context, event string, userID int64) {
	if s.opt.Audit != nil {
		s.opt.Audit(ctx, event, userID)
	}
}

// secure reports whether cookies must carry the Secure flag: whenever the
// instance is served over https.
func (s *Server) secure() bool { return strings.HasPrefix(s.base.Origin, "https://") }

// metadata is RFC 8414's document; Phanpy uses PKCE only when it is served
// and lists S256.
func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	o := s.base.Origin
	httpx.WriteJSON(w, http.StatusOK, map[string]any{
		"issuer":                                o + "/",
		"authorization_endpoint":                o + "/oauth/authorize",
		"token_endpoint":                        o + "/oauth/token",
		"revocation_endpoint":                   o + "/oauth/revoke",
		"app_registration_endpoint":             o + "/api/v1/apps",
		"scopes_supported":                      knownScopes,
		"response_types_supported":              []string{"code"},
		"response_modes_supported":              []string{"query"},
		"grant_types_supported":                 []string{"authorization_code", "client_credentials", "refresh_token"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"service_documentation":                 "https://docs.joinmastodon.org/methods/oauth/",
	})
}

// oauthError is an RFC 6749 §5.2 error body with Doorkeeper's statuses.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		// RFC 6749 §5.2: a 401 must name the scheme the client may use.
		w.Header().Set("WWW-Authenticate", `Basic realm="oauth"`)
	}
	httpx.WriteJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// knownScope drops scopes Rounds does not know instead of refusing the whole
// request (research §8 pitfall 12: clients such as Tokodon send extras).
func knownScope(list string) []string {
	out := []string{}
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ' ' || r == '+' || r == ',' }) {
		if sc, err := ParseScopes(f); err == nil && !slices.Contains(out, sc[0]) {
			out = append(out, sc[0])
		}
	}
	return out
}

// subset reports whether every requested scope is covered by the app's.
func subset(requested, registered []string) bool {
	for _, sc := range requested {
		if !Allows(registered, sc) {
			return false
		}
	}
	return true
}

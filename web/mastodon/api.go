// Package mastodon serves the Mastodon client API, so clinicians can use the
// apps they already have (Tusky, Ivory, Elk, Phanpy, the Mastodon web UI).
package mastodon

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
	"github.com/rounds-social/rounds/web/oauth"
	"github.com/rounds-social/rounds/web/ratelimit"
)

// Instance describes this server to clients.
type Instance struct {
	Name          string
	Description   string
	ContactEmail  string
	Registrations string
	Rules         []string
	Version       string // Rounds' own version, e.g. "0.1.0"
}

// API is the Mastodon client API.
type API struct {
	svc   *federation.Service
	store storage.Store
	base  uris.Base
	inst  Instance
	log   *slog.Logger
	limit *ratelimit.Limiter // per token; nil: none
}

// LimitPerToken makes every authenticated call count against its token's
// allowance (config limits.api_per_token_per_5min); nil means no limit.
func (a *API) LimitPerToken(l *ratelimit.Limiter) *API {
	a.limit = l
	return a
}

// New returns the API over svc.
func New(svc *federation.Service, inst Instance, log *slog.Logger) *API {
	if log == nil {
		log = slog.Default()
	}
	return &API{svc: svc, store: svc.Store(), base: svc.Base(), inst: inst, log: log}
}

// Register adds the API routes to r.
func (a *API) Register(r *mux.Router) {
	r.HandleFunc("/api/v1/instance", a.instanceV1).Methods(http.MethodGet)
	r.HandleFunc("/api/v2/instance", a.instanceV2).Methods(http.MethodGet)
	r.HandleFunc("/api/v1/accounts/verify_credentials", a.auth("read:accounts", a.verifyCredentials)).Methods(http.MethodGet)
	a.registerFederationRoutes(r)
	a.registerAccountRoutes(r)
	a.registerStatusRoutes(r)
	a.registerMediaRoutes(r)
	a.registerStreamingRoutes(r)
	r.PathPrefix("/api/").HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.WriteError(w, http.StatusNotFound, "Record not found")
	})
}

type authKey int

const viewerKey authKey = iota

// Viewer is the signed-in caller of an API request.
type Viewer struct {
	Token   *storage.Token
	User    *storage.User
	Account *storage.Account
}

func viewerFrom(ctx context.Context) *Viewer {
	v, _ := ctx.Value(viewerKey).(*Viewer)
	return v
}

// auth wraps h so it runs only for a valid bearer token with scope.
func (a *API) auth(scope string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, status, msg := a.authenticate(r)
		if v == nil {
			httpx.WriteError(w, status, msg)
			return
		}
		if !oauth.Allows(v.Token.Scopes, scope) {
			httpx.WriteError(w, http.StatusForbidden, "This action is outside the authorized scopes")
			return
		}
		if a.limit != nil {
			now := time.Now()
			res := a.limit.Allow(strconv.FormatInt(v.Token.ID, 10), now)
			if !res.Allowed {
				res.Refuse(w, now)
				return
			}
			res.SetHeaders(w.Header())
		}
		h(w, r.WithContext(context.WithValue(r.Context(), viewerKey, v)))
	}
}

// bearer returns the token of an "Authorization: Bearer …" header. The scheme
// is case-insensitive (RFC 9110 §11.1); some clients send "bearer". Without
// the header, the legacy access_token query parameter counts, as in Mastodon
// (megalodon's streaming sends it); the access log leaves query strings out.
func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(tok)
	}
	if r.Header.Get("Authorization") != "" {
		return ""
	}
	return r.URL.Query().Get("access_token")
}

func (a *API) authenticate(r *http.Request) (*Viewer, int, string) {
	plain := bearer(r)
	if plain == "" {
		return nil, http.StatusUnauthorized, "The access token is invalid"
	}
	ctx := r.Context()
	tok, err := oauth.Lookup(ctx, a.store, plain, time.Now())
	if errors.Is(err, oauth.ErrInvalidToken) {
		return nil, http.StatusUnauthorized, err.Error()
	}
	if err != nil {
		a.log.Error("token lookup", "err", err)
		return nil, http.StatusInternalServerError, "internal server error"
	}
	if tok.UserID == 0 {
		return nil, http.StatusUnprocessableEntity, "This method requires an authenticated user"
	}
	user, err := a.store.User(ctx, tok.UserID)
	if err != nil {
		return nil, http.StatusUnauthorized, "The access token is invalid"
	}
	acct, err := a.store.Account(ctx, user.AccountID)
	if err != nil {
		return nil, http.StatusUnauthorized, "The access token is invalid"
	}
	if user.Disabled || acct.Suspended() {
		return nil, http.StatusForbidden, "Your login is currently disabled"
	}
	return &Viewer{Token: tok, User: user, Account: acct}, 0, ""
}

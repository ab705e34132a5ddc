package pages

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/oauth"
)

const (
	// SessionCookie is a signed-in browser. It is not web/oauth's cookie,
	// which lives under /oauth only; both are rows of web_sessions.
	SessionCookie = "rounds_web"
	// csrfCookie binds the forms of a browser that is not signed in (sign
	// in, registration) to that browser.
	csrfCookie = "rounds_csrf"
	// CSRFField is the form field every POST form carries.
	CSRFField = "csrf_token"
)

// session is a signed-in browser: user, account and cookie value.
type session struct {
	user   *storage.User
	acct   *storage.Account
	cookie string
}

type sessionKey struct{}

// sessionSlot caches the session lookup for one request (nil: none).
type sessionSlot struct{ s *session }

// page wraps a handler so the session is looked up (and its idle clock
// reset) once per request, however often Session is asked.
func (h *Handler) page(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, done := r.Context().Value(sessionKey{}).(*sessionSlot); done {
			next(w, r)
			return
		}
		s, err := h.loadSession(r.Context(), r)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), sessionKey{}, &sessionSlot{s})))
	}
}

// Session returns the signed-in user and account of r, if any.
func (h *Handler) Session(r *http.Request) (*storage.User, *storage.Account, bool) {
	s := h.session(r)
	if s == nil {
		return nil, nil, false
	}
	return s.user, s.acct, true
}

func (h *Handler) session(r *http.Request) *session {
	if slot, ok := r.Context().Value(sessionKey{}).(*sessionSlot); ok {
		return slot.s
	}
	s, err := h.loadSession(r.Context(), r)
	if err != nil {
		h.log.Error("load session", "err", err)
		return nil
	}
	return s
}

// loadSession finds r's session. Sessions idle longer than the configured
// timeout or older than sessionMaxAge are deleted: automatic logoff.
func (h *Handler) loadSession(ctx context.Context, r *http.Request) (*session, error) {
	c, err := r.Cookie(SessionCookie)
	if err != nil || len(c.Value) != 43 {
		return nil, nil
	}
	hash := oauth.HashToken(c.Value)
	ws, err := h.store.WebSessionByHash(ctx, hash)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if now.Sub(ws.LastSeenAt) > h.opt.SessionIdle || now.Sub(ws.CreatedAt) > sessionMaxAge {
		return nil, h.store.DeleteWebSession(ctx, hash)
	}
	u, err := h.store.User(ctx, ws.UserID)
	var acct *storage.Account
	if err == nil {
		acct, err = h.store.Account(ctx, u.AccountID)
	}
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (u.Disabled || acct.Suspended())) {
		return nil, h.store.DeleteWebSession(ctx, hash)
	}
	if err != nil {
		return nil, err
	}
	if err := h.store.TouchWebSession(ctx, hash, now); err != nil {
		return nil, err
	}
	return &session{user: u, acct: acct, cookie: c.Value}, nil
}

// startSession signs the browser in with a fresh id, so an id planted
// before sign-in (session fixation) is never the one that gets signed in.
func (h *Handler) startSession(ctx context.Context, w http.ResponseWriter, u *storage.User) error {
	now := time.Now()
	if err := h.store.DeleteWebSessionsIdleSince(ctx, now.Add(-h.opt.SessionIdle)); err != nil {
		return err
	}
	v := oauth.NewSecret()
	if err := h.store.CreateWebSession(ctx, &storage.WebSession{IDHash: oauth.HashToken(v), UserID: u.ID,
		CreatedAt: now, LastSeenAt: now}); err != nil {
		return err
	}
	h.setCookie(w, SessionCookie, v, 0)
	return nil
}

// setCookie writes a browser-session cookie (maxAge 0) or deletes one (-1).
// Lax keeps it off cross-site POSTs while links from e-mail still work.
func (h *Handler) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: strings.HasPrefix(h.base.Origin, "https://"), SameSite: http.SameSiteLaxMode})
}

// RequireSignIn sends a browser without a session to the sign-in page,
// which returns it here afterwards.
func (h *Handler) RequireSignIn(next http.Handler) http.Handler {
	return h.page(func(w http.ResponseWriter, r *http.Request) {
		if h.session(r) == nil {
			back := "/"
			if r.Method == http.MethodGet {
				back = r.URL.RequestURI()
			}
			http.Redirect(w, r, "/auth/sign_in?"+url.Values{"return_to": {back}}.Encode(), http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RequireRole is RequireSignIn that also answers 403 unless the user has
// one of roles (for the admin console).
func (h *Handler) RequireRole(next http.Handler, roles ...string) http.Handler {
	return h.RequireSignIn(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, _, _ := h.Session(r); u == nil || !slices.Contains(roles, u.Role) {
			h.Error(w, r, http.StatusForbidden, "Not allowed", "Your account does not have access to this page.")
			return
		}
		next.ServeHTTP(w, r)
	}))
}

// csrfFrom derives a form token from a cookie value: another site can
// neither read the cookie nor, from it, this token, and as a one-way
// function of the cookie it needs no storage (the scheme of web/oauth).
func csrfFrom(cookieValue string) string {
	sum := sha256.Sum256([]byte("rounds-csrf\x00" + cookieValue))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// CSRFToken is the token r's forms must post in CSRFField: derived from
// the session cookie when signed in (so it dies with the session), else
// from a per-browser cookie set here.
func (h *Handler) CSRFToken(w http.ResponseWriter, r *http.Request) string {
	if s := h.session(r); s != nil {
		return csrfFrom(s.cookie)
	}
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == 43 {
		return csrfFrom(c.Value)
	}
	v := oauth.NewSecret()
	h.setCookie(w, csrfCookie, v, 0)
	return csrfFrom(v)
}

// CheckCSRF reports whether r posted the token its cookies imply. Call
// after ParseForm. A signed-in browser must post its session's token.
func (h *Handler) CheckCSRF(r *http.Request) bool {
	posted := r.PostFormValue(CSRFField)
	name := csrfCookie
	if s := h.session(r); s != nil {
		name = SessionCookie
	}
	c, err := r.Cookie(name)
	if err != nil || len(c.Value) != 43 || posted == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(csrfFrom(c.Value)), []byte(posted)) == 1
}

// RequireCSRF answers 403 to any POST without the right token.
func (h *Handler) RequireCSRF(next http.Handler) http.Handler {
	return h.page(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := r.ParseForm(); err != nil || !h.CheckCSRF(r) {
				h.Error(w, r, http.StatusForbidden, "This form has expired",
					"The page was open too long or came from somewhere else. Go back, reload it and try again.")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

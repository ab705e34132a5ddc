package oauth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"time"

	"github.com/rounds-social/rounds/storage"
)

const (
	sessionCookie = "rounds_session" // a signed-in browser
	signInCookie  = "rounds_signin"  // binds the sign-in form to one browser
	// sessionMaxAge caps a session however active it is: a shared ward
	// computer should not stay signed in across shifts.
	sessionMaxAge = 12 * time.Hour
)

// csrfToken derives a form token from a cookie value. A page on another
// site can neither read the cookie nor, from it, this token; and since the
// token is a one-way function of the cookie, it needs no storage.
func csrfToken(cookieValue string) string {
	sum := sha256.Sum256([]byte("rounds-csrf\x00" + cookieValue))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// csrfOK checks a posted token against the one the named cookie implies.
func csrfOK(r *http.Request, cookieName, posted string) bool {
	c, err := r.Cookie(cookieName)
	if err != nil || len(c.Value) != 43 || posted == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(csrfToken(c.Value)), []byte(posted)) == 1
}

func (s *Server) setCookie(w http.ResponseWriter, name, value string, maxAge int) {
	// Path "/oauth": these cookies mean nothing to the API, which only
	// takes bearer tokens. Lax lets the cookie ride the top-level GET from
	// the app's browser tab while keeping it off cross-site POSTs.
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/oauth", MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure(), SameSite: http.SameSiteLaxMode})
}

// signInNonce returns the browser's sign-in cookie value, setting a fresh
// one when it has none.
func (s *Server) signInNonce(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(signInCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	v := NewSecret()
	s.setCookie(w, signInCookie, v, 0)
	return v
}

// session is a signed-in browser: its user and its cookie value (from which
// the CSRF token of its forms is derived).
type session struct {
	user   *storage.User
	cookie string
}

// currentSession returns the signed-in user of r, or nil. Sessions idle
// longer than the configured timeout, or older than sessionMaxAge, are ended.
func (s *Server) currentSession(ctx context.Context, r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || len(c.Value) != 43 {
		return nil, nil
	}
	h := HashToken(c.Value)
	ws, err := s.store.WebSessionByHash(ctx, h)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if now.Sub(ws.LastSeenAt) > s.opt.SessionIdle || now.Sub(ws.CreatedAt) > sessionMaxAge {
		return nil, s.store.DeleteWebSession(ctx, h)
	}
	u, err := s.store.User(ctx, ws.UserID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && u.Disabled) {
		return nil, s.store.DeleteWebSession(ctx, h)
	}
	if err != nil {
		return nil, err
	}
	if err := s.store.TouchWebSession(ctx, h, now); err != nil {
		return nil, err
	}
	return &session{user: u, cookie: c.Value}, nil
}

// startSession signs the browser in as u with a fresh id, so an id planted
// before sign-in (session fixation) is never the one that gets signed in.
func (s *Server) startSession(ctx context.Context, w http.ResponseWriter, u *storage.User) error {
	now := time.Now()
	if err := s.store.DeleteWebSessionsIdleSince(ctx, now.Add(-s.opt.SessionIdle)); err != nil {
		return err
	}
	v := NewSecret()
	if err := s.store.CreateWebSession(ctx, &storage.WebSession{IDHash: HashToken(v), UserID: u.ID,
		CreatedAt: now, LastSeenAt: now}); err != nil {
		return err
	}
	s.setCookie(w, sessionCookie, v, 0)
	return nil
}

package oauth

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/storage"
)

// signIn is POST /oauth/sign_in: check the password, start a session and go
// back to the authorize request.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, http.StatusBadRequest, "Cannot sign in", "The form could not be read.")
		return
	}
	f := r.PostForm
	back, err := url.Parse(f.Get("return_to"))
	if err != nil || back.Path != "/oauth/authorize" || back.Host != "" || back.Scheme != "" {
		// Only ever return to the authorize page: no open redirect.
		s.errorPage(w, http.StatusBadRequest, "Cannot sign in", "Go back to the app and start signing in again.")
		return
	}
	req, aerr, err := s.parseAuthRequest(ctx, back.Query())
	if s.refused(w, r, req, aerr, err) {
		return
	}
	if !csrfOK(r, signInCookie, f.Get("csrf_token")) {
		s.errorPage(w, http.StatusForbidden, "This form has expired", "Go back to the app and start signing in again.")
		return
	}
	email := strings.TrimSpace(f.Get("email"))
	u, status, msg, err := s.checkSignIn(ctx, clientIP(r), email, f.Get("password"))
	if err != nil {
		s.internal(w, "sign in", err)
		return
	}
	if u == nil {
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", strconv.Itoa(int(s.opt.SignInWindow.Seconds())))
		}
		s.showSignIn(w, r, req, status, email, msg)
		return
	}
	if err := s.startSession(ctx, w, u); err != nil {
		s.internal(w, "start session", err)
		return
	}
	u.LastSignInAt = time.Now().UTC()
	if err := s.store.UpdateUser(ctx, u); err != nil {
		s.log.Warn("record sign-in time", "err", err)
	}
	s.audit(ctx, "oauth.sign_in", u.ID)
	http.Redirect(w, r, "/oauth/authorize?"+req.query().Encode(), http.StatusSeeOther)
}

// checkSignIn returns the user for a correct e-mail and password, or the
// status and message to show. Failures count against the IP and the e-mail;
// once either is used up, the password is not even checked.
func (s *Server) checkSignIn(ctx context.Context, ip, email, password string) (*storage.User, int, string, error) {
	now := time.Now()
	ipKey, emailKey := "ip:"+ip, "email:"+strings.ToLower(email)
	for _, k := range []string{ipKey, emailKey} {
		if blocked, until := s.limiter.Blocked(k, now); blocked {
			mins := int(math.Ceil(until.Sub(now).Minutes()))
			return nil, http.StatusTooManyRequests, fmt.Sprintf(
				"Too many failed sign-in attempts. Please wait %d minute(s) and try again.", mins), nil
		}
	}
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, 0, "", err
	}
	if !passwordOK(u, password) {
		s.limiter.Fail(ipKey, now)
		s.limiter.Fail(emailKey, now)
		s.audit(ctx, "oauth.sign_in_failed", userID(u))
		return nil, http.StatusUnauthorized, "Invalid e-mail or password.", nil
	}
	s.limiter.Reset(emailKey)
	acct, err := s.store.Account(ctx, u.AccountID)
	if err != nil {
		return nil, 0, "", err
	}
	if u.Disabled || acct.Suspended() {
		return nil, http.StatusForbidden, "Your login is currently disabled. Contact your administrator.", nil
	}
	return u, 0, "", nil
}

// dummyHash is compared against when the e-mail is unknown, so the answer
// takes as long as for a known one and does not reveal who has an account.
var dummyHash = sync.OnceValue(func() []byte {
	h, err := bcrypt.GenerateFromPassword([]byte("no such user, no such password"), bcrypt.DefaultCost)
	if err != nil {
		panic(err)
	}
	return h
})

func passwordOK(u *storage.User, password string) bool {
	if u == nil || len(password) > federation.MaxPasswordBytes {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return false
	}
	return federation.CheckPassword(u, password)
}

func userID(u *storage.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

// clientIP is the peer address. Behind a reverse proxy every user shares
// the proxy's address; trusting X-Forwarded-For needs a configured list of
// proxies, which Rounds does not have yet.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

package pages

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"golang.org/x/crypto/bcrypt"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/oauth"
)

// registerAuth adds the sign-in, registration and settings routes. Every
// POST passes RequireCSRF before its handler runs.
func (h *Handler) registerAuth(r *mux.Router) {
	csrf := func(f http.HandlerFunc) http.Handler { return h.RequireCSRF(f) }
	signedIn := func(f http.HandlerFunc) http.Handler { return h.RequireSignIn(h.RequireCSRF(f)) }
	r.Handle("/auth/sign_in", h.page(h.signInPage)).Methods(http.MethodGet)
	r.Handle("/auth/sign_in", csrf(h.signIn)).Methods(http.MethodPost)
	r.Handle("/auth/sign_out", csrf(h.signOut)).Methods(http.MethodPost)
	r.Handle("/auth/invite/{token}", h.page(h.invitePage)).Methods(http.MethodGet)
	r.Handle("/auth/invite/{token}", csrf(h.register)).Methods(http.MethodPost)
	r.Handle("/settings/password", signedIn(h.passwordPage)).Methods(http.MethodGet)
	r.Handle("/settings/password", signedIn(h.changePassword)).Methods(http.MethodPost)
	r.Handle("/settings/apps", signedIn(h.appsPage)).Methods(http.MethodGet)
	r.Handle("/settings/apps/revoke", signedIn(h.revokeApp)).Methods(http.MethodPost)
}

type signInData struct {
	Email, ReturnTo, Error string
}

func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	h.showSignIn(w, r, http.StatusOK, signInData{ReturnTo: localPath(r.URL.Query().Get("return_to"))})
}

func (h *Handler) showSignIn(w http.ResponseWriter, r *http.Request, status int, d signInData) {
	h.Render(w, r, "signin", Page{Title: "Sign in", Status: status, Data: d})
}

// signIn checks the password, starts a session and goes where the visitor
// was going. Failures get one message whatever was wrong, so the page does
// not reveal who has an account.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := signInData{Email: strings.TrimSpace(r.PostFormValue("email")), ReturnTo: localPath(r.PostFormValue("return_to"))}
	u, status, msg, err := h.checkSignIn(ctx, ClientIP(r), d.Email, r.PostFormValue("password"))
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if u == nil {
		if status == http.StatusTooManyRequests {
			w.Header().Set("Retry-After", strconv.Itoa(int(h.opt.SignInWindow.Seconds())))
		}
		d.Error = msg
		h.showSignIn(w, r, status, d)
		return
	}
	if err := h.startSession(ctx, w, u); err != nil {
		h.serverError(w, r, err)
		return
	}
	u.LastSignInAt = time.Now().UTC()
	if err := h.store.UpdateUser(ctx, u); err != nil {
		h.log.Warn("record sign-in time", "err", err)
	}
	h.record(ctx, ClientIP(r), u, audit.SignInSuccess, "user:"+storage.FormatID(u.ID), nil)
	http.Redirect(w, r, d.ReturnTo, http.StatusSeeOther)
}

// checkSignIn returns the user for a correct e-mail and password, or the
// status and message to show. Failures count against the IP and the
// e-mail; once either is used up the password is not even checked.
func (h *Handler) checkSignIn(ctx context.Context, ip, email, password string) (*storage.User, int, string, error) {
	now := time.Now()
	ipKey, emailKey := "ip:"+ip, "email:"+strings.ToLower(email)
	for _, k := range []string{ipKey, emailKey} {
		if blocked, until := h.limiter.Blocked(k, now); blocked {
			return nil, http.StatusTooManyRequests, fmt.Sprintf("Too many failed sign-in attempts. "+
				"Please wait %d minute(s) and try again.", int(math.Ceil(until.Sub(now).Minutes()))), nil
		}
	}
	u, err := h.store.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, 0, "", err
	}
	if !passwordOK(u, password) {
		h.limiter.Fail(ipKey, now)
		h.limiter.Fail(emailKey, now)
		// The target is the user when the e-mail is known: an address
		// typed by mistake is not worth keeping in the log for years.
		h.record(ctx, ip, u, audit.SignInFailure, "user:"+storage.FormatID(userID(u)), nil)
		return nil, http.StatusUnauthorized, "Invalid e-mail or password.", nil
	}
	h.limiter.Reset(emailKey)
	acct, err := h.store.Account(ctx, u.AccountID)
	if err != nil {
		return nil, 0, "", err
	}
	if u.Disabled || acct.Suspended() {
		return nil, http.StatusForbidden, "Your login is currently disabled. Contact your administrator.", nil
	}
	return u, 0, "", nil
}

// dummyHash is compared against when the e-mail is unknown, so the answer
// takes as long as for a known one.
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

// signOut ends the session (POST only, so a link or image on another
// site cannot sign anyone out).
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	if s := h.session(r); s != nil {
		if err := h.store.DeleteWebSession(r.Context(), oauth.HashToken(s.cookie)); err != nil {
			h.serverError(w, r, err)
			return
		}
	}
	h.setCookie(w, SessionCookie, "", -1)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// record writes an audit entry. A failure is logged, not shown: the
// user's action already happened.
func (h *Handler) record(ctx context.Context, ip string, u *storage.User, action, target string, detail map[string]any) {
	e := audit.Entry{Action: action, Target: target, IP: ip, Detail: detail}
	if u != nil {
		e.ActorID = u.AccountID
		if a, err := h.store.Account(ctx, u.AccountID); err == nil {
			e.Actor = a.Username
		}
	}
	if err := audit.Record(ctx, h.store, e); err != nil {
		h.log.Error("audit: record", "action", action, "err", err)
	}
}

func userID(u *storage.User) int64 {
	if u == nil {
		return 0
	}
	return u.ID
}

// localPath keeps a return address on this site: a path, never a URL
// ("//evil.example" and "/\evil.example" are other sites to a browser).
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}

// ClientIP is the peer address. Behind a reverse proxy every user shares
// the proxy's address; trusting X-Forwarded-For needs a configured list of
// proxies, which Rounds does not have yet (as in web/oauth).
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

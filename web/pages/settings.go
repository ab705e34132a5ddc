package pages

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/oauth"
)

type passwordData struct{ Error, Done string }

func (h *Handler) passwordPage(w http.ResponseWriter, r *http.Request) {
	h.Render(w, r, "password", Page{Title: "Change password", Data: passwordData{}})
}

// changePassword needs the current password, so a browser left signed in
// cannot be used to lock its owner out. Other sessions of the user end:
// a password is usually changed because someone else may know it.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s := h.session(r)
	show := func(status int, d passwordData) {
		h.Render(w, r, "password", Page{Title: "Change password", Status: status, Data: d})
	}
	key := "user:" + storage.FormatID(s.user.ID)
	if blocked, _ := h.limiter.Blocked(key, time.Now()); blocked {
		show(http.StatusTooManyRequests, passwordData{Error: "Too many wrong passwords. Please wait and try again."})
		return
	}
	if !federation.CheckPassword(s.user, r.PostFormValue("current")) {
		h.limiter.Fail(key, time.Now())
		show(http.StatusUnauthorized, passwordData{Error: "Your current password is not correct."})
		return
	}
	pw := r.PostFormValue("password")
	switch {
	case pw != r.PostFormValue("password_confirm"):
		show(http.StatusUnprocessableEntity, passwordData{Error: "The two new passwords do not match."})
		return
	case len(pw) < federation.MinPasswordLength:
		show(http.StatusUnprocessableEntity, passwordData{Error: "The new password is too short: use at least " +
			strconv.Itoa(federation.MinPasswordLength) + " characters."})
		return
	case len(pw) > federation.MaxPasswordBytes:
		show(http.StatusUnprocessableEntity, passwordData{Error: "The new password is too long: use at most " +
			strconv.Itoa(federation.MaxPasswordBytes) + " bytes."})
		return
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err == nil {
		s.user.PasswordHash = string(hash)
		err = h.store.UpdateUser(ctx, s.user)
	}
	if err == nil {
		err = h.store.DeleteUserWebSessions(ctx, s.user.ID, oauth.HashToken(s.cookie))
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	show(http.StatusOK, passwordData{Done: "Your password has been changed. Other browsers were signed out."})
}

// appView is one authorised app: its live tokens, grouped.
type appView struct {
	AppID    int64
	Name     string
	Website  string
	Scopes   []string
	Tokens   int
	Since    time.Time
	LastUsed time.Time
}

// appsPage lists the apps holding live tokens of the user.
func (h *Handler) appsPage(w http.ResponseWriter, r *http.Request) {
	apps, err := h.userApps(r)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.Render(w, r, "apps", Page{Title: "Authorised apps", Data: apps})
}

func (h *Handler) userApps(r *http.Request) ([]*appView, error) {
	ctx := r.Context()
	s := h.session(r)
	tokens, err := h.store.TokensOfUser(ctx, s.user.ID, time.Now())
	if err != nil {
		return nil, err
	}
	var out []*appView
	byApp := map[int64]*appView{}
	for _, t := range tokens {
		v := byApp[t.AppID]
		if v == nil {
			v = &appView{AppID: t.AppID, Name: "Command-line token", Since: t.CreatedAt}
			if app, err := h.store.AppByID(ctx, t.AppID); err == nil {
				v.Name, v.Website = app.Name, app.Website
			} else if t.AppID != 0 && !errors.Is(err, storage.ErrNotFound) {
				return nil, err
			}
			byApp[t.AppID] = v
			out = append(out, v)
		}
		v.Tokens++
		for _, sc := range t.Scopes {
			if !slices.Contains(v.Scopes, sc) {
				v.Scopes = append(v.Scopes, sc)
			}
		}
		if t.CreatedAt.Before(v.Since) {
			v.Since = t.CreatedAt
		}
		if t.LastUsedAt.After(v.LastUsed) {
			v.LastUsed = t.LastUsedAt
		}
	}
	return out, nil
}

// revokeApp revokes every token of one app for the signed-in user; the
// API refuses them from the next request on.
func (h *Handler) revokeApp(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s := h.session(r)
	appID, err := strconv.ParseInt(r.PostFormValue("app_id"), 10, 64)
	if err != nil {
		h.Error(w, r, http.StatusBadRequest, "Cannot revoke", "The form could not be read.")
		return
	}
	ids, err := h.store.RevokeAppTokens(ctx, s.user.ID, appID, time.Now().UTC())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for _, id := range ids {
		h.record(ctx, ClientIP(r), s.user, audit.TokenRevoke, "token:"+storage.FormatID(id),
			map[string]any{"app": storage.FormatID(appID)})
	}
	http.Redirect(w, r, "/settings/apps", http.StatusSeeOther)
}

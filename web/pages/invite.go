package pages

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/oauth"
)

// NewInvite creates an invite and returns its link, which holds the only
// copy of the token (the store keeps its hash). The admin console and
// `rounds admin invite create` call it.
func NewInvite(ctx context.Context, store storage.Store, base uris.Base, role string, uses int, ttl time.Duration, createdBy int64) (string, *storage.Invite, error) {
	switch role {
	case "":
		role = storage.RoleMember
	case storage.RoleMember, storage.RoleModerator, storage.RoleAdmin:
	default:
		return "", nil, fmt.Errorf("role %q is invalid: use member, moderator or admin", role)
	}
	if uses <= 0 {
		uses = 1
	}
	token := oauth.NewSecret()
	inv := &storage.Invite{TokenHash: oauth.HashToken(token), Role: role, MaxUses: uses, CreatedBy: createdBy,
		CreatedAt: time.Now().UTC()}
	if ttl > 0 {
		inv.ExpiresAt = inv.CreatedAt.Add(ttl)
	}
	if err := store.CreateInvite(ctx, inv); err != nil {
		return "", nil, fmt.Errorf("create invite: %w", err)
	}
	return base.Origin + "/auth/invite/" + token, inv, nil
}

type inviteData struct {
	Username, DisplayName, Email, Error string
}

// usableInvite loads the route's invite; it answers the request itself and
// returns nil when registration by this link is not possible.
func (h *Handler) usableInvite(w http.ResponseWriter, r *http.Request) *storage.Invite {
	if h.opt.Instance.Registrations == "closed" {
		h.Error(w, r, http.StatusForbidden, "Registrations are closed", "Ask your administrator for an account.")
		return nil
	}
	inv, err := h.store.InviteByHash(r.Context(), oauth.HashToken(mux.Vars(r)["token"]))
	if errors.Is(err, storage.ErrNotFound) || (err == nil && !inv.Usable(time.Now())) {
		h.Error(w, r, http.StatusNotFound, "Invite not valid",
			"This invite link has been used up, has expired or was withdrawn. Ask your administrator for a new one.")
		return nil
	}
	if err != nil {
		h.serverError(w, r, err)
		return nil
	}
	return inv
}

func (h *Handler) invitePage(w http.ResponseWriter, r *http.Request) {
	if h.usableInvite(w, r) != nil {
		h.Render(w, r, "invite", Page{Title: "Create your account", Data: inviteData{}})
	}
}

// register creates the account from the form and signs it in. The invite's
// use is claimed first, in one statement, so two people racing for a
// single-use link cannot both get an account; it is given back if the
// account cannot be created.
func (h *Handler) register(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	inv := h.usableInvite(w, r)
	if inv == nil {
		return
	}
	f := r.PostForm
	d := inviteData{Username: strings.TrimSpace(f.Get("username")), DisplayName: strings.TrimSpace(f.Get("display_name")),
		Email: strings.TrimSpace(f.Get("email"))}
	if f.Get("password") != f.Get("password_confirm") {
		d.Error = "The two passwords do not match."
		h.Render(w, r, "invite", Page{Title: "Create your account", Status: http.StatusUnprocessableEntity, Data: d})
		return
	}
	if err := h.store.UseInvite(ctx, inv.ID, time.Now()); errors.Is(err, storage.ErrNotFound) {
		h.Error(w, r, http.StatusNotFound, "Invite not valid", "This invite link has just been used up.")
		return
	} else if err != nil {
		h.serverError(w, r, err)
		return
	}
	acct, u, err := h.svc.CreateLocalAccount(ctx, federation.NewAccount{Username: d.Username, Email: d.Email,
		Password: f.Get("password"), Role: inv.Role, DisplayName: d.DisplayName})
	if err != nil {
		if rerr := h.store.ReturnInvite(ctx, inv.ID); rerr != nil {
			h.log.Error("return invite use", "err", rerr)
		}
		if federation.IsInputError(err) {
			d.Error = err.Error()
			h.Render(w, r, "invite", Page{Title: "Create your account", Status: http.StatusUnprocessableEntity, Data: d})
			return
		}
		h.serverError(w, r, err)
		return
	}
	h.record(ctx, ClientIP(r), u, audit.AccountCreate, acct.Username,
		map[string]any{"invite": storage.FormatID(inv.ID), "role": inv.Role})
	if err := h.startSession(ctx, w, u); err != nil {
		h.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/@"+acct.Username, http.StatusSeeOther)
}

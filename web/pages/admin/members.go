package admin

import (
	"crypto/rand"
	"encoding/base32"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"golang.org/x/crypto/bcrypt"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/pages"
)

// member is one row of the members table.
type member struct {
	Account  *storage.Account
	User     *storage.User
	Verified bool
	Self     bool
}

var roles = []string{storage.RoleMember, storage.RoleModerator, storage.RoleAdmin}

type membersData struct {
	base
	Members []member
	Roles   []string
	// Secret is shown once: an invite link or a new password.
	SecretLabel, Secret, SecretFor string
}

func (c *Console) memberList(r *http.Request) ([]member, error) {
	ctx := r.Context()
	accts, err := c.store.LocalAccounts(ctx)
	if err != nil {
		return nil, err
	}
	_, me := c.me(r)
	out := []member{}
	for _, a := range accts {
		if a.Username == storage.InstanceActorUsername {
			continue
		}
		u, err := c.store.UserByAccount(ctx, a.ID)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, member{Account: a, User: u, Verified: !a.CredentialVerifiedAt.IsZero(),
			Self: me != nil && me.ID == a.ID})
	}
	return out, nil
}

func (c *Console) showMembers(w http.ResponseWriter, r *http.Request, status int, d membersData) {
	list, err := c.memberList(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d.Members, d.Roles = list, roles
	c.render(w, r, "admin_members", "Members", status, d)
}

func (c *Console) members(w http.ResponseWriter, r *http.Request) {
	c.showMembers(w, r, 0, membersData{base: c.base(r, "members")})
}

// invite makes an invite link and shows it once. Moderators may invite
// members; inviting staff is for admins.
func (c *Console) invite(w http.ResponseWriter, r *http.Request) {
	role := r.PostFormValue("role")
	if role == "" {
		role = storage.RoleMember
	}
	if role != storage.RoleMember && !c.isAdmin(r) {
		c.forbidden(w, r)
		return
	}
	uses, _ := strconv.Atoi(r.PostFormValue("uses"))
	days, _ := strconv.Atoi(r.PostFormValue("days"))
	if uses < 1 || uses > 100 || days < 0 || days > 90 {
		c.fail(w, r, inputErr("An invite may be used 1 to 100 times and last up to 90 days."))
		return
	}
	_, me := c.me(r)
	link, inv, err := pages.NewInvite(r.Context(), c.store, c.svc.Base(), role, uses, time.Duration(days)*24*time.Hour, me.ID)
	if err != nil {
		c.fail(w, r, inputErr(err.Error()))
		return
	}
	act, detail := audit.AccountInvite, map[string]any{"invite": storage.FormatID(inv.ID), "role": role, "uses": uses, "days": days}
	c.record(r, act, "invite", detail)
	c.showMembers(w, r, 0, membersData{base: c.base(r, "members"), SecretLabel: "Invite link", Secret: link,
		SecretFor: "Send this link to the person you are inviting. It is shown only now."})
}

// newPassword is 20 random base32 characters (100 bits).
func newPassword() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.EncodeToString(b))
}

// create makes an account with a random password, shown once.
func (c *Console) create(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	role := f.Get("role")
	pw := newPassword()
	acct, _, err := c.svc.CreateLocalAccount(r.Context(), federation.NewAccount{Username: f.Get("username"),
		Email: strings.TrimSpace(f.Get("email")), DisplayName: strings.TrimSpace(f.Get("display_name")), Role: role, Password: pw})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.record(r, audit.AccountCreate, acct.Username, map[string]any{"role": role})
	c.showMembers(w, r, 0, membersData{base: c.base(r, "members"), SecretLabel: "Password for @" + acct.Username,
		Secret: pw, SecretFor: "Give this password to the member in person; it is shown only now. They should change it after signing in."})
}

// target loads the {username} member, refusing the instance actor.
func (c *Console) target(r *http.Request) (*storage.Account, *storage.User, error) {
	name := mux.Vars(r)["username"]
	a, err := c.store.AccountByUsername(r.Context(), name, "")
	if errors.Is(err, storage.ErrNotFound) || (err == nil && a.Username == storage.InstanceActorUsername) {
		return nil, nil, inputErr("There is no member named " + name + ".")
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := c.store.UserByAccount(r.Context(), a.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, inputErr("There is no member named " + name + ".")
	}
	return a, u, err
}

// suspend suspends a member. Moderators may suspend members only, and
// nobody suspends themselves.
func (c *Console) suspend(w http.ResponseWriter, r *http.Request) {
	a, u, err := c.target(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if _, me := c.me(r); me.ID == a.ID {
		c.fail(w, r, inputErr("You cannot suspend your own account."))
		return
	}
	if u.Role != storage.RoleMember && !c.isAdmin(r) {
		c.forbidden(w, r)
		return
	}
	if a.Suspended() {
		done(w, r, "/admin/members", "notchanged")
		return
	}
	if _, err := c.svc.SuspendLocalAccount(r.Context(), a.Username); err != nil {
		c.fail(w, r, err)
		return
	}
	c.record(r, audit.AccountSuspend, a.Username, nil)
	done(w, r, "/admin/members", "suspended")
}

// changeRole sets a member's role (admins only). The last admin cannot be
// demoted, and nobody changes their own role.
func (c *Console) changeRole(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, u, err := c.target(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	role := r.PostFormValue("role")
	switch {
	case role != storage.RoleMember && role != storage.RoleModerator && role != storage.RoleAdmin:
		err = inputErr("Choose member, moderator or admin.")
	case func() bool { _, me := c.me(r); return me.ID == a.ID }():
		err = inputErr("You cannot change your own role; ask another admin.")
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if role == u.Role {
		done(w, r, "/admin/members", "notchanged")
		return
	}
	from := u.Role
	err = c.inTx(r, audit.AccountRole, a.Username, map[string]any{"from": from, "to": role}, func(tx storage.Store) error {
		if from == storage.RoleAdmin {
			if n, err := tx.CountUsersByRole(ctx, storage.RoleAdmin); err != nil {
				return err
			} else if n <= 1 {
				return inputErr("This is the only admin; make someone else admin first.")
			}
		}
		u.Role = role
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	done(w, r, "/admin/members", "role")
}

// resetPassword sets a new random password, shown once (admins only).
func (c *Console) resetPassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, u, err := c.target(r)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	pw := newPassword()
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	act, detail := audit.PasswordReset, map[string]any(nil)
	err = c.inTx(r, act, a.Username, detail, func(tx storage.Store) error {
		u.PasswordHash = string(hash)
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.showMembers(w, r, 0, membersData{base: c.base(r, "members"), SecretLabel: "New password for @" + a.Username,
		Secret: pw, SecretFor: "Give this password to the member in person; it is shown only now."})
}

package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/audit"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/pages"
)

// adminInviteCreate prints a registration link (registrations: invite).
func adminInviteCreate(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("admin invite create", "rounds admin invite create [--role member|moderator|admin] [--uses 1] [--expires 7d]", e)
	var cf configFlags
	cf.register(fs)
	role := fs.String("role", storage.RoleMember, "role of the new account: member, moderator or admin")
	uses := fs.Int("uses", 1, "how many accounts the link can create")
	expires := fs.String("expires", "7d", "how long the link works: e.g. 12h, 7d, or 0 for never")
	if err := parse(fs, args); err != nil {
		return err
	}
	ttl, err := parseDays(*expires)
	if err != nil {
		return usageErr(e, fs, "--expires %q: %v", *expires, err)
	}
	if *uses < 1 || *uses > 1000 {
		return usageErr(e, fs, "--uses must be from 1 to 1000, got %d", *uses)
	}
	switch *role {
	case storage.RoleMember, storage.RoleModerator, storage.RoleAdmin:
	default:
		return usageErr(e, fs, "--role %q: use member, moderator or admin", *role)
	}
	return withService(ctx, &cf, e, func(svc *federation.Service) error {
		link, _, err := pages.NewInvite(ctx, svc.Store(), svc.Base(), *role, *uses, ttl, 0)
		if err != nil {
			return fmt.Errorf("create invite: %w", err)
		}
		fmt.Fprintln(e.stdout, link)
		return recordAdmin(ctx, svc, audit.AccountInvite, "invite", map[string]any{"role": *role, "uses": *uses})
	})
}

// parseDays is time.ParseDuration plus a "d" (days) suffix, which is how
// people think of invite lifetimes.
func parseDays(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, fmt.Errorf("not a number of days")
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("expected a duration such as 12h or 7d")
	}
	return d, nil
}

package federation

import (
	"context"
	"errors"
	"slices"

	"github.com/rounds-social/rounds/storage"
)

// CanSee is the one visibility rule every read path calls (API, ActivityPub
// fetch, pages, search, streaming): may viewer (nil = anonymous) see s?
//
//	public, unlisted  anyone (unlisted is only left out of public timelines)
//	private           the author, accepted followers, mentioned accounts
//	direct            the author and mentioned accounts
//
// and, before that, the audience: institution-only posts only for local
// members, partner-only posts only for local members and partner accounts.
//
// A boost is visible when both the boost and the boosted post are.
func (s *Service) CanSee(ctx context.Context, viewer *storage.Account, st *storage.Status) (bool, error) {
	ok, err := s.canSeeOne(ctx, viewer, st)
	if err != nil || !ok || st.ReblogOfID == 0 {
		return ok, err
	}
	orig, err := s.store.Status(ctx, st.ReblogOfID)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return s.canSeeOne(ctx, viewer, orig)
}

func (s *Service) canSeeOne(ctx context.Context, viewer *storage.Account, st *storage.Status) (bool, error) {
	if st.Held || !s.audienceAllows(viewer, st) {
		return false, nil // held posts are for moderators, who read them in the console
	}
	switch st.Visibility {
	case storage.VisibilityPublic, storage.VisibilityUnlisted:
		return true, nil
	}
	if viewer == nil {
		return false, nil
	}
	if viewer.ID == st.AccountID || slices.Contains(st.MentionIDs, viewer.ID) {
		return true, nil
	}
	if st.Visibility != storage.VisibilityPrivate {
		return false, nil
	}
	f, err := s.store.Follow(ctx, viewer.ID, st.AccountID)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return f.State == storage.FollowAccepted, nil
}

// VisibleFilter keeps the statuses viewer may see, in order.
func (s *Service) VisibleFilter(ctx context.Context, viewer *storage.Account, list []*storage.Status) ([]*storage.Status, error) {
	out := make([]*storage.Status, 0, len(list))
	for _, st := range list {
		ok, err := s.CanSee(ctx, viewer, st)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, st)
		}
	}
	return out, nil
}

// visibilityFromAudience maps ActivityPub addressing to a Mastodon visibility.
func visibilityFromAudience(to, cc []string, followers string) string {
	switch {
	case isPublicIn(to):
		return storage.VisibilityPublic
	case isPublicIn(cc):
		return storage.VisibilityUnlisted
	case followers != "" && (slices.Contains(to, followers) || slices.Contains(cc, followers)):
		return storage.VisibilityPrivate
	default:
		return storage.VisibilityDirect
	}
}

func isPublicIn(list []string) bool {
	for _, a := range list {
		if a == "https://www.w3.org/ns/activitystreams#Public" || a == "as:Public" || a == "Public" {
			return true
		}
	}
	return false
}

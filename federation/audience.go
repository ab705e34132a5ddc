package federation

import "github.com/rounds-social/rounds/storage"

// Institution-only and partner-only posts. These are why a hospital can keep
// a public presence and private case discussions on one server:
//
//	local     never delivered, never served over ActivityPub, never shown to
//	          anonymous or remote viewers; boosts and replies stay local too.
//	partners  followers-only, delivered only to partner institutions'
//	          servers, and shown only to local members and partner accounts.

// Audience names as the API and config spell them.
const (
	AudienceEveryone    = "everyone"
	AudienceInstitution = "institution"
	AudiencePartnersAPI = "partners"
)

// ParseAudience maps an API or config name to the stored value.
func ParseAudience(name string) (string, error) {
	switch name {
	case "", AudienceEveryone, "public":
		return storage.AudienceEveryone, nil
	case AudienceInstitution, "local", "local_only":
		return storage.AudienceLocal, nil
	case AudiencePartnersAPI:
		return storage.AudiencePartners, nil
	}
	return "", inputErr("Validation failed: audience %q is not one of everyone, institution, partners", name)
}

// AudienceName is the API name of a stored audience.
func AudienceName(stored string) string {
	switch stored {
	case storage.AudienceLocal:
		return AudienceInstitution
	case storage.AudiencePartners:
		return AudiencePartnersAPI
	}
	return AudienceEveryone
}

// applyAudience settles a new post's audience: the draft's, else the
// instance default; a reply to an institution-only post stays in the
// institution; a partner-only post is followers-only on the wire, so no
// receiving server shows it to the public.
func (s *Service) applyAudience(st *storage.Status, requested string, parent *storage.Status) {
	st.Audience = requested
	if requested == "default" {
		st.Audience = s.defaultAudience
	}
	if parent != nil && parent.Audience == storage.AudienceLocal {
		st.Audience = storage.AudienceLocal
	}
	if st.Audience == storage.AudiencePartners && st.Visibility != storage.VisibilityDirect {
		st.Visibility = storage.VisibilityPrivate
	}
}

// audienceAllows is CanSee's audience check: may viewer see a status of
// this audience at all?
func (s *Service) audienceAllows(viewer *storage.Account, st *storage.Status) bool {
	switch st.Audience {
	case storage.AudienceLocal:
		return viewer != nil && viewer.Local()
	case storage.AudiencePartners:
		return viewer != nil && (viewer.Local() || s.policy.IsPartner(viewer.Domain))
	}
	return true
}

// audienceInboxes narrows the inboxes a status goes to by its audience.
func (s *Service) audienceInboxes(st *storage.Status, inboxes []string) []string {
	switch st.Audience {
	case storage.AudienceLocal:
		return nil
	case storage.AudiencePartners:
		out := inboxes[:0:0]
		for _, in := range inboxes {
			if s.policy.IsPartner(hostOf(in)) {
				out = append(out, in)
			}
		}
		return out
	}
	return inboxes
}

// DefaultAudience is the audience posts get when the client does not say.
func (s *Service) DefaultAudience() string { return s.defaultAudience }

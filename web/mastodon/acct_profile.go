package mastodon

import (
	"context"
	"net/http"
	"strings"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// updateCredentials edits the viewer's profile. Only the parameters sent
// change; masto.js sends multipart with indexed fields, others forms or
// JSON, and all arrive here in the same shape (params.objects).
func (a *API) updateCredentials(w http.ResponseWriter, r *http.Request) {
	ctx, v := r.Context(), viewerFrom(r.Context())
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	prefs, err := a.store.AccountPrefs(ctx, v.Account.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	upd := federation.ProfileOf(v.Account, prefs)
	applyProfileParams(p, &upd)
	acct, prefs, err := a.svc.UpdateProfile(ctx, v.Account, upd)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.credentialAccount(ctx, v.User, acct, prefs)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// applyProfileParams copies what the client sent onto u.
func applyProfileParams(p params, u *federation.ProfileUpdate) {
	if p.has("display_name") {
		u.DisplayName = p.get("display_name")
	}
	if p.has("note") {
		u.Note = p.get("note")
	}
	for key, dst := range map[string]*bool{"locked": &u.Locked, "bot": &u.Bot, "discoverable": &u.Discoverable,
		"source[sensitive]": &u.Sensitive} {
		if p.has(key) {
			*dst = p.boolean(key)
		}
	}
	if p.has("source[privacy]") {
		u.Privacy = strings.TrimSpace(p.get("source[privacy]"))
	}
	if p.has("source[language]") {
		u.Language = p.get("source[language]")
	}
	if p.hasObjects("fields_attributes") {
		u.Fields = []storage.Field{}
		for _, o := range p.objects("fields_attributes") {
			u.Fields = append(u.Fields, storage.Field{Name: o["name"], Value: o["value"]})
		}
	}
}

// credentialAccount is the Account with source and role that
// verify_credentials and update_credentials return. source holds the
// plain text the edit form shows and the posting defaults Tusky reads.
func (a *API) credentialAccount(ctx context.Context, u *storage.User, acct *storage.Account, prefs *storage.AccountPrefs) (*accountJSON, error) {
	out, err := a.account(ctx, acct)
	if err != nil {
		return nil, err
	}
	pending, err := a.store.Followers(ctx, acct.ID, storage.FollowPending, storage.Page{Limit: 100})
	if err != nil {
		return nil, err
	}
	fields := make([]fieldJSON, 0, len(prefs.Fields))
	for _, f := range prefs.Fields {
		fields = append(fields, fieldJSON{Name: f.Name, Value: f.Value})
	}
	out.Source = map[string]any{"privacy": prefs.Privacy, "sensitive": prefs.Sensitive, "language": prefs.Language,
		"note": prefs.NoteText, "fields": fields, "follow_requests_count": len(pending), "hide_collections": nil,
		"discoverable": acct.Discoverable, "indexable": false, "attribution_domains": []string{}}
	out.Role = map[string]any{"id": "0", "name": u.Role, "color": "", "permissions": "0", "highlighted": false}
	return out, nil
}

// viewerCredentials renders the signed-in caller as a CredentialAccount.
func (a *API) viewerCredentials(ctx context.Context, v *Viewer) (*accountJSON, error) {
	prefs, err := a.store.AccountPrefs(ctx, v.Account.ID)
	if err != nil {
		return nil, err
	}
	return a.credentialAccount(ctx, v.User, v.Account, prefs)
}

// preferences are the viewer's posting defaults; the reading ones are
// fixed until Rounds stores them.
func (a *API) preferences(w http.ResponseWriter, r *http.Request) {
	prefs, err := a.store.AccountPrefs(r.Context(), viewerFrom(r.Context()).Account.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var lang any
	if prefs.Language != "" {
		lang = prefs.Language
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{
		"posting:default:visibility": prefs.Privacy, "posting:default:sensitive": prefs.Sensitive,
		"posting:default:language": lang, "reading:expand:media": "default", "reading:expand:spoilers": false,
	})
}

// instanceRules lists the rules from the configuration, public as on Mastodon.
func (a *API) instanceRules(w http.ResponseWriter, _ *http.Request) {
	httpx.WriteJSON(w, http.StatusOK, a.rules())
}

// instancePeers lists the remote domains known here that the federation
// policy still allows: a refused domain is not a peer.
func (a *API) instancePeers(w http.ResponseWriter, r *http.Request) {
	domains, err := a.store.KnownDomains(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []string{}
	for _, d := range domains {
		if a.svc.Policy().Allowed(r.Context(), d) {
			out = append(out, d)
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

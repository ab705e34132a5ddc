package mastodon

import (
	"net/http"

	"github.com/rounds-social/rounds/web/httpx"
)

func (a *API) verifyCredentials(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	acct, err := a.account(r.Context(), v.Account)
	if err != nil {
		a.serverError(w, r, err)
		return
	}
	acct.Source = map[string]any{"privacy": "public", "sensitive": false, "language": "", "note": acct.Note,
		"fields": acct.Fields, "follow_requests_count": 0, "hide_collections": nil, "discoverable": acct.Discoverable,
		"indexable": false, "attribution_domains": []string{}}
	acct.Role = map[string]any{"id": "0", "name": v.User.Role, "color": "", "permissions": "0", "highlighted": false}
	httpx.WriteJSON(w, http.StatusOK, acct)
}

func (a *API) serverError(w http.ResponseWriter, r *http.Request, err error) {
	a.log.Error("api error", "path", r.URL.Path, "err", err)
	httpx.WriteError(w, http.StatusInternalServerError, "internal server error")
}

// getAccount is public: profiles are public on Mastodon, and clients load
// them before the user has signed in.
func (a *API) getAccount(w http.ResponseWriter, r *http.Request) {
	acct, err := a.pathAccount(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.account(r.Context(), acct)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

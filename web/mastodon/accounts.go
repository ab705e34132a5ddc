package mastodon

import (
	"net/http"

	"github.com/rounds-social/rounds/web/httpx"
)

func (a *API) verifyCredentials(w http.ResponseWriter, r *http.Request) {
	// source comes from the saved preferences (acct_profile.go), so what
	// update_credentials stored is what the edit form shows.
	acct, err := a.viewerCredentials(r.Context(), viewerFrom(r.Context()))
	if err != nil {
		a.serverError(w, r, err)
		return
	}
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

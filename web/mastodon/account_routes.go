package mastodon

import (
	"net/http"

	"github.com/gorilla/mux"
)

// registerAccountRoutes adds the account-side endpoints: profile editing,
// profile reads, blocks and mutes, lists, markers, filters, preferences and
// the tier-C lists clients expect to exist (research §3). Ids are digits
// only, so /accounts/lookup and the like never match {id}.
func (a *API) registerAccountRoutes(r *mux.Router) {
	get, post, put, del := http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete
	const account = "/api/v1/accounts/{id:[0-9]+}"
	r.HandleFunc("/api/v1/accounts/update_credentials", a.auth("write:accounts", a.updateCredentials)).Methods(http.MethodPatch, put)
	r.HandleFunc("/api/v1/accounts/lookup", a.maybeAuth("read:accounts", a.lookupAccount)).Methods(get)
	r.HandleFunc("/api/v1/accounts/search", a.auth("read:accounts", a.searchAccounts)).Methods(get)
	r.HandleFunc(account+"/statuses", a.maybeAuth("read:statuses", a.accountStatuses)).Methods(get)
	r.HandleFunc(account+"/followers", a.maybeAuth("read:accounts", a.followList(true))).Methods(get)
	r.HandleFunc(account+"/following", a.maybeAuth("read:accounts", a.followList(false))).Methods(get)
	r.HandleFunc(account+"/lists", a.auth("read:lists", a.accountLists)).Methods(get)
	r.HandleFunc(account+"/block", a.auth("write:blocks", a.acctAction(a.svc.Block))).Methods(post)
	r.HandleFunc(account+"/unblock", a.auth("write:blocks", a.acctAction(a.svc.Unblock))).Methods(post)
	r.HandleFunc(account+"/mute", a.auth("write:mutes", a.mute)).Methods(post)
	r.HandleFunc(account+"/unmute", a.auth("write:mutes", a.acctAction(a.svc.Unmute))).Methods(post)
	r.HandleFunc("/api/v1/blocks", a.auth("read:blocks", a.blockList)).Methods(get)
	r.HandleFunc("/api/v1/mutes", a.auth("read:mutes", a.muteList)).Methods(get)

	const list = "/api/v1/lists/{id:[0-9]+}"
	r.HandleFunc("/api/v1/lists", a.auth("read:lists", a.lists)).Methods(get)
	r.HandleFunc("/api/v1/lists", a.auth("write:lists", a.createList)).Methods(post)
	r.HandleFunc(list, a.auth("read:lists", a.getList)).Methods(get)
	r.HandleFunc(list, a.auth("write:lists", a.updateList)).Methods(put)
	r.HandleFunc(list, a.auth("write:lists", a.deleteList)).Methods(del)
	r.HandleFunc(list+"/accounts", a.auth("read:lists", a.listAccounts)).Methods(get)
	r.HandleFunc(list+"/accounts", a.auth("write:lists", a.addListAccounts)).Methods(post)
	r.HandleFunc(list+"/accounts", a.auth("write:lists", a.removeListAccounts)).Methods(del)

	r.HandleFunc("/api/v1/markers", a.auth("read:statuses", a.markers)).Methods(get)
	r.HandleFunc("/api/v1/markers", a.auth("write:statuses", a.saveMarkers)).Methods(post)

	const filter = "/api/v2/filters/{id:[0-9]+}"
	r.HandleFunc("/api/v2/filters", a.auth("read:filters", a.filters)).Methods(get)
	r.HandleFunc("/api/v2/filters", a.auth("write:filters", a.createFilter)).Methods(post)
	r.HandleFunc(filter, a.auth("read:filters", a.getFilter)).Methods(get)
	r.HandleFunc(filter, a.auth("write:filters", a.deleteFilter)).Methods(del)
	r.HandleFunc("/api/v1/filters", a.auth("read:filters", a.filtersV1)).Methods(get)

	r.HandleFunc("/api/v1/preferences", a.auth("read:accounts", a.preferences)).Methods(get)
	r.HandleFunc("/api/v1/reports", a.auth("write:reports", a.createReport)).Methods(post)
	a.registerEmptyLists(r)
	r.HandleFunc("/api/v1/instance/rules", a.instanceRules).Methods(get)
	r.HandleFunc("/api/v1/instance/peers", a.instancePeers).Methods(get)
}

// registerEmptyLists adds the endpoints Rounds has nothing for yet; they
// must answer [] rather than 404 (research §3 tier C, pitfall 11).
func (a *API) registerEmptyLists(r *mux.Router) {
	for _, path := range []string{"/api/v1/custom_emojis", "/api/v1/announcements", "/api/v1/trends",
		"/api/v1/trends/tags", "/api/v1/trends/statuses", "/api/v1/trends/links"} {
		r.HandleFunc(path, emptyList).Methods(http.MethodGet)
	}
	// Suggestions are personal on Mastodon, so they want a token.
	for _, path := range []string{"/api/v1/suggestions", "/api/v2/suggestions"} {
		r.HandleFunc(path, a.auth("read:accounts", emptyList)).Methods(http.MethodGet)
	}
}

package mastodon

import (
	"net/http"
	"time"

	"github.com/gorilla/mux"
)

// Idempotency keys live an hour, as in Mastodon; the cap bounds memory if a
// client sends a fresh key with every request.
const (
	idempotencyTTL  = time.Hour
	idempotencySize = 10000
)

// registerFederationRoutes adds the endpoints that drive federation: posting,
// following, timelines, search and notifications. Ids are constrained to
// digits so that /accounts/relationships and the like never match {id}, and
// anything else falls through to the API's JSON 404.
func (a *API) registerFederationRoutes(r *mux.Router) {
	get, post, del := http.MethodGet, http.MethodPost, http.MethodDelete
	idem := newIdempotency(idempotencyTTL, idempotencySize)
	const status = "/api/v1/statuses/{id:[0-9]+}"
	r.HandleFunc("/api/v1/statuses", a.auth("write:statuses", a.postStatus(idem))).Methods(post)
	// Public posts are readable without a token, as on Mastodon.
	r.HandleFunc(status, a.maybeAuth("read:statuses", a.getStatus)).Methods(get)
	r.HandleFunc(status, a.auth("write:statuses", a.deleteStatus)).Methods(del)
	r.HandleFunc(status+"/favourite", a.auth("write:favourites", a.statusAction(a.svc.Favourite))).Methods(post)
	r.HandleFunc(status+"/unfavourite", a.auth("write:favourites", a.statusAction(a.svc.Unfavourite))).Methods(post)
	r.HandleFunc(status+"/reblog", a.auth("write:statuses", a.statusAction(a.svc.Boost))).Methods(post)
	r.HandleFunc(status+"/unreblog", a.auth("write:statuses", a.statusAction(a.svc.Unboost))).Methods(post)
	r.HandleFunc("/api/v1/timelines/home", a.auth("read:statuses", a.homeTimeline)).Methods(get)
	r.HandleFunc("/api/v2/search", a.auth("read:search", a.search)).Methods(get)

	const account = "/api/v1/accounts/{id:[0-9]+}"
	r.HandleFunc("/api/v1/accounts/relationships", a.auth("read:follows", a.relationships)).Methods(get)
	r.HandleFunc(account, a.getAccount).Methods(get)
	r.HandleFunc(account+"/follow", a.auth("write:follows", a.relationshipAction(a.follow))).Methods(post)
	r.HandleFunc(account+"/unfollow", a.auth("write:follows", a.relationshipAction(a.svc.Unfollow))).Methods(post)
	r.HandleFunc("/api/v1/follow_requests", a.auth("read:follows", a.followRequests)).Methods(get)
	const request = "/api/v1/follow_requests/{id:[0-9]+}"
	r.HandleFunc(request+"/authorize", a.auth("write:follows", a.relationshipAction(a.answerFollowRequest(true)))).Methods(post)
	r.HandleFunc(request+"/reject", a.auth("write:follows", a.relationshipAction(a.answerFollowRequest(false)))).Methods(post)

	r.HandleFunc("/api/v1/notifications", a.auth("read:notifications", a.notifications)).Methods(get)
}

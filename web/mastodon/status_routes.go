package mastodon

import (
	"net/http"

	"github.com/gorilla/mux"
)

// registerStatusRoutes adds the status-side endpoints beyond posting:
// threads, who favourited or boosted, bookmarks, edits, the public, tag and
// list timelines, and single notifications. Reads of public data take an
// optional token (maybeAuth), as on Mastodon; ids are digits only so that
// fixed paths (notifications/clear) never match {id}.
func (a *API) registerStatusRoutes(r *mux.Router) {
	get, post, put := http.MethodGet, http.MethodPost, http.MethodPut
	const status = "/api/v1/statuses/{id:[0-9]+}"
	r.HandleFunc(status, a.auth("write:statuses", a.editStatus)).Methods(put)
	r.HandleFunc(status+"/context", a.maybeAuth("read:statuses", a.statusContext)).Methods(get)
	r.HandleFunc(status+"/history", a.maybeAuth("read:statuses", a.statusHistory)).Methods(get)
	r.HandleFunc(status+"/source", a.auth("read:statuses", a.statusSource)).Methods(get)
	r.HandleFunc(status+"/favourited_by", a.maybeAuth("read:statuses", a.favouritedBy)).Methods(get)
	r.HandleFunc(status+"/reblogged_by", a.maybeAuth("read:statuses", a.rebloggedBy)).Methods(get)
	r.HandleFunc(status+"/bookmark", a.auth("write:bookmarks", a.statusAction(a.bookmark))).Methods(post)
	r.HandleFunc(status+"/unbookmark", a.auth("write:bookmarks", a.statusAction(a.unbookmark))).Methods(post)
	r.HandleFunc("/api/v1/bookmarks", a.auth("read:bookmarks", a.bookmarks)).Methods(get)
	r.HandleFunc("/api/v1/favourites", a.auth("read:favourites", a.favourites)).Methods(get)

	r.HandleFunc("/api/v1/timelines/public", a.maybeAuth("read:statuses", a.publicTimeline)).Methods(get)
	r.HandleFunc("/api/v1/timelines/tag/{hashtag}", a.maybeAuth("read:statuses", a.tagTimeline)).Methods(get)
	r.HandleFunc("/api/v1/timelines/list/{id:[0-9]+}", a.auth("read:lists", a.listTimeline)).Methods(get)

	const notification = "/api/v1/notifications/{id:[0-9]+}"
	r.HandleFunc(notification, a.auth("read:notifications", a.getNotification)).Methods(get)
	r.HandleFunc(notification+"/dismiss", a.auth("write:notifications", a.dismissNotification)).Methods(post)
	r.HandleFunc("/api/v1/notifications/dismiss", a.auth("write:notifications", a.dismissNotification)).Methods(post)
	r.HandleFunc("/api/v1/notifications/clear", a.auth("write:notifications", a.clearNotifications)).Methods(post)

	// Rounds has no conversations view or scheduled posts yet; clients call
	// these on start-up and must get an empty list, not a 404 (research §3 tier C).
	r.HandleFunc("/api/v1/conversations", a.auth("read:statuses", emptyList)).Methods(get)
	r.HandleFunc("/api/v1/scheduled_statuses", a.auth("read:statuses", emptyList)).Methods(get)
}

package mastodon

import "github.com/gorilla/mux"

// registerMediaRoutes adds the media endpoints (owned by one file set; see the
// commit that created it).
func (a *API) registerMediaRoutes(r *mux.Router) {}

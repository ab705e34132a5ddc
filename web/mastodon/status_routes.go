package mastodon

import "github.com/gorilla/mux"

// registerStatusRoutes adds the status endpoints (owned by one file set; see the
// commit that created it).
func (a *API) registerStatusRoutes(r *mux.Router) {}

package mastodon

import "github.com/gorilla/mux"

// registerStreamingRoutes adds the streaming endpoints (owned by one file set; see the
// commit that created it).
func (a *API) registerStreamingRoutes(r *mux.Router) {}

package mastodon

import "github.com/gorilla/mux"

// registerAccountRoutes adds the account endpoints (owned by one file set; see the
// commit that created it).
func (a *API) registerAccountRoutes(r *mux.Router) {}

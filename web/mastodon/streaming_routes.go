package mastodon

import (
	"net/http"

	"github.com/gorilla/mux"
)

// registerStreamingRoutes adds the streaming API: one WebSocket endpoint that
// multiplexes streams, and the older server-sent-events routes.
func (a *API) registerStreamingRoutes(r *mux.Router) {
	r.HandleFunc("/api/v1/streaming/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("OK"))
	}).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/api/v1/streaming", a.streamWebSocket).Methods(http.MethodGet)
	r.HandleFunc("/api/v1/streaming/", a.streamWebSocket).Methods(http.MethodGet)
	sse := map[string]string{
		"/api/v1/streaming/user": "user", "/api/v1/streaming/user/notification": "user:notification",
		"/api/v1/streaming/public": "public", "/api/v1/streaming/public/local": "public:local",
		"/api/v1/streaming/public/remote": "public:remote", "/api/v1/streaming/hashtag": "hashtag",
		"/api/v1/streaming/hashtag/local": "hashtag:local",
	}
	for path, stream := range sse {
		r.HandleFunc(path, a.streamSSE(stream)).Methods(http.MethodGet)
	}
}

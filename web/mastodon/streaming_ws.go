package mastodon

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/rounds-social/rounds/federation/stream"
	"github.com/rounds-social/rounds/web/httpx"
	"github.com/rounds-social/rounds/web/oauth"
)

const (
	streamBuffer = 256
	pingEvery    = 30 * time.Second
)

// streamViewer authenticates a streaming request. Browsers cannot set
// headers on a WebSocket, so masto.js sends the token as the subprotocol;
// megalodon sends ?access_token=. Since Mastodon 4.2 every stream needs a
// user token with read access.
func (a *API) streamViewer(r *http.Request) (*Viewer, string, int, string) {
	proto := strings.TrimSpace(strings.Split(r.Header.Get("Sec-WebSocket-Protocol"), ",")[0])
	if bearer(r) == "" && proto != "" {
		r.Header.Set("Authorization", "Bearer "+proto)
	}
	v, status, msg := a.authenticate(r)
	if v == nil {
		return nil, "", status, msg
	}
	if !oauth.Allows(v.Token.Scopes, "read:statuses") && !oauth.Allows(v.Token.Scopes, "read:notifications") {
		return nil, "", http.StatusForbidden, "This action is outside the authorized scopes"
	}
	return v, proto, 0, ""
}

func (a *API) streamWebSocket(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		httpx.WriteError(w, http.StatusNotFound, "Record not found")
		return
	}
	v, proto, status, msg := a.streamViewer(r)
	if v == nil {
		httpx.WriteError(w, status, msg)
		return
	}
	opts := &websocket.AcceptOptions{InsecureSkipVerify: true} // web clients connect cross-origin; the token is the credential
	if proto != "" {
		opts.Subprotocols = []string{proto} // echoed back, or browsers fail the handshake
	}
	conn, err := websocket.Accept(w, r, opts)
	if err != nil {
		return
	}
	defer conn.CloseNow()
	st := a.newStreamer(v.Account)
	q := r.URL.Query()
	if name := q.Get("stream"); name != "" {
		st.subscribe(name, q.Get("tag"), true)
	}
	sub := a.svc.Hub().Subscribe(streamBuffer)
	defer sub.Close()
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	defer cancel()
	go a.readCommands(ctx, cancel, conn, st)
	a.pump(ctx, conn, st, sub)
}

// readCommands applies subscribe/unsubscribe messages until the client goes.
func (a *API) readCommands(ctx context.Context, cancel context.CancelFunc, conn *websocket.Conn, st *streamer) {
	defer cancel()
	conn.SetReadLimit(16 << 10)
	for {
		_, b, err := conn.Read(ctx)
		if err != nil {
			return
		}
		var msg struct{ Type, Stream, Tag string }
		if json.Unmarshal(b, &msg) != nil {
			continue
		}
		switch msg.Type {
		case "subscribe":
			st.subscribe(msg.Stream, msg.Tag, true)
		case "unsubscribe":
			st.subscribe(msg.Stream, msg.Tag, false)
		}
	}
}

// pump writes frames for hub events and keeps the connection alive.
func (a *API) pump(ctx context.Context, conn *websocket.Conn, st *streamer, sub *stream.Sub) {
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			conn.Close(websocket.StatusNormalClosure, "")
			return
		case <-ping.C:
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return
			}
		case ev, ok := <-sub.C:
			if !ok {
				conn.Close(websocket.StatusTryAgainLater, "too slow")
				return
			}
			for _, f := range st.frames(ctx, ev) {
				b, _ := json.Marshal(f)
				wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				err := conn.Write(wctx, websocket.MessageText, b)
				cancel()
				if err != nil {
					return
				}
			}
		}
	}
}

// streamSSE serves one stream as server-sent events (older clients).
func (a *API) streamSSE(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v, _, status, msg := a.streamViewer(r)
		if v == nil {
			httpx.WriteError(w, status, msg)
			return
		}
		st := a.newStreamer(v.Account)
		st.subscribe(name, r.URL.Query().Get("tag"), true)
		rc := http.NewResponseController(w)
		w.Header().Set("Content-Type", "text/event-stream")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
		sub := a.svc.Hub().Subscribe(streamBuffer)
		defer sub.Close()
		_, _ = fmt.Fprint(w, ":)\n\n")
		_ = rc.Flush()
		a.pumpSSE(r.Context(), w, rc, st, sub)
	}
}

func (a *API) pumpSSE(ctx context.Context, w http.ResponseWriter, rc *http.ResponseController, st *streamer, sub *stream.Sub) {
	beat := time.NewTicker(pingEvery / 2)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-beat.C:
			if _, err := fmt.Fprint(w, ":thump\n\n"); err != nil {
				return
			}
		case ev, ok := <-sub.C:
			if !ok {
				return
			}
			for _, f := range st.frames(ctx, ev) {
				if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", f.Event, f.Payload); err != nil {
					return
				}
			}
		}
		if rc.Flush() != nil {
			return
		}
	}
}

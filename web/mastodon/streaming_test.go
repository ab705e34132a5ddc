package mastodon

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsClient is a streaming connection as masto.js opens it: token as the
// subprotocol, streams chosen by subscribe messages.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

func (in *instance) stream(u *user, query string) *wsClient {
	in.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, resp, err := websocket.Dial(ctx, "ws://"+in.host+"/api/v1/streaming"+query,
		&websocket.DialOptions{Subprotocols: []string{u.token}})
	if err != nil {
		in.t.Fatalf("dial streaming: %v", err)
	}
	if got := resp.Header.Get("Sec-WebSocket-Protocol"); got != u.token {
		in.t.Fatalf("server did not echo the token subprotocol: %q", got)
	}
	in.t.Cleanup(func() { conn.CloseNow() })
	return &wsClient{t: in.t, conn: conn}
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	b, _ := json.Marshal(v)
	if err := c.conn.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond) // let the server apply the subscription before events flow
}

// next reads frames until one matches event, or fails after a deadline.
func (c *wsClient) next(event string) frame {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, b, err := c.conn.Read(ctx)
		if err != nil {
			c.t.Fatalf("waiting for %q: %v", event, err)
		}
		var f frame
		if err := json.Unmarshal(b, &f); err != nil {
			c.t.Fatalf("bad frame %s: %v", b, err)
		}
		if f.Event == event {
			return f
		}
	}
}

func TestStreamingUserTimelineAndNotifications(t *testing.T) {
	in := startInstance(t)
	alice, bob := in.newUser("alice", false), in.newUser("bob", false)
	alice.post("/api/v1/accounts/"+bob.id()+"/follow", nil).want(t, 200, nil)
	ws := in.stream(alice, "")
	ws.send(map[string]string{"type": "subscribe", "stream": "user"})

	bob.postStatus("followers-only stream test", "private")
	f := ws.next("update")
	var st statusOut
	if err := json.Unmarshal([]byte(f.Payload), &st); err != nil || !strings.Contains(st.Content, "stream test") || f.Stream[0] != "user" {
		t.Fatalf("update frame %+v (%v)", f, err)
	}
	own := alice.postStatus("my own post", "public")
	bob.post("/api/v1/statuses/"+own.ID+"/favourite", nil).want(t, 200, nil)
	n := ws.next("notification")
	if !strings.Contains(n.Payload, `"favourite"`) {
		t.Fatalf("notification frame %+v", n)
	}
	in.call(bob, "DELETE", "/api/v1/statuses/"+st.ID, nil).want(t, 200, nil)
	d := ws.next("delete")
	if d.Payload != st.ID {
		t.Fatalf("delete frame %+v, want payload %s", d, st.ID)
	}
}

func TestStreamingNeverLeaksPrivatePosts(t *testing.T) {
	in := startInstance(t)
	bob, carol := in.newUser("bob", false), in.newUser("carol", false)
	ws := in.stream(carol, "?stream=public")
	ws.send(map[string]string{"type": "subscribe", "stream": "user"})
	ws.send(map[string]string{"type": "subscribe", "stream": "hashtag", "tag": "echo"})
	bob.postStatus("secret #echo for followers", "private")
	bob.postStatus("direct to nobody #echo", "direct")
	// Frames arrive in order: if the private posts leaked they would come
	// before the public one's.
	bob.postStatus("public #echo case", "public")
	got := map[string]bool{}
	for range 2 { // one frame for public, one for the hashtag stream
		f := ws.next("update")
		got[strings.Join(f.Stream, ":")] = true
		if strings.Contains(f.Payload, "secret") || strings.Contains(f.Payload, "direct to nobody") {
			t.Fatalf("private post leaked: %+v", f)
		}
	}
	if !got["public"] || !got["hashtag:echo"] {
		t.Fatalf("public post reached streams %v, want public and hashtag:echo", got)
	}
}

func TestStreamingRequiresAToken(t *testing.T) {
	in := startInstance(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, resp, err := websocket.Dial(ctx, "ws://"+in.host+"/api/v1/streaming?stream=public", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous stream: err %v, resp %v; want 401", err, resp)
	}
	resp, err = http.Get("http://" + in.host + "/api/v1/streaming/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "OK" {
		t.Fatalf("health: %d %s", resp.StatusCode, body)
	}
}

func TestStreamingSSE(t *testing.T) {
	in := startInstance(t)
	alice := in.newUser("alice", false)
	req, _ := http.NewRequest("GET", "http://"+in.host+"/api/v1/streaming/public?access_token="+alice.token, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("content type %q", resp.Header.Get("Content-Type"))
	}
	alice.postStatus("sse hello", "public")
	buf := make([]byte, 0, 4096)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(string(buf), "sse hello") {
		chunk := make([]byte, 1024)
		n, err := resp.Body.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if err != nil {
			break
		}
	}
	if !strings.Contains(string(buf), "event: update") || !strings.Contains(string(buf), "sse hello") {
		t.Fatalf("SSE stream: %q", buf)
	}
}

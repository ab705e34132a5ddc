package mastodon

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/rounds-social/rounds/federation/stream"
	"github.com/rounds-social/rounds/storage"
)

// subscription is one stream a client listens to ("hashtag" carries a tag).
type subscription struct {
	stream string
	tag    string
}

// frame is one event as the streaming API sends it; Payload is a JSON
// string (Mastodon double-encodes), except for deletes where it is the id.
type frame struct {
	Stream  []string `json:"stream"`
	Event   string   `json:"event"`
	Payload string   `json:"payload"`
}

var knownStreams = []string{"user", "user:notification", "public", "public:local", "public:remote", "hashtag", "hashtag:local"}

// streamer holds one connection's subscriptions and turns hub events into
// frames, checking visibility for this viewer on every event.
type streamer struct {
	a      *API
	viewer *storage.Account
	mu     sync.Mutex
	subs   map[subscription]bool
}

func (a *API) newStreamer(viewer *storage.Account) *streamer {
	return &streamer{a: a, viewer: viewer, subs: map[subscription]bool{}}
}

// subscribe adds a stream; unknown names are ignored (masto.js throws on
// error frames, so silence is kinder).
func (s *streamer) subscribe(name, tag string, on bool) {
	if !slices.Contains(knownStreams, name) {
		return
	}
	tag = strings.ToLower(strings.TrimPrefix(tag, "#"))
	if strings.HasPrefix(name, "hashtag") && tag == "" {
		return
	}
	if !strings.HasPrefix(name, "hashtag") {
		tag = ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if on {
		s.subs[subscription{name, tag}] = true
	} else {
		delete(s.subs, subscription{name, tag})
	}
}

func (s *streamer) has(name, tag string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.subs[subscription{name, tag}]
}

// frames renders ev for this viewer: nothing when they may not see it.
func (s *streamer) frames(ctx context.Context, ev stream.Event) []frame {
	switch ev.Kind {
	case stream.Notification:
		return s.notificationFrames(ctx, ev)
	case stream.Delete:
		return s.deleteFrames(ctx, ev)
	case stream.Update, stream.StatusUpdate:
		return s.statusFrames(ctx, ev)
	}
	return nil
}

// streamsFor lists the subscribed streams an event about a status reaches.
func (s *streamer) streamsFor(ev stream.Event, home bool) [][]string {
	var out [][]string
	if home && s.has("user", "") {
		out = append(out, []string{"user"})
	}
	if !ev.Public {
		return out
	}
	for _, name := range []string{"public", "public:local", "public:remote"} {
		if s.has(name, "") && (name == "public" || (name == "public:local") == ev.Local) {
			out = append(out, []string{name})
		}
	}
	for _, tag := range ev.Tags {
		if s.has("hashtag", tag) {
			out = append(out, []string{"hashtag", tag})
		}
		if ev.Local && s.has("hashtag:local", tag) {
			out = append(out, []string{"hashtag:local", tag})
		}
	}
	return out
}

func (s *streamer) statusFrames(ctx context.Context, ev stream.Event) []frame {
	home := ev.Kind == stream.StatusUpdate || slices.Contains(ev.Home, s.viewer.ID)
	if ev.Kind == stream.Update && len(ev.Home) > 0 {
		ev.Public = false // the public side of a post is its own event
	}
	targets := s.streamsFor(ev, home)
	if len(targets) == 0 {
		return nil
	}
	st, err := s.a.store.Status(ctx, ev.StatusID)
	if err != nil {
		return nil
	}
	if ok, err := s.a.svc.CanSee(ctx, s.viewer, st); err != nil || !ok {
		return nil
	}
	entity, err := s.a.renderer(s.viewer).one(ctx, st)
	if err != nil {
		return nil
	}
	return framesOf(ev.Kind, targets, entity)
}

func (s *streamer) notificationFrames(ctx context.Context, ev stream.Event) []frame {
	if ev.Recipient != s.viewer.ID || ev.Notif == nil {
		return nil
	}
	var targets [][]string
	for _, name := range []string{"user", "user:notification"} {
		if s.has(name, "") {
			targets = append(targets, []string{name})
		}
	}
	if len(targets) == 0 {
		return nil
	}
	list, err := s.a.renderNotifications(ctx, s.viewer, []*storage.Notification{ev.Notif})
	if err != nil || len(list) == 0 {
		return nil
	}
	return framesOf("notification", targets, list[0])
}

func (s *streamer) deleteFrames(ctx context.Context, ev stream.Event) []frame {
	if ev.Snapshot == nil {
		return nil
	}
	if ok, err := s.a.svc.CanSee(ctx, s.viewer, ev.Snapshot); err != nil || !ok {
		return nil
	}
	ev.Tags = ev.Snapshot.Tags
	var out []frame
	for _, t := range s.streamsFor(ev, true) {
		out = append(out, frame{Stream: t, Event: "delete", Payload: storage.FormatID(ev.StatusID)})
	}
	return out
}

func framesOf(event string, targets [][]string, entity any) []frame {
	b, err := json.Marshal(entity)
	if err != nil {
		return nil
	}
	out := make([]frame, 0, len(targets))
	for _, t := range targets {
		out = append(out, frame{Stream: t, Event: event, Payload: string(b)})
	}
	return out
}

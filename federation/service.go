// Package federation holds the network's rules, for local and remote actors
// alike: posting, following, liking, boosting, deleting, visibility,
// notifications and timelines. Handlers in web call it; it calls storage.
package federation

import (
	"log/slog"
	"time"

	"github.com/rounds-social/rounds/federation/fetch"
	"github.com/rounds-social/rounds/federation/media"
	"github.com/rounds-social/rounds/federation/policy"
	"github.com/rounds-social/rounds/federation/stream"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage"
)

// Options configures a Service; cmd fills it from config.
type Options struct {
	Base   uris.Base
	Logger *slog.Logger
	Policy *policy.Policy
	Client *fetch.Client // outbound HTTP (SSRF-guarded)
	// Notify wakes the delivery queue after jobs are committed.
	Notify func()
	// ActorTTL is how long a fetched remote actor is trusted before a refetch.
	ActorTTL time.Duration
	// Hub receives live events for streaming clients; one is made if nil.
	Hub *stream.Hub
	// Media keeps uploaded files; nil refuses uploads.
	Media *media.Store
	// DefaultAudience is the stored audience of posts whose client does not
	// choose one (storage.Audience*).
	DefaultAudience string
	// Guard is the patient-identifier guard; nil turns it off.
	Guard *Guard
}

// Service applies the federation rules on top of a Store.
type Service struct {
	store  storage.Store
	base   uris.Base
	log    *slog.Logger
	policy *policy.Policy
	client *fetch.Client
	notify func()
	ttl    time.Duration
	locks  uriLocks
	hub    *stream.Hub
	media  *media.Store

	defaultAudience string
	guard           *Guard
}

// New returns a Service.
func New(store storage.Store, opt Options) *Service {
	// Every write goes through the stream wrapper, so streaming clients hear
	// of posts, notifications and deletes however they were made.
	hub := opt.Hub
	if w, ok := store.(*stream.Store); ok {
		hub = w.Hub()
	} else {
		if hub == nil {
			hub = stream.NewHub()
		}
		store = stream.Wrap(store, hub)
	}
	s := &Service{store: store, hub: hub, base: opt.Base, log: opt.Logger, policy: opt.Policy, client: opt.Client,
		notify: opt.Notify, ttl: opt.ActorTTL, media: opt.Media, defaultAudience: opt.DefaultAudience,
		guard: opt.Guard}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.policy == nil {
		s.policy = policy.New(policy.Options{Mode: policy.ModeOpen}, store)
	}
	if s.client == nil {
		s.client = fetch.NewClient(fetch.Options{})
	}
	if s.notify == nil {
		s.notify = func() {}
	}
	if s.ttl == 0 {
		s.ttl = 24 * time.Hour
	}
	return s
}

// SetNotify sets the delivery wake-up hook (the queue is built after the service).
func (s *Service) SetNotify(fn func()) { s.notify = fn }

// Base is the URL scheme of this instance.
func (s *Service) Base() uris.Base { return s.base }

// Store is the underlying store (for read paths in web).
func (s *Service) Store() storage.Store { return s.store }

// Hub is where live events are published.
func (s *Service) Hub() *stream.Hub { return s.hub }

// Media is where uploaded files live; nil when uploads are not configured.
func (s *Service) Media() *media.Store { return s.media }

// Policy is the federation policy in force.
func (s *Service) Policy() *policy.Policy { return s.policy }

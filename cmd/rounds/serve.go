package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/config"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web"
	"github.com/rounds-social/rounds/web/ap"
	"github.com/rounds-social/rounds/web/mastodon"
	"github.com/rounds-social/rounds/web/pages/admin"
	"github.com/rounds-social/rounds/web/ratelimit"
)

func cmdServe(ctx context.Context, args []string, e env) error {
	fs := newFlagSet("serve", "rounds serve [--config rounds.yaml] [--host H] [--listen ADDR] [--set key=value …]", e)
	var cf configFlags
	cf.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr(e, fs, "serve takes no arguments, got %q", fs.Args())
	}
	cfg, err := cf.load(e)
	if err != nil {
		return err
	}
	return serve(ctx, cfg, e, nil)
}

// serve runs one instance until ctx ends, then shuts down gracefully:
// in-flight requests finish and background workers stop. ready, if not nil,
// receives the bound address once the server accepts connections.
func serve(ctx context.Context, cfg config.Config, e env, ready func(addr string)) error {
	start := time.Now()
	log := newLogger(cfg, e)
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := newService(store, cfg, log)
	stopListen := startEventListener(ctx, svc, log) // events from other replicas (replica_events.go)
	defer stopListen()
	if _, err := svc.InstanceActor(ctx); err != nil {
		return fmt.Errorf("prepare instance actor: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	w := startWorkers(svc, cfg, log)
	apub := ap.New(svc, ap.Options{AuthorizedFetch: cfg.Federation.AuthorizedFetch, Logger: log, Wake: w.wakeInbox,
		InboxLimit: ratelimit.New(cfg.Limits.InboxPerHostPerMinute, time.Minute, 0)})
	handler := web.NewHandler(web.Options{
		Service: svc, MaxBodyBytes: int64(cfg.Limits.MaxBodyBytes), Logger: log, SessionIdle: cfg.Session.IdleTimeout,
		Partners:   cfg.Federation.Partners,
		Settings:   admin.SettingsFrom(cfg),
		Routes:     []func(*mux.Router){apub.Register},
		APILimit:   ratelimit.New(cfg.Limits.APIPerTokenPer5Min, 5*time.Minute, 0),
		TokenLimit: ratelimit.New(cfg.Limits.TokenPerIPPerMinute, time.Minute, 0),
		Instance: mastodon.Instance{Name: cfg.Instance.Name, Description: cfg.Instance.Description,
			ContactEmail: cfg.Instance.ContactEmail, Registrations: cfg.Registrations, Rules: cfg.Instance.Rules,
			Version: version},
	})
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		IdleTimeout: 120 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("rounds started", "version", version, "listen", ln.Addr().String(), "url", cfg.BaseURL(),
		"database", cfg.Database, "startup", time.Since(start).Round(time.Millisecond))
	announceSetup(ctx, store, cfg, e)
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		w.stop()
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(shutCtx)
	w.stop()
	log.Info("stopped")
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// announceSetup tells whoever started a fresh instance how to create the
// first admin, since nobody can sign in until one exists.
func announceSetup(ctx context.Context, store storage.Store, cfg config.Config, e env) {
	n, err := store.CountUsersByRole(ctx, storage.RoleAdmin)
	if err != nil || n > 0 {
		return
	}
	fmt.Fprintf(e.stderr, `
  This instance has no administrator yet. Create one with:

    rounds admin account create --username admin --email you@hospital.example --role admin

  (add --config or --database if you started the server with them). It prints the password.

`)
}

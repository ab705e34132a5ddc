package federation

import "sync"

// uriLocks serialises work on one URI (an actor being fetched, an activity
// being applied) without a global lock: one mutex per key, dropped when idle.
//
// Several replicas (PostgreSQL): these locks stay in-process on purpose.
// They are held across an HTTP fetch of up to 10 s, and a database lock
// (pg_advisory_xact_lock) would hold a transaction and a pooled connection
// open for as long. Across replicas correctness rests on the work being
// idempotent instead, and these locks only save duplicate fetches within a
// process:
//   - an activity is applied by one worker at a time: inbox items are unique
//     by activity id and claimed with FOR UPDATE SKIP LOCKED under a lease;
//   - actors are upserted by their unique uri: when two replicas create the
//     same remote account at once, one commit wins and the other fails with
//     storage.ErrConflict, which makes its inbox item retry and then find
//     the stored account;
//   - remote keys are upserted (ON CONFLICT (key_id) DO UPDATE).
//
// Caches that another replica's writes can make stale: the federation
// policy's rules (policy package) are reloaded every 30 s, so a domain block
// made on one replica takes effect on the others within 30 s — eventual
// consistency accepted for a setting changed by hand.
type uriLocks struct {
	mu sync.Mutex
	m  map[string]*refMutex
}

type refMutex struct {
	sync.Mutex
	refs int
}

// lock locks key and returns its unlock func.
func (l *uriLocks) lock(key string) func() {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*refMutex{}
	}
	m := l.m[key]
	if m == nil {
		m = &refMutex{}
		l.m[key] = m
	}
	m.refs++
	l.mu.Unlock()
	m.Lock()
	return func() {
		m.Unlock()
		l.mu.Lock()
		if m.refs--; m.refs == 0 {
			delete(l.m, key)
		}
		l.mu.Unlock()
	}
}

package federation

import "sync"

// uriLocks serialises work on one URI (an actor being fetched, an activity
// being applied) without a global lock: one mutex per key, dropped when idle.
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

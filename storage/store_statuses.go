package storage

// StatusExtras holds what the status-side Mastodon API needs beyond the core.
type StatusExtras interface{}

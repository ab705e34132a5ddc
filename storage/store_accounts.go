package storage

// AccountExtras holds what the account-side Mastodon API needs beyond the core.
type AccountExtras interface{}

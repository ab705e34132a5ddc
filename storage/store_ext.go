package storage

// The interfaces below are filled in by the Mastodon API work, one per area,
// each in its own file with its own migration, so the areas can grow in
// parallel without editing the same lines.

// AccountExtras: mutes, lists, markers, filters (see store_accounts.go).
// StatusExtras: bookmarks, edit history, tag timelines (see store_statuses.go).
// MediaStore: uploaded media (see store_media.go).

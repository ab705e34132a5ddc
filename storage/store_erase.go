package storage

import "context"

// Erasure removes a local account's personal data for a right-to-erasure
// request, keeping only the account row as a tombstone (so its key can
// still sign the Delete that tells other servers) and the audit log.
type Erasure interface {
	// EraseAccountContent deletes the account's posts (and everything
	// hanging off them), follows, likes, blocks, mutes, lists, bookmarks,
	// notifications, media rows, sessions and preferences; revokes its
	// tokens; blanks its profile and sign-in e-mail; and marks it deleted.
	// It returns the file keys of the media whose files the caller removes.
	EraseAccountContent(ctx context.Context, accountID int64) (mediaKeys []string, err error)
}

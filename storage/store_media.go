package storage

import (
	"context"
	"time"
)

// Media types, as the Mastodon API names them.
const (
	MediaImage   = "image"
	MediaGIFV    = "gifv"
	MediaVideo   = "video"
	MediaAudio   = "audio"
	MediaUnknown = "unknown"
)

// Media is an attachment: a file uploaded here (FileKey set), or one a remote
// post points at (RemoteURL set; never downloaded, so no file of ours holds it).
type Media struct {
	ID          int64
	AccountID   int64
	StatusID    int64  // 0 until attached to a status
	Position    int    // order within the status
	Type        string // MediaImage, …
	ContentType string // of the stored (re-encoded) file, or as the remote server said
	// FileKey names the files on disk: 128 random bits in hex. The key is in
	// the public URL, so it must be unguessable (see federation/media).
	FileKey     string
	RemoteURL   string
	Description string
	FocusX      float64 // -1..1, Mastodon's focal point
	FocusY      float64
	Width       int
	Height      int
	SmallWidth  int
	SmallHeight int
	Size        int64 // bytes of the stored original
	Blurhash    string
	CreatedAt   time.Time
}

// Remote reports whether the attachment lives on another server.
func (m *Media) Remote() bool { return m.RemoteURL != "" }

// MediaStore holds uploaded and remote media attachments.
type MediaStore interface {
	CreateMedia(ctx context.Context, m *Media) error
	// UpdateMedia rewrites the description and focal point.
	UpdateMedia(ctx context.Context, m *Media) error
	MediaByID(ctx context.Context, id int64) (*Media, error)
	MediaByFileKey(ctx context.Context, key string) (*Media, error)
	// AttachMedia gives unattached media of accountID to statusID, in the
	// order of ids. ErrNotFound when any of them is not accountID's or is
	// already attached: nothing is attached then.
	AttachMedia(ctx context.Context, accountID, statusID int64, ids []int64) error
	// StatusMedia lists a status's attachments in order (never nil).
	StatusMedia(ctx context.Context, statusID int64) ([]*Media, error)
}

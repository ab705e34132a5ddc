package mastodon

import (
	"context"

	"github.com/rounds-social/rounds/storage"
)

// statusMedia renders a status's media_attachments (always an array).
func (a *API) statusMedia(ctx context.Context, st *storage.Status) ([]any, error) {
	return []any{}, nil
}

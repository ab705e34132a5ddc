package federation

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/federation/media"
	"github.com/rounds-social/rounds/storage"
)

// Export writes a local account's archive in Mastodon's layout (a gzipped
// tar): actor.json, outbox.json with every post as a Create, likes.json,
// bookmarks.json, followers.json, following.json, and the uploaded images
// under media_attachments/files/. It is the clinician's own data, so
// nothing is filtered by visibility.
func (s *Service) Export(ctx context.Context, username string, w io.Writer) error {
	a, err := s.localMember(ctx, username)
	if err != nil {
		return err
	}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	ex := &exporter{s: s, a: a, tw: tw}
	steps := []func(context.Context) error{ex.actor, ex.outbox, ex.saved("likes.json", s.store.Favourites),
		ex.saved("bookmarks.json", s.store.Bookmarks), ex.follows(true), ex.follows(false)}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return fmt.Errorf("export %s: %w", username, err)
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

type exporter struct {
	s     *Service
	a     *storage.Account
	tw    *tar.Writer
	media []*storage.Media
}

func (ex *exporter) file(name string, b []byte) error {
	hdr := &tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: time.Now()}
	if err := ex.tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err := ex.tw.Write(b)
	return err
}

func (ex *exporter) actor(context.Context) error {
	b, err := activitypub.ActorDocument(ex.a, ex.s.base)
	if err != nil {
		return err
	}
	return ex.file("actor.json", b)
}

// collection writes an OrderedCollection document with inline items.
func (ex *exporter) collection(name, id string, items []any) error {
	b, err := json.MarshalIndent(map[string]any{
		"@context": "https://www.w3.org/ns/activitystreams", "id": id, "type": "OrderedCollection",
		"totalItems": len(items), "orderedItems": items,
	}, "", "  ")
	if err != nil {
		return err
	}
	return ex.file(name, b)
}

var allVisibilities = []string{storage.VisibilityPublic, storage.VisibilityUnlisted, storage.VisibilityPrivate, storage.VisibilityDirect}

func (ex *exporter) outbox(ctx context.Context) error {
	items := []any{}
	var maxID int64
	for {
		list, err := ex.s.store.AccountStatuses(ctx, ex.a.ID, allVisibilities, storage.Page{MaxID: maxID, Limit: 200})
		if err != nil || len(list) == 0 {
			if err != nil {
				return err
			}
			break
		}
		for _, st := range list {
			maxID = st.ID
			if st.ReblogOfID != 0 {
				continue
			}
			doc, err := ex.s.CreateDocument(ctx, ex.a, st)
			if err != nil {
				return err
			}
			items = append(items, json.RawMessage(doc))
			if err := ex.attachments(ctx, st); err != nil {
				return err
			}
		}
	}
	return ex.collection("outbox.json", "outbox.json", items)
}

// attachments copies a post's uploaded images into the archive.
func (ex *exporter) attachments(ctx context.Context, st *storage.Status) error {
	if ex.s.media == nil {
		return nil
	}
	list, err := ex.s.store.StatusMedia(ctx, st.ID)
	if err != nil {
		return err
	}
	for _, m := range list {
		if m.FileKey == "" {
			continue
		}
		ext := media.ExtOf(m.ContentType)
		f, err := ex.s.media.Open(m.FileKey, media.Original, ext)
		if err != nil {
			continue // a file lost on disk must not fail the whole export
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return err
		}
		if err := ex.file("media_attachments/files/"+m.FileKey+"/original."+ext, b); err != nil {
			return err
		}
	}
	return nil
}

func (ex *exporter) saved(name string, list func(context.Context, int64, storage.Page) ([]storage.Saved, error)) func(context.Context) error {
	return func(ctx context.Context) error {
		items := []any{}
		var maxID int64
		for {
			page, err := list(ctx, ex.a.ID, storage.Page{MaxID: maxID, Limit: 200})
			if err != nil {
				return err
			}
			if len(page) == 0 {
				break
			}
			for _, sv := range page {
				maxID = sv.ID
				if sv.Status != nil {
					items = append(items, sv.Status.URI)
				}
			}
		}
		return ex.collection(name, name, items)
	}
}

func (ex *exporter) follows(followers bool) func(context.Context) error {
	return func(ctx context.Context) error {
		var ids []int64
		var maxID int64
		for {
			var page []*storage.Follow
			var err error
			if followers {
				page, err = ex.s.store.Followers(ctx, ex.a.ID, storage.FollowAccepted, storage.Page{MaxID: maxID, Limit: 500})
			} else {
				page, err = ex.s.store.Following(ctx, ex.a.ID, storage.FollowAccepted, storage.Page{MaxID: maxID, Limit: 500})
			}
			if err != nil {
				return err
			}
			if len(page) == 0 {
				break
			}
			for _, f := range page {
				maxID = f.ID
				if followers {
					ids = append(ids, f.AccountID)
				} else {
					ids = append(ids, f.TargetAccountID)
				}
			}
		}
		accts, err := ex.s.store.AccountsByID(ctx, ids)
		if err != nil {
			return err
		}
		items := []any{}
		for _, id := range ids {
			if a, ok := accts[id]; ok {
				items = append(items, a.URI)
			}
		}
		name := "following.json"
		if followers {
			name = "followers.json"
		}
		return ex.collection(name, name, items)
	}
}

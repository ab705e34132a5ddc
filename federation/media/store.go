package media

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Store keeps processed images on disk, under dir/<key[:2]>/<key>/, as
// original.<ext> and small.<ext>.
//
// The key is the only access control on a file: <img> tags carry no token,
// so files are served to anyone who has the URL, as Mastodon's are. 128
// random bits make URLs unguessable; a URL leaks only if someone it was
// shown to passes it on. Deleting the database row stops the serving.
type Store struct{ dir string }

// NewStore returns a store rooted at dir (created on first save).
func NewStore(dir string) *Store { return &Store{dir: dir} }

// Dir is the root directory.
func (s *Store) Dir() string { return s.dir }

// Variants a file is stored in.
const (
	Original = "original"
	Small    = "small"
)

// NewKey returns a fresh random file key: 32 hex digits.
func NewKey() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	return hex.EncodeToString(b[:])
}

// ValidKey reports whether k looks like a key NewKey made; anything else
// (dots, slashes) never reaches the file system.
func ValidKey(k string) bool {
	if len(k) != 32 {
		return false
	}
	_, err := hex.DecodeString(k)
	return err == nil && strings.ToLower(k) == k
}

func (s *Store) folder(key string) string { return filepath.Join(s.dir, key[:2], key) }

// Save writes both variants of img under key. Each file is written to a
// temporary name and renamed, so a reader never sees half a file.
func (s *Store) Save(key string, img *Image) error {
	if !ValidKey(key) {
		return fmt.Errorf("save media: invalid key")
	}
	dir := s.folder(key)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("save media: %w", err)
	}
	for name, data := range map[string][]byte{Original: img.Original, Small: img.Small} {
		if err := writeFile(filepath.Join(dir, name+"."+img.Ext()), data); err != nil {
			return errors.Join(fmt.Errorf("save media: %w", err), s.Remove(key))
		}
	}
	return nil
}

func writeFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		_ = os.Remove(f.Name())
	}
	return err
}

// Open opens one variant ("original" or "small") of key's image.
func (s *Store) Open(key, variant, ext string) (*os.File, error) {
	if !ValidKey(key) || (variant != Original && variant != Small) || (ext != "jpg" && ext != "png") {
		return nil, os.ErrNotExist
	}
	return os.Open(filepath.Join(s.folder(key), variant+"."+ext))
}

// Remove deletes key's files; a key with no files is not an error.
func (s *Store) Remove(key string) error {
	if !ValidKey(key) {
		return nil
	}
	if err := os.RemoveAll(s.folder(key)); err != nil {
		return fmt.Errorf("remove media %s: %w", key, err)
	}
	return nil
}

// Path is the URL path a variant is served at: /media/<key>/<variant>.<ext>.
func Path(key, variant, ext string) string {
	return "/media/" + key + "/" + variant + "." + ext
}

package media

import (
	"io"
	"os"
	"testing"
)

func TestStoreSaveOpenRemove(t *testing.T) {
	s := NewStore(t.TempDir())
	img, err := Process(jpegOf(t, twoTone(10, 10)), "image/jpeg", "")
	if err != nil {
		t.Fatal(err)
	}
	key := NewKey()
	if !ValidKey(key) || key == NewKey() {
		t.Fatalf("bad key %q", key)
	}
	if err := s.Save(key, img); err != nil {
		t.Fatal(err)
	}
	f, err := s.Open(key, Original, "jpg")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if string(got) != string(img.Original) {
		t.Fatal("stored bytes differ")
	}
	for _, bad := range [][3]string{{"../../etc", Original, "jpg"}, {key, "../x", "jpg"}, {key, Small, "exe"}, {key, Original, "png"}} {
		if f, err := s.Open(bad[0], bad[1], bad[2]); err == nil {
			f.Close()
			t.Errorf("Open%q succeeded", bad)
		}
	}
	if err := s.Remove(key); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(key, Small, "jpg"); !os.IsNotExist(err) {
		t.Fatalf("after remove: %v", err)
	}
}

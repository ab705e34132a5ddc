package media

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"slices"
	"testing"
)

// forbidden are byte strings no stored file may contain: metadata block
// names and the identifiers planted in them.
var forbidden = []string{"Exif", "GPS", "xap", "xmpmeta", "Photoshop", "8BIM", "Doe^John", "MRN", "DOB"}

func assertClean(t *testing.T, name string, b []byte) {
	t.Helper()
	for _, s := range forbidden {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("%s contains %q", name, s)
		}
	}
}

func TestJPEGMetadataStrippedAndOriented(t *testing.T) {
	src := withMetadata(jpegOf(t, twoTone(40, 20)), 6)
	if exifOrientation(src) != 6 {
		t.Fatalf("test image orientation %d, want 6", exifOrientation(src))
	}
	img, err := Process(src, "image/jpeg", "IMG_0001.jpg")
	if err != nil {
		t.Fatal(err)
	}
	if img.ContentType != "image/jpeg" || img.Ext() != "jpg" {
		t.Fatalf("type %s ext %s", img.ContentType, img.Ext())
	}
	for name, b := range map[string][]byte{"original": img.Original, "small": img.Small} {
		assertClean(t, name, b)
		for _, m := range jpegMarkers(t, b) {
			if m >= 0xE0 && m <= 0xEF || m == 0xFE {
				t.Errorf("%s has APP/COM segment 0xFF%X", name, m)
			}
		}
	}
	dec, err := jpeg.Decode(bytes.NewReader(img.Original))
	if err != nil {
		t.Fatal(err)
	}
	// Orientation 6 is a 90° clockwise turn: 40×20 becomes 20×40, and the
	// red left half becomes the top.
	if b := dec.Bounds(); b.Dx() != 20 || b.Dy() != 40 || img.Width != 20 || img.Height != 40 {
		t.Fatalf("oriented size %v (%d×%d), want 20×40", b, img.Width, img.Height)
	}
	if r, _, bl, _ := dec.At(10, 5).RGBA(); r < bl {
		t.Errorf("top is not red after rotation")
	}
	if r, _, bl, _ := dec.At(10, 35).RGBA(); bl < r {
		t.Errorf("bottom is not blue after rotation")
	}
}

func TestPNGTextChunksStripped(t *testing.T) {
	src := withTextChunks(pngOf(t, twoTone(30, 30)))
	if _, err := png.Decode(bytes.NewReader(src)); err != nil {
		t.Fatalf("test PNG does not decode: %v", err)
	}
	img, err := Process(src, "image/png", "scan.png")
	if err != nil {
		t.Fatal(err)
	}
	if img.ContentType != "image/png" {
		t.Fatalf("type %s", img.ContentType)
	}
	for name, b := range map[string][]byte{"original": img.Original, "small": img.Small} {
		assertClean(t, name, b)
		for _, c := range pngChunkTypes(t, b) {
			if !slices.Contains([]string{"IHDR", "PLTE", "tRNS", "IDAT", "IEND"}, c) {
				t.Errorf("%s keeps chunk %s", name, c)
			}
		}
		if _, err := png.Decode(bytes.NewReader(b)); err != nil {
			t.Errorf("%s does not decode: %v", name, err)
		}
	}
}

func TestRefusals(t *testing.T) {
	dicom := append(make([]byte, 128), []byte("DICM\x02\x00\x00\x00UL\x04\x00")...)
	jpg := jpegOf(t, twoTone(8, 8))
	bomb := pngOf(t, twoTone(8, 8))
	copy(bomb[16:24], []byte{0, 0, 0x27, 0x10, 0, 0, 0x27, 0x10}) // IHDR claims 10000×10000
	bomb = append(bomb[:8], append(pngChunk("IHDR", bomb[16:29]), bomb[33:]...)...)
	cases := []struct {
		name, typ, file string
		data            []byte
		want            error
	}{
		{"dicom magic", "application/octet-stream", "x.bin", dicom, ErrDICOM},
		{"dicom type", "application/dicom", "x.jpg", jpg, ErrDICOM},
		{"dicom name", "image/jpeg", "CT_0001.DCM", jpg, ErrDICOM},
		{"garbage", "image/jpeg", "x.jpg", []byte("this is not an image at all"), ErrUnsupported},
		{"pdf", "application/pdf", "x.pdf", []byte("%PDF-1.7\n"), ErrUnsupported},
		{"truncated", "image/jpeg", "x.jpg", jpg[:len(jpg)/3], ErrUnreadable},
		{"oversized", "image/jpeg", "x.jpg", append(jpg, make([]byte, MaxBytes)...), ErrTooLarge},
		{"pixel bomb", "image/png", "x.png", bomb, ErrTooManyPx},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Process(c.data, c.typ, c.file)
			if !errors.Is(err, c.want) {
				t.Fatalf("err %v, want %v", err, c.want)
			}
		})
	}
}

func TestGIFFirstFrameAndWebP(t *testing.T) {
	pal := image.NewPaletted(image.Rect(0, 0, 10, 10), []color.Color{color.Black, color.White})
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{pal, pal}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	img, err := Process(buf.Bytes(), "image/gif", "a.gif")
	if err != nil || img.ContentType != "image/png" || img.Width != 10 {
		t.Fatalf("gif: %+v, %v", img, err)
	}
	wp, err := os.ReadFile("testdata/blue-purple-pink.lossy.webp")
	if err != nil {
		t.Fatal(err)
	}
	img, err = Process(wp, "image/webp", "a.webp")
	if err != nil {
		t.Fatal(err)
	}
	if img.ContentType != "image/jpeg" || img.Width == 0 {
		t.Fatalf("webp: type %s, %d×%d", img.ContentType, img.Width, img.Height)
	}
}

func TestPreviewSize(t *testing.T) {
	img, err := Process(jpegOf(t, twoTone(1000, 500)), "image/jpeg", "")
	if err != nil {
		t.Fatal(err)
	}
	if img.SmallWidth != 400 || img.SmallHeight != 200 {
		t.Fatalf("small %d×%d, want 400×200", img.SmallWidth, img.SmallHeight)
	}
	small, err := jpeg.DecodeConfig(bytes.NewReader(img.Small))
	if err != nil || small.Width != 400 || small.Height != 200 {
		t.Fatalf("small decodes as %+v, %v", small, err)
	}
}

func TestOrientations(t *testing.T) {
	for o := 1; o <= 8; o++ {
		out := orient(twoTone(4, 2), o)
		w, h := out.Bounds().Dx(), out.Bounds().Dy()
		if (o >= 5) != (w == 2 && h == 4) {
			t.Errorf("orientation %d: %d×%d", o, w, h)
		}
	}
}

func FuzzProcess(f *testing.F) {
	f.Add([]byte("\xFF\xD8\xFF\xE1\x00\x10Exif\x00\x00II*\x00\x08\x00\x00\x00"))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Process(b, "", "")
		_ = exifOrientation(b)
	})
}

package mastodon

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"path/filepath"
	"testing"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/fetch"
	"github.com/rounds-social/rounds/federation/media"
	"github.com/rounds-social/rounds/federation/uris"
	"github.com/rounds-social/rounds/storage/testdb"
)

// startMediaInstance is startInstance with a media directory.
func startMediaInstance(t *testing.T) (*instance, string) {
	t.Helper()
	dir := t.TempDir()
	db := testdb.Open(t) // SQLite, or PostgreSQL with ROUNDS_TEST_BACKEND=postgres
	srv := httptest.NewUnstartedServer(nil)
	host := srv.Listener.Addr().String()
	mediaDir := filepath.Join(dir, "media")
	svc := federation.New(db, federation.Options{Base: uris.New("http", host), Media: media.NewStore(mediaDir),
		Client: fetch.NewClient(fetch.Options{AllowHTTP: true, AllowPrivate: true})})
	r := mux.NewRouter()
	New(svc, Instance{Name: "Test General", Version: "0.1.0"}, nil).Register(r)
	srv.Config.Handler = r
	srv.Start()
	t.Cleanup(srv.Close)
	return &instance{t: t, srv: srv, host: host, svc: svc, store: db}, mediaDir
}

// upload sends a multipart form with a file part (and other fields) as u.
func (u *user) upload(path, filename, contentType string, file []byte, fields map[string]string) *reply {
	t := u.in.t
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
		h.Set("Content-Type", contentType)
		pw, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = pw.Write(file)
	}
	_ = mw.Close()
	req, err := http.NewRequest(http.MethodPost, u.in.srv.URL+path, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+u.token)
	return u.in.send(req)
}

// fetchFile GETs a media URL with no token, as an <img> would.
func fetchFile(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func testPhoto(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func testGraphic(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 64, 48))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func appSegment(marker byte, payload string) []byte {
	s := []byte{0xFF, marker}
	s = binary.BigEndian.AppendUint16(s, uint16(len(payload)+2))
	return append(s, payload...)
}

// withEXIF inserts, after SOI, an APP1 Exif segment holding a GPS IFD
// pointer and a GPS tag, and an APP1 XMP segment with a patient name.
func withEXIF(jpg []byte) []byte {
	tiff := "II\x2a\x00\x08\x00\x00\x00" + "\x01\x00" + "\x25\x88\x04\x00\x01\x00\x00\x00\x1a\x00\x00\x00" + "\x00\x00\x00\x00" +
		"\x01\x00" + "\x01\x00\x02\x00\x02\x00\x00\x00N\x00\x00\x00" + "\x00\x00\x00\x00" + "GPS 42.3601N 71.0589W"
	out := append([]byte{}, jpg[:2]...)
	out = append(out, appSegment(0xE1, "Exif\x00\x00"+tiff)...)
	out = append(out, appSegment(0xE1, "http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>Patient Doe^John</x:xmpmeta>")...)
	return append(out, jpg[2:]...)
}

func pngChunk(typ, data string) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ+data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE([]byte(typ+data)))
}

// withTextChunks inserts tEXt and iTXt chunks after IHDR.
func withTextChunks(p []byte) []byte {
	out := append([]byte{}, p[:33]...)
	out = append(out, pngChunk("tEXt", "Comment\x00Patient Doe^John DOB 1931-04-02")...)
	out = append(out, pngChunk("iTXt", "XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta>GPSLatitude</x:xmpmeta>")...)
	return append(out, p[33:]...)
}

// mediaOut is the MediaAttachment entity as a client decodes it.
type mediaOut struct {
	ID          string  `json:"id"`
	Type        string  `json:"type"`
	URL         *string `json:"url"`
	PreviewURL  *string `json:"preview_url"`
	RemoteURL   *string `json:"remote_url"`
	TextURL     *string `json:"text_url"`
	Description *string `json:"description"`
	Blurhash    *string `json:"blurhash"`
	Meta        struct {
		Original struct {
			Width, Height int
			Size          string
			Aspect        float64
		}
		Small struct{ Width, Height int }
		Focus struct{ X, Y float64 }
	} `json:"meta"`
}

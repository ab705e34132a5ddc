package web

import (
	"image/png"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"
)

// The API's avatar, header and thumbnail URLs must load as real images.
func TestDefaultImagesLoad(t *testing.T) {
	r := mux.NewRouter()
	registerStatic(r)
	srv := httptest.NewServer(r)
	defer srv.Close()
	for _, p := range []string{"/static/avatar.png", "/static/header.png", "/static/thumbnail.png"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || err != nil {
			t.Fatalf("%s: status %d, type %q, decode error %v", p, resp.StatusCode, resp.Header.Get("Content-Type"), err)
		}
		if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 100 {
			t.Fatalf("%s: image is %v, too small to be an avatar or header", p, b)
		}
	}
}

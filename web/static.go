package web

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"time"

	"github.com/gorilla/mux"
)

// Default images: the Mastodon API promises avatar and header URLs that
// load, and some clients crash on a broken one. Drawn once at start.
var (
	defaultAvatar = solidPNG(400, 400, color.RGBA{0x5b, 0x7f, 0x9e, 0xff})
	defaultHeader = solidPNG(1500, 500, color.RGBA{0xdf, 0xe6, 0xed, 0xff})
)

func solidPNG(w, h int, c color.Color) []byte {
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{c})
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

func registerStatic(r *mux.Router) {
	serve := func(b []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Cache-Control", "public, max-age=86400")
			http.ServeContent(w, r, "image.png", time.Time{}, bytes.NewReader(b))
		}
	}
	r.HandleFunc("/static/avatar.png", serve(defaultAvatar)).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/static/header.png", serve(defaultHeader)).Methods(http.MethodGet, http.MethodHead)
	r.HandleFunc("/static/thumbnail.png", serve(defaultHeader)).Methods(http.MethodGet, http.MethodHead)
}

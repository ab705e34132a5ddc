// Package media turns an uploaded file into the images Rounds stores and
// serves: decoded, re-encoded (which drops every EXIF, XMP, IPTC and GPS
// block by construction: the encoders write pixels and nothing else),
// oriented, and shrunk to a preview. DICOM files are refused outright: they
// carry patient identifiers in their headers and often burned into pixels.
//
// WebP decoding uses golang.org/x/image/webp, maintained by the Go team.
package media

import (
	"bytes"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"mime"
	"path"
	"strings"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"
)

const (
	// MaxBytes is the largest upload accepted (Mastodon's image_size_limit).
	MaxBytes = 16 << 20
	// MaxPixels bounds width×height before decoding, so a small file that
	// claims to be a huge image cannot exhaust memory (image_matrix_limit).
	MaxPixels = 33177600
	// SmallSize is the longest side of the preview.
	SmallSize = 400
	// jpegQuality keeps photos of skin, wounds and films faithful without
	// storing the phone's original bytes.
	jpegQuality = 88
)

// Refusal is an upload refused for a reason the uploader can act on; its
// message is safe to show.
type Refusal struct{ Msg string }

func (r *Refusal) Error() string { return r.Msg }

// Refusals a client may see.
var (
	ErrDICOM       = &Refusal{"DICOM files cannot be uploaded: export a de-identified image instead"}
	ErrUnsupported = &Refusal{"Unsupported file type: upload a JPEG, PNG, GIF or WebP image"}
	ErrTooLarge    = &Refusal{"File is too large: the limit is 16 MiB"}
	ErrTooManyPx   = &Refusal{"Image is too large: the limit is 33 megapixels"}
	ErrUnreadable  = &Refusal{"The file could not be read as an image"}
)

// Image is an upload after processing: the bytes to store, nothing else of
// the original survives.
type Image struct {
	ContentType string // image/jpeg or image/png
	Original    []byte
	Small       []byte
	Width       int
	Height      int
	SmallWidth  int
	SmallHeight int
}

// Ext is the file extension for the image's content type.
func (i *Image) Ext() string { return ExtOf(i.ContentType) }

// ExtOf maps the content types this package writes to file extensions.
func ExtOf(contentType string) string {
	if contentType == "image/png" {
		return "png"
	}
	return "jpg"
}

// IsDICOM reports whether an upload is a DICOM file: the 128-byte preamble
// followed by "DICM", or a client calling it one by type or file name.
func IsDICOM(data []byte, declaredType, filename string) bool {
	if len(data) >= 132 && string(data[128:132]) == "DICM" {
		return true
	}
	if mt, _, _ := mime.ParseMediaType(declaredType); mt == "application/dicom" {
		return true
	}
	return strings.EqualFold(path.Ext(filename), ".dcm")
}

// Process checks, decodes and re-encodes an upload.
func Process(data []byte, declaredType, filename string) (*Image, error) {
	if IsDICOM(data, declaredType, filename) {
		return nil, ErrDICOM
	}
	if len(data) > MaxBytes {
		return nil, ErrTooLarge
	}
	format := sniff(data)
	if format == "" {
		return nil, ErrUnsupported
	}
	img, err := decode(format, data)
	if err != nil {
		return nil, err
	}
	if format == "jpeg" {
		img = orient(img, exifOrientation(data))
	}
	return encode(img, outputType(format, img))
}

// sniff names the format by its magic bytes; what the client declared is
// not trusted.
func sniff(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "jpeg"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "gif"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

type codec struct {
	config func(*bytes.Reader) (image.Config, error)
	decode func(*bytes.Reader) (image.Image, error)
}

// codecs are called directly rather than through image.Decode, so no other
// package's registered decoder can widen what is accepted.
var codecs = map[string]codec{
	"jpeg": {func(r *bytes.Reader) (image.Config, error) { return jpeg.DecodeConfig(r) }, func(r *bytes.Reader) (image.Image, error) { return jpeg.Decode(r) }},
	"png":  {func(r *bytes.Reader) (image.Config, error) { return png.DecodeConfig(r) }, func(r *bytes.Reader) (image.Image, error) { return png.Decode(r) }},
	"gif":  {func(r *bytes.Reader) (image.Config, error) { return gif.DecodeConfig(r) }, func(r *bytes.Reader) (image.Image, error) { return gif.Decode(r) }},
	"webp": {func(r *bytes.Reader) (image.Config, error) { return webp.DecodeConfig(r) }, func(r *bytes.Reader) (image.Image, error) { return webp.Decode(r) }},
}

// decode checks the dimensions first, then decodes (a GIF's first frame).
func decode(format string, data []byte) (img image.Image, err error) {
	c := codecs[format]
	cfg, err := c.config(bytes.NewReader(data))
	if err != nil {
		return nil, ErrUnreadable
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, ErrUnreadable
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, ErrTooManyPx
	}
	// The decoders are not all hardened against hostile input; a panic in one
	// is a bad file, not a crashed request.
	defer func() {
		if recover() != nil {
			img, err = nil, ErrUnreadable
		}
	}()
	img, err = c.decode(bytes.NewReader(data))
	if err != nil {
		return nil, ErrUnreadable
	}
	return img, nil
}

// outputType keeps photos as JPEG and graphics (PNG, GIF, and WebP with
// transparency) lossless as PNG.
func outputType(format string, img image.Image) string {
	switch format {
	case "jpeg":
		return "image/jpeg"
	case "webp":
		if o, ok := img.(interface{ Opaque() bool }); ok && o.Opaque() {
			return "image/jpeg"
		}
	}
	return "image/png"
}

func encode(img image.Image, contentType string) (*Image, error) {
	b := img.Bounds()
	small := shrink(img, SmallSize)
	out := &Image{ContentType: contentType, Width: b.Dx(), Height: b.Dy(),
		SmallWidth: small.Bounds().Dx(), SmallHeight: small.Bounds().Dy()}
	var err error
	if out.Original, err = encodeAs(img, contentType); err != nil {
		return nil, err
	}
	if out.Small, err = encodeAs(small, contentType); err != nil {
		return nil, err
	}
	return out, nil
}

func encodeAs(img image.Image, contentType string) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	if contentType == "image/png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality})
	}
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", contentType, err)
	}
	return buf.Bytes(), nil
}

// shrink scales img to fit within max×max, keeping its aspect ratio.
// BiLinear widens its kernel when shrinking, so previews do not alias.
func shrink(img image.Image, most int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= most && h <= most {
		return img
	}
	if w >= h {
		w, h = most, max(1, h*most/w)
	} else {
		w, h = max(1, w*most/h), most
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

package media

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

// twoTone is w×h, left half red, right half blue: enough to tell a rotation.
func twoTone(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{220, 20, 20, 255}
			if x >= w/2 {
				c = color.RGBA{20, 20, 220, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func jpegOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pngOf(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// exifTIFF is a little-endian TIFF block with IFD0 holding Orientation and a
// pointer to a GPS IFD holding a latitude reference: what phones write.
func exifTIFF(orientation uint16) []byte {
	le := binary.LittleEndian
	b := []byte("II\x2a\x00")
	b = le.AppendUint32(b, 8)
	b = le.AppendUint16(b, 2) // IFD0: two entries
	b = le.AppendUint16(b, 0x0112)
	b = le.AppendUint16(b, 3)
	b = le.AppendUint32(b, 1)
	b = le.AppendUint16(b, orientation)
	b = le.AppendUint16(b, 0)
	b = le.AppendUint16(b, 0x8825) // GPS IFD pointer
	b = le.AppendUint16(b, 4)
	b = le.AppendUint32(b, 1)
	b = le.AppendUint32(b, 38)
	b = le.AppendUint32(b, 0) // no IFD1
	b = le.AppendUint16(b, 1) // GPS IFD at 38: GPSLatitudeRef "N"
	b = le.AppendUint16(b, 0x0001)
	b = le.AppendUint16(b, 2)
	b = le.AppendUint32(b, 2)
	b = append(b, 'N', 0, 0, 0)
	b = le.AppendUint32(b, 0)
	return append(b, []byte("GPS 42.3601 N 71.0589 W")...)
}

func segment(marker byte, payload []byte) []byte {
	s := []byte{0xFF, marker}
	s = binary.BigEndian.AppendUint16(s, uint16(len(payload)+2))
	return append(s, payload...)
}

// withMetadata inserts EXIF (with GPS), XMP and IPTC segments after SOI.
func withMetadata(jpg []byte, orientation uint16) []byte {
	exif := segment(0xE1, append([]byte("Exif\x00\x00"), exifTIFF(orientation)...))
	xmp := segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><exif:GPSLatitude>42,21.6N</exif:GPSLatitude>"+
		"<dc:description>Patient Doe^John MRN 1234567</dc:description></x:xmpmeta>"))
	iptc := segment(0xED, []byte("Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10\x1c\x02\x05\x00\x08Doe^John"))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, exif...)
	out = append(out, xmp...)
	out = append(out, iptc...)
	return append(out, jpg[2:]...)
}

func pngChunk(typ string, data []byte) []byte {
	c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	c = append(c, typ...)
	c = append(c, data...)
	return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(append([]byte(typ), data...)))
}

// withTextChunks inserts tEXt, iTXt and eXIf chunks after IHDR (which ends at 33).
func withTextChunks(p []byte) []byte {
	out := append([]byte{}, p[:33]...)
	out = append(out, pngChunk("tEXt", []byte("Comment\x00Patient Doe^John DOB 1931-04-02"))...)
	out = append(out, pngChunk("iTXt", []byte("XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta>GPSLatitude 42.36</x:xmpmeta>"))...)
	out = append(out, pngChunk("eXIf", exifTIFF(1))...)
	return append(out, p[33:]...)
}

// pngChunkTypes lists the chunk types of a PNG file in order.
func pngChunkTypes(t *testing.T, p []byte) []string {
	t.Helper()
	var types []string
	for i := 8; i+8 <= len(p); {
		n := int(binary.BigEndian.Uint32(p[i:]))
		types = append(types, string(p[i+4:i+8]))
		i += 12 + n
	}
	return types
}

// jpegMarkers lists the marker bytes of a JPEG's header segments, up to SOS.
func jpegMarkers(t *testing.T, b []byte) []byte {
	t.Helper()
	var out []byte
	for i := 2; i+4 <= len(b) && b[i] == 0xFF; {
		out = append(out, b[i+1])
		if b[i+1] == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(b[i+2:]))
	}
	return out
}

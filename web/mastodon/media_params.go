package mastodon

import (
	"errors"
	"io"
	"math"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/media"
	"github.com/rounds-social/rounds/storage"
)

// MaxUploadBodyBytes is the body limit of a media upload: the largest file
// plus room for the other form fields and multipart framing. The global body
// limit is far smaller, so the body-limit middleware must let IsMediaUpload
// requests have this much.
const MaxUploadBodyBytes = media.MaxBytes + 1<<20

// IsMediaUpload reports whether r is an upload to POST /api/v{1,2}/media.
func IsMediaUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && (r.URL.Path == "/api/v1/media" || r.URL.Path == "/api/v2/media")
}

// maxDescription is Mastodon's description_limit, which the instance entity
// advertises.
const maxDescription = 1500

// mediaIDsFrom reads media_ids[] of POST /api/v1/statuses. A malformed id is
// answered like one that cannot be attached: 422.
func mediaIDsFrom(p params) ([]int64, error) {
	var out []int64
	for _, s := range p.list("media_ids") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := storage.ParseID(s)
		if err != nil {
			return nil, &federation.InputError{Msg: "Validation failed: Media attachment " + strconv.Quote(s) + " is not an id"}
		}
		out = append(out, id)
	}
	return out, nil
}

// parseFocus reads Mastodon's focus "x,y", each between -1 and 1.
func parseFocus(s string) (x, y float64, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, 0, nil
	}
	xs, ys, ok := strings.Cut(s, ",")
	bad := &federation.InputError{Msg: "Validation failed: Focus must be two numbers between -1.0 and 1.0, as x,y"}
	if !ok {
		return 0, 0, bad
	}
	x, errx := strconv.ParseFloat(strings.TrimSpace(xs), 64)
	y, erry := strconv.ParseFloat(strings.TrimSpace(ys), 64)
	if errx != nil || erry != nil || math.Abs(x) > 1 || math.Abs(y) > 1 {
		return 0, 0, bad
	}
	return x, y, nil
}

func checkDescription(s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > maxDescription {
		return "", &federation.InputError{Msg: "Validation failed: Description is too long (maximum is 1500 characters)"}
	}
	return s, nil
}

// uploadedFile reads the multipart "file" part, at most one byte past the
// limit (enough for media.Process to refuse it as too large).
func uploadedFile(r *http.Request) ([]byte, *multipart.FileHeader, error) {
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 {
		return nil, nil, &federation.InputError{Msg: "Validation failed: File can't be blank"}
	}
	hdr := r.MultipartForm.File["file"][0]
	f, err := hdr.Open()
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, media.MaxBytes+1))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, nil, errBodyTooLarge
	}
	return data, hdr, err
}

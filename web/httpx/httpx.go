// Package httpx holds the small response helpers every web package shares.
package httpx

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// WriteJSON writes v as a JSON response.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	WriteJSONType(w, "application/json; charset=utf-8", status, v)
}

// WriteJSONType writes v as JSON with an explicit content type.
func WriteJSONType(w http.ResponseWriter, contentType string, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"internal server error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// WriteError writes the Mastodon-style error body {"error": msg}.
func WriteError(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, map[string]string{"error": msg})
}

// ReadBody reads a request body already capped by the body-limit middleware;
// the bool is false when the body was too large (the caller answers 413).
func ReadBody(r *http.Request) ([]byte, bool, error) {
	b, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, false, err
	}
	return b, true, err
}

package oauth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/rounds-social/rounds/web/httpx"
)

// errTooLarge means the body-limit middleware cut the body off.
var errTooLarge = errors.New("request body too large")

// readParams merges the query string with a form or JSON body (body values
// win). Clients differ: Tusky and Phanpy post forms, Elk and Ice Cubes JSON,
// older Ice Cubes the query string (research §8 pitfall 4). A JSON array
// becomes repeated values of its key.
func readParams(r *http.Request) (url.Values, error) {
	p := r.URL.Query()
	if r.Body == nil || r.Method == http.MethodGet {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var body url.Values
	var err error
	if ct == "multipart/form-data" {
		if err = r.ParseMultipartForm(1 << 20); err == nil {
			body = url.Values(r.MultipartForm.Value)
		}
	} else {
		body, err = readBody(r, ct)
	}
	if err != nil {
		return nil, err
	}
	for k, vs := range body {
		p[k] = vs
	}
	return p, nil
}

func readBody(r *http.Request, ct string) (url.Values, error) {
	raw, ok, err := httpx.ReadBody(r)
	if !ok {
		return nil, errTooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		return url.Values{}, nil
	case ct == "application/json" || raw[0] == '{':
		return jsonValues(raw)
	default:
		return url.ParseQuery(string(raw))
	}
}

func jsonValues(raw []byte) (url.Values, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("invalid JSON body: %w", err)
	}
	out := url.Values{}
	for k, v := range doc {
		k = strings.TrimSuffix(k, "[]")
		if list, ok := v.([]any); ok {
			for _, item := range list {
				out.Add(k, scalar(item))
			}
			continue
		}
		out.Add(k, scalar(v))
	}
	return out, nil
}

func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// list returns all values of key and of key[] (the form spelling of arrays).
func list(p url.Values, key string) []string {
	return append(append([]string{}, p[key]...), p[key+"[]"]...)
}

// paramsOrError reads the parameters, answering the client itself when the
// body cannot be read; ok is false then.
func paramsOrError(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	p, err := readParams(r)
	if errors.Is(err, errTooLarge) {
		httpx.WriteError(w, http.StatusRequestEntityTooLarge, "request body too large")
		return nil, false
	}
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request body could not be parsed")
		return nil, false
	}
	return p, true
}

package mastodon

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/rounds-social/rounds/web/httpx"
)

// params are a request's parameters from the query string, an urlencoded or
// multipart form and a JSON body, merged into one url.Values. Mastodon
// accepts all of them on every endpoint and each client picks a different
// one (research §1, pitfall 4), so every handler reads parameters through here.
// JSON arrays become "key[]" and nested objects "key[sub]", the shapes a form
// would use, so lookups need not care where a value came from.
type params url.Values

// errBodyTooLarge means the body-limit middleware cut the body off.
var errBodyTooLarge = errors.New("request body too large")

// paramError is a body the client sent that cannot be parsed.
type paramError struct{ msg string }

func (e *paramError) Error() string { return e.msg }

// multipartMemory bounds what a multipart form keeps in memory; the body
// limit middleware bounds the whole request before this.
const multipartMemory = 8 << 20

// readParams merges the query string with the body; body values win, as in
// Rails, where a POST's form overrides the same key in its URL.
func readParams(r *http.Request) (params, error) {
	p := params(r.URL.Query())
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return p, nil
	}
	body, err := bodyParams(r)
	if err != nil {
		return nil, err
	}
	for k, vs := range body {
		p[k] = vs
	}
	return p, nil
}

func bodyParams(r *http.Request) (url.Values, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(multipartMemory); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, errBodyTooLarge
			}
			return nil, &paramError{"Invalid multipart form"}
		}
		return url.Values(r.MultipartForm.Value), nil
	}
	raw, ok, err := httpx.ReadBody(r)
	if !ok {
		return nil, errBodyTooLarge
	}
	if err != nil {
		return nil, &paramError{"Could not read the request body"}
	}
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		return url.Values{}, nil
	case ct == "application/json" || raw[0] == '{':
		return jsonParams(raw)
	default:
		v, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, &paramError{"Invalid form body"}
		}
		return v, nil
	}
}

func jsonParams(raw []byte) (url.Values, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // ids above 2^53 must survive as written
	var doc map[string]any
	if err := dec.Decode(&doc); err != nil {
		return nil, &paramError{"Invalid JSON in the request body"}
	}
	out := url.Values{}
	// Nested keys repeat their prefix per leaf ("a[b][]"), so a long key over
	// many leaves would expand a 1 MiB body into gigabytes; bound the bytes
	// of keys built to a multiple of the body, far above any real request.
	budget := 16*len(raw) + 64<<10
	if !flatten(out, "", doc, &budget) {
		return nil, &paramError{"JSON body nests too deeply or repeats too many keys"}
	}
	return out, nil
}

// flatten writes a JSON value under the key a form would give it, charging
// every key it builds to budget; false means the budget ran out.
func flatten(out url.Values, key string, v any, budget *int) bool {
	sub := func(k string, v any) bool {
		if *budget -= len(k); *budget < 0 {
			return false
		}
		return flatten(out, k, v, budget)
	}
	switch x := v.(type) {
	case map[string]any:
		for k, v := range x {
			if key != "" {
				k = key + "[" + k + "]"
			}
			if !sub(k, v) {
				return false
			}
		}
	case []any:
		for i, v := range x {
			k := key + "[]"
			if _, nested := v.(map[string]any); nested {
				k = key + "[" + strconv.Itoa(i) + "]"
			}
			if !sub(k, v) {
				return false
			}
		}
	case string:
		out.Add(key, x)
	case bool:
		out.Add(key, strconv.FormatBool(x))
	case json.Number:
		out.Add(key, x.String())
	}
	return true
}

// get returns the first value of key, or "".
func (p params) get(key string) string { return url.Values(p).Get(key) }

// list returns every value given for an array parameter in any of the shapes
// clients send: key[]=a, key=a (repeated or single) and key[0]=a.
func (p params) list(key string) []string {
	out := append([]string{}, p[key+"[]"]...)
	out = append(out, p[key]...)
	type indexed struct {
		i int
		v []string
	}
	var idx []indexed
	for k, vs := range p {
		n, ok := strings.CutPrefix(k, key+"[")
		if !ok || !strings.HasSuffix(n, "]") {
			continue
		}
		if i, err := strconv.Atoi(strings.TrimSuffix(n, "]")); err == nil {
			idx = append(idx, indexed{i, vs})
		}
	}
	sort.Slice(idx, func(a, b int) bool { return idx[a].i < idx[b].i })
	for _, x := range idx {
		out = append(out, x.v...)
	}
	return out
}

// boolean parses leniently: Ivory sends "1", others "true" or "on".
func (p params) boolean(key string) bool {
	switch strings.ToLower(strings.TrimSpace(p.get(key))) {
	case "1", "true", "t", "on", "yes":
		return true
	}
	return false
}

// limit is the page size asked for, defaulting to def and clamped to most.
func (p params) limit(def, most int) int {
	n, err := strconv.Atoi(strings.TrimSpace(p.get("limit")))
	switch {
	case err != nil || n <= 0:
		return def
	case n > most:
		return most
	}
	return n
}

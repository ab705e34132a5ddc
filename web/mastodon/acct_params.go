package mastodon

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/rounds-social/rounds/web/httpx"
)

// has reports whether the client sent key at all: a PATCH changes only
// what was sent, and "" is a value (clearing a bio).
func (p params) has(key string) bool {
	_, ok := p[key]
	return ok
}

// objects reads an array of objects in the shapes clients send it:
// key[0][field]=v (masto.js multipart, and JSON arrays or index-keyed
// objects once flattened) and Rails' key[][field]=v, where the i-th value
// of each field belongs to the i-th object. Objects come back in index order.
func (p params) objects(key string) []map[string]string {
	indexed := map[int]map[string]string{}
	var bare []map[string]string
	for k, vs := range p {
		rest, ok := strings.CutPrefix(k, key+"[")
		if !ok || len(vs) == 0 {
			continue
		}
		idx, field, ok := strings.Cut(rest, "][")
		if !ok || !strings.HasSuffix(field, "]") {
			continue
		}
		field = strings.TrimSuffix(field, "]")
		if idx == "" {
			for i, v := range vs {
				for len(bare) <= i {
					bare = append(bare, map[string]string{})
				}
				bare[i][field] = v
			}
			continue
		}
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 {
			continue
		}
		if indexed[n] == nil {
			indexed[n] = map[string]string{}
		}
		indexed[n][field] = vs[0]
	}
	return append(sortedObjects(indexed), bare...)
}

func sortedObjects(m map[int]map[string]string) []map[string]string {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	out := make([]map[string]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}

// hasObjects reports whether any key[...] parameter was sent.
func (p params) hasObjects(key string) bool {
	for k := range p {
		if strings.HasPrefix(k, key+"[") {
			return true
		}
	}
	return false
}

// lenientBool parses a boolean value the way params.boolean does.
func lenientBool(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "t", "on", "yes":
		return true
	}
	return false
}

// emptyObject answers endpoints whose success carries no data: masto.js
// parses every body, so it must be {} rather than nothing.
func emptyObject(w http.ResponseWriter) {
	httpx.WriteJSON(w, http.StatusOK, map[string]any{})
}

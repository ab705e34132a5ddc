package admin

import (
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// secretWords mark configuration keys whose values the settings page hides.
var secretWords = []string{"password", "secret", "token", "private", "key"}

// SettingsFrom flattens a configuration struct (by its yaml tags) into
// key/value lines for the settings page, hiding anything named like a
// secret. cmd passes it the effective config.
func SettingsFrom(cfg any) []Setting {
	raw, err := yaml.Marshal(cfg)
	if err != nil {
		return []Setting{{Key: "error", Value: err.Error()}}
	}
	var tree map[string]any
	if err := yaml.Unmarshal(raw, &tree); err != nil {
		return []Setting{{Key: "error", Value: err.Error()}}
	}
	out := []Setting{}
	flatten("", tree, &out)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func flatten(prefix string, v any, out *[]Setting) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			key := k
			if prefix != "" {
				key = prefix + "." + k
			}
			flatten(key, x, out)
		}
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = fmt.Sprint(x)
		}
		*out = append(*out, Setting{Key: prefix, Value: redact(prefix, strings.Join(parts, ", "))})
	default:
		s := ""
		if v != nil {
			s = fmt.Sprint(v)
		}
		*out = append(*out, Setting{Key: prefix, Value: redact(prefix, s)})
	}
}

func redact(key, value string) string {
	last := strings.ToLower(key[strings.LastIndex(key, ".")+1:])
	for _, w := range secretWords {
		if strings.Contains(last, w) && value != "" {
			return "(set, hidden)"
		}
	}
	return value
}

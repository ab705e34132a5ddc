package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

const envPrefix = "ROUNDS_"

// field is one settable key: where it lives in Config and what it is called
// in each place a person can set it. The table is built from the yaml tags,
// which is what lets a new Config field need no loader change.
type field struct {
	key   string // dotted path: "federation.mode"
	env   string // "ROUNDS_FEDERATION_MODE"
	index []int  // for reflect.Value.FieldByIndex
	typ   reflect.Type
}

var durationType = reflect.TypeFor[time.Duration]()

var (
	fields     = describe(reflect.TypeFor[Config](), nil, "")
	fieldByKey = indexFields(func(f field) string { return f.key })
	fieldByEnv = indexFields(func(f field) string { return f.env })
	// sections are the dotted paths of nested structs ("federation"), which
	// the YAML file may hold as mappings but env and flags cannot set whole.
	sections = sectionSet(fields)
)

// describe lists the leaf keys of struct type t, depth first in declaration
// order. It panics on a field it cannot load, so the mistake shows up in the
// first test run rather than as a key that silently never loads.
func describe(t reflect.Type, index []int, prefix string) []field {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			panic(fmt.Sprintf("config: field %s.%s needs a yaml tag", t.Name(), sf.Name))
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		idx := append(append([]int(nil), index...), i)
		if sf.Type.Kind() == reflect.Struct {
			out = append(out, describe(sf.Type, idx, key)...)
			continue
		}
		if typeHint(sf.Type) == "" {
			panic(fmt.Sprintf("config: key %q has type %s, which the loader cannot parse", key, sf.Type))
		}
		out = append(out, field{
			key:   key,
			env:   envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_")),
			index: idx,
			typ:   sf.Type,
		})
	}
	return out
}

func indexFields(name func(field) string) map[string]field {
	m := make(map[string]field, len(fields))
	for _, f := range fields {
		if _, dup := m[name(f)]; dup {
			panic(fmt.Sprintf("config: two keys are both called %q", name(f)))
		}
		m[name(f)] = f
	}
	return m
}

func sectionSet(fs []field) map[string]bool {
	s := map[string]bool{}
	for _, f := range fs {
		for k := f.key; strings.Contains(k, "."); {
			k = k[:strings.LastIndexByte(k, '.')]
			s[k] = true
		}
	}
	return s
}

func envNames() []string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.env
	}
	return names
}

// typeHint says, for a person, what a key of type t accepts; "" means the
// loader does not support t.
func typeHint(t reflect.Type) string {
	switch {
	case t == durationType:
		return "a duration such as 90s, 15m or 1h30m"
	case t.Kind() == reflect.String:
		return "text"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Int:
		return "a whole number"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return "a list of text values (comma-separated in environment variables and flags)"
	}
	return ""
}

// set parses text, as it comes from an environment variable or a flag, into
// f's field of c.
func (f field) set(c *Config, text string) error {
	v := reflect.ValueOf(c).Elem().FieldByIndex(f.index)
	bad := &FieldError{Key: f.key, Got: text, Allowed: typeHint(f.typ)}
	switch {
	case f.typ == durationType:
		d, err := time.ParseDuration(strings.TrimSpace(text))
		if err != nil {
			return bad
		}
		v.SetInt(int64(d))
	case f.typ.Kind() == reflect.String:
		v.SetString(text)
	case f.typ.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(text))
		if err != nil {
			return bad
		}
		v.SetBool(b)
	case f.typ.Kind() == reflect.Int:
		n, err := strconv.Atoi(strings.TrimSpace(text))
		if err != nil {
			return bad
		}
		v.SetInt(int64(n))
	case f.typ.Kind() == reflect.Slice:
		v.Set(reflect.ValueOf(splitList(text)).Convert(f.typ))
	}
	return nil
}

// splitList reads "a, b,,c" as [a b c]: blanks around commas and empty items
// are what people type, not values they mean. An empty string is an empty
// list, which is how to clear a list the file set.
func splitList(text string) []string {
	out := []string{}
	for item := range strings.SplitSeq(text, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// suggest returns " (did you mean X?)" for the candidate closest to name, or
// "" when none is close enough to be a likely typo.
func suggest(name string, candidates []string) string {
	best, bestDist := "", len(name)/5+2
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}

// editDistance is the Levenshtein distance between a and b, byte-wise (keys
// are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

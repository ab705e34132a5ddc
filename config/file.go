package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// loadFile decodes the YAML file at path over c. Keys the file leaves out keep
// the value c already has; a list in the file replaces the list in c.
func (c *Config) loadFile(path string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("config file %q: %w (copy rounds.example.yaml to start one)", path, fs.ErrNotExist)
	}
	if err != nil {
		return fmt.Errorf("read config file %q: %w", path, err)
	}

	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	err = dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		return nil // empty, or only comments: the defaults stand
	}
	if err != nil {
		return fmt.Errorf("config file %q: %w", path, err) // yaml.v3 names the line
	}
	if err := dec.Decode(new(yaml.Node)); !errors.Is(err, io.EOF) {
		return fmt.Errorf("config file %q: holds more than one YAML document (a line with ---); keep every setting in one", path)
	}

	// yaml.v3 would name lines and Go types ("field federaton not found in
	// type config.Config"); check the document first to name dotted keys
	// instead, and every problem at once.
	w := walker{path: path}
	w.section(doc.Content[0], "")
	if len(w.errs) > 0 {
		return errors.Join(w.errs...)
	}

	// The strict decoder stays the authority on what the file may hold: with
	// KnownFields a misspelt key is an error, not a setting silently ignored,
	// even if the walker above ever misses one.
	strict := yaml.NewDecoder(bytes.NewReader(data))
	strict.KnownFields(true)
	if err := strict.Decode(c); err != nil {
		return fmt.Errorf("config file %q: %w", path, err)
	}
	return nil
}

// walker checks a parsed file against the key table: each unknown key and
// each value that does not fit its key's type, with the dotted key and line.
type walker struct {
	path string
	errs []error
}

func (w *walker) fail(n *yaml.Node, err error) {
	w.errs = append(w.errs, fmt.Errorf("config file %q line %d: %w", w.path, n.Line, err))
}

// section checks a mapping that should hold the keys under prefix ("" for
// the top level).
func (w *walker) section(n *yaml.Node, prefix string) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // "federation:" with nothing under it sets nothing
	}
	if n.Kind != yaml.MappingNode {
		allowed := "a section of keys: " + strings.Join(childNames(prefix), ", ")
		if prefix == "" {
			w.fail(n, fmt.Errorf("the file holds %q; allowed: %s", nodeText(n), allowed))
		} else {
			w.fail(n, &FieldError{Key: prefix, Got: nodeText(n), Allowed: allowed})
		}
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Value == "<<" {
			continue // a YAML merge key; the decoder checks what it merges
		}
		key := k.Value
		if prefix != "" {
			key = prefix + "." + k.Value
		}
		if sections[key] {
			w.section(v, key)
			continue
		}
		f, ok := fieldByKey[key]
		if !ok {
			w.fail(k, fmt.Errorf("unknown key %q%s", key, suggest(key, yamlNames())))
			continue
		}
		// yaml.v3 truncates 4.5 into an int field without complaint; a
		// fractional worker count is a mistake worth stopping for.
		wholeNumber := f.typ.Kind() != reflect.Int || v.Kind != yaml.ScalarNode || v.ShortTag() == "!!int" || v.ShortTag() == "!!null"
		if err := v.Decode(reflect.New(f.typ).Interface()); err != nil || !wholeNumber {
			w.fail(v, &FieldError{Key: key, Got: nodeText(v), Allowed: typeHint(f.typ)})
		}
	}
}

// nodeText shows a node the way a person wrote it, or says what it is when
// it is not a single value.
func nodeText(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a section of keys"
	}
	return n.Value
}

// childNames are the names directly under prefix, for telling a person what a
// section may hold.
func childNames(prefix string) []string {
	seen := map[string]bool{}
	var names []string
	for _, f := range fields {
		rest := f.key
		if prefix != "" {
			var ok bool
			if rest, ok = strings.CutPrefix(f.key, prefix+"."); !ok {
				continue
			}
		}
		name, _, _ := strings.Cut(rest, ".")
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	return names
}

// yamlNames are the keys and sections, the names a file can misspell.
func yamlNames() []string {
	names := Keys()
	for s := range sections {
		names = append(names, s)
	}
	sort.Strings(names) // map order must not pick between equally close names
	return names
}

package sim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"
)

// Lines maps a key of a YAML file ("clients", "faults.drop", "schedule[2]") to its line.
type Lines map[string]int

// DecodeYAML decodes a YAML file (name is used in errors) into v, a pointer to a struct whose
// fields carry yaml tags, as scenario and grid files are read: an unknown key is an error
// naming its line and the keys valid there, a value of the wrong kind one naming its line and
// what was wanted, in the words of the file (no Go type names). It returns each key's line.
// An empty file leaves v as it is.
func DecodeYAML(data []byte, name string, v any) (Lines, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return Lines{}, nil
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if rest, ok := strings.CutPrefix(msg, "line "); ok {
			return nil, fmt.Errorf("%s:%s", name, rest) // "x.yaml:3: did not find ..."
		}
		return nil, fmt.Errorf("%s: %s", name, msg)
	}
	lines := Lines{}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if err := checkNode(root, reflect.TypeOf(v).Elem(), "", lines); err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	if err := root.Decode(v); err != nil {
		// checkNode has seen every value; this is a value no check above foresaw.
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return lines, nil
}

var unmarshaler = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

// checkNode checks n against the Go type t; path names n in messages. Errors start with the
// line: "3: clients: ...".
func checkNode(n *yaml.Node, t reflect.Type, path string, lines Lines) error {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	what := path
	if what == "" {
		what = "the file"
	}
	if n.Tag == "!!null" {
		return nil // a key with no value keeps its default
	}
	if reflect.PointerTo(t).Implements(unmarshaler) {
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			return fmt.Errorf("%d: %s: %s", n.Line, path, strings.TrimPrefix(err.Error(), fmt.Sprintf("line %d: ", n.Line)))
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return fmt.Errorf("%d: %s: want keys (%s), not %s", n.Line, what, strings.Join(yamlKeys(t), ", "), describe(n))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			f, ok := yamlField(t, k.Value)
			if !ok {
				where := ""
				if path != "" {
					where = " in " + path
				}
				return fmt.Errorf("%d: unknown key %q%s; the keys are %s", k.Line, k.Value, where, strings.Join(yamlKeys(t), ", "))
			}
			key := k.Value
			if path != "" {
				key = path + "." + k.Value
			}
			lines[key] = k.Line
			if err := checkNode(val, f.Type, key, lines); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return fmt.Errorf("%d: %s: want a list, not %s", n.Line, what, describe(n))
		}
		for i, item := range n.Content {
			key := fmt.Sprintf("%s[%d]", path, i)
			lines[key] = item.Line
			if err := checkNode(item, t.Elem(), key, lines); err != nil {
				return err
			}
		}
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("%d: %s: want %s, not %s", n.Line, what, kindName(t), describe(n))
	}
	if err := n.Decode(reflect.New(t).Interface()); err != nil {
		return fmt.Errorf("%d: %s: %q is not %s", n.Line, what, n.Value, kindName(t))
	}
	return nil
}

// yamlField finds the field of struct t with the yaml key name.
func yamlField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() && yamlKey(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// yamlKeys lists the keys of struct t, in field order.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); f.IsExported() && yamlKey(f) != "-" {
			keys = append(keys, yamlKey(f))
		}
	}
	return keys
}

func yamlKey(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "" {
		return strings.ToLower(f.Name)
	}
	return name
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list"
	}
	return "a mapping of keys"
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "keys"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

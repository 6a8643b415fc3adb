package scim

import (
	"bytes"
	"encoding/json"
	"sort"
)

// object is a JSON object that keeps its key order, so that bodies come out
// in the order Entra writes them (schemas first) rather than sorted.
type object struct {
	keys   []string
	values map[string]any
}

// orderedObject puts the named keys first (when present) and the others
// after them in sorted order.
func orderedObject(m map[string]any, first ...string) *object {
	o := &object{values: m, keys: make([]string, 0, len(m))}
	seen := make(map[string]bool, len(first))
	for _, k := range first {
		if _, ok := m[k]; ok {
			o.keys = append(o.keys, k)
			seen[k] = true
		}
	}
	rest := make([]string, 0, len(m))
	for k := range m {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	o.keys = append(o.keys, rest...)
	return o
}

// MarshalJSON writes the keys in order.
func (o *object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshal(o.values[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshal encodes v without HTML escaping: Entra sends "R&D", not "R\u0026D".
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

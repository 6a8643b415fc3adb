package scim

import (
	"bytes"
	"encoding/json"
)

// object is a JSON object that keeps its key order, so that bodies come out
// in the order Entra writes them (schemas first, then the order Microsoft's
// examples show) rather than sorted as encoding/json sorts a map.
type object struct {
	keys   []string
	values map[string]any
}

// newObject is an empty object; set adds keys in order.
func newObject() *object { return &object{values: map[string]any{}} }

// set puts k last, or replaces its value where it already stands.
func (o *object) set(k string, v any) {
	if _, ok := o.values[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.values[k] = v
}

// get returns the value of k.
func (o *object) get(k string) (any, bool) {
	v, ok := o.values[k]
	return v, ok
}

// MarshalJSON writes the keys in order.
func (o *object) MarshalJSON() ([]byte, error) {
	return marshal(o)
}

// marshal encodes v without HTML escaping: Entra sends "R&D", not "R\u0026D".
// An object (at any depth of objects) is written straight into the one
// buffer rather than through MarshalJSON, which would cost a buffer and
// encoder per key and value and a validating copy per level.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := encodeInto(&buf, enc, v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encodeInto appends v's JSON to b; enc writes to b.
func encodeInto(b *bytes.Buffer, enc *json.Encoder, v any) error {
	o, ok := v.(*object)
	if ok && o == nil {
		b.WriteString("null") // as encoding/json writes a nil Marshaler
		return nil
	}
	if !ok {
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // the newline Encode ends with
		return nil
	}
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		if err := encodeInto(b, enc, k); err != nil {
			return err
		}
		b.WriteByte(':')
		if err := encodeInto(b, enc, o.values[k]); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

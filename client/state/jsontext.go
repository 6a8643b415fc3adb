package state

import (
	"bytes"
	"encoding/json"
)

// jsonText renders values as JSON text (the bytes json.Marshal gives)
// through one reused buffer, so a commit of thousands of rows allocates
// only the strings it stores, not a marshalled slice per row as well.
type jsonText struct {
	buf bytes.Buffer
	enc *json.Encoder
}

func newJSONText() *jsonText {
	t := &jsonText{}
	t.enc = json.NewEncoder(&t.buf)
	return t
}

// text is v as JSON text.
func (t *jsonText) text(v any) (string, error) {
	t.buf.Reset()
	if err := t.enc.Encode(v); err != nil {
		return "", err
	}
	b := t.buf.Bytes()
	return string(b[:len(b)-1]), nil // Encode ends with a newline; Marshal does not
}

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

// jsonTextKept is the largest buffer text keeps for the next value: a
// group of a hundred thousand members would otherwise hold its tens of
// megabytes to the end of a commit (issue 16).
const jsonTextKept = 1 << 20

// text is v as JSON text.
func (t *jsonText) text(v any) (string, error) {
	t.buf.Reset()
	err := t.enc.Encode(v)
	b := t.buf.Bytes()
	var s string
	if err == nil {
		s = string(b[:len(b)-1]) // Encode ends with a newline; Marshal does not
	}
	if t.buf.Cap() > jsonTextKept {
		t.buf = bytes.Buffer{} // enc writes to &t.buf: the same field
	}
	return s, err
}

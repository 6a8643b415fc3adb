package resource

import (
	"encoding/json"
	"slices"
	"sync"
	"unicode/utf8"
)

// Fast path: a reflection-free encoder, fewer allocations and less CPU than json.Marshal (BenchmarkMemRequests/user-sequence, BenchmarkMarshal).
//
// MarshalObject renders m exactly as json.Marshal does (keys sorted,
// strings HTML-escaped, json.Number as written), leaving out the top-level
// keys for which omit (when not nil) is true. It writes the shapes a
// Resource holds (maps, []any, strings, bools, json.Number, nil) itself,
// without reflection, into a pooled buffer, and returns a copy of exactly
// the rendered size; any other value is rendered by json.Marshal
// (TestMarshalAgreesWithEncodingJSON, FuzzMarshal).
func MarshalObject(m map[string]any, omit func(key string) bool) ([]byte, error) {
	e := encoders.Get().(*encoder)
	defer e.release()
	if err := e.object(m, omit); err != nil {
		return nil, err
	}
	return slices.Clone(e.buf), nil
}

// encoder is a reusable output buffer and key-sorting stack.
type encoder struct {
	buf  []byte
	keys []string
}

// encoders keeps encoders for their buffers. An encoder's buffer is only
// read while it renders; MarshalObject returns a copy, so no two calls
// share output (TestMarshalConcurrent).
var encoders = sync.Pool{New: func() any {
	return &encoder{buf: make([]byte, 0, 2048), keys: make([]string, 0, 64)}
}}

func (e *encoder) release() {
	clear(e.keys[:cap(e.keys)])
	e.buf, e.keys = e.buf[:0], e.keys[:0]
	if cap(e.buf) <= 64<<10 && cap(e.keys) <= 1024 {
		encoders.Put(e)
	}
}

func (e *encoder) object(m map[string]any, omit func(string) bool) error {
	if m == nil {
		e.buf = append(e.buf, "null"...)
		return nil
	}
	base := len(e.keys)
	for k := range m {
		if omit == nil || !omit(k) {
			e.keys = append(e.keys, k)
		}
	}
	keys := e.keys[base:]
	slices.Sort(keys) // byte order, as encoding/json sorts map keys
	e.buf = append(e.buf, '{')
	for i, k := range keys {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendString(e.buf, k)
		e.buf = append(e.buf, ':')
		if err := e.value(m[k]); err != nil {
			return err
		}
	}
	e.buf = append(e.buf, '}')
	clear(e.keys[base:])
	e.keys = e.keys[:base]
	return nil
}

func (e *encoder) value(v any) error {
	switch x := v.(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
	case string:
		e.buf = appendString(e.buf, x)
	case bool:
		if x {
			e.buf = append(e.buf, "true"...)
		} else {
			e.buf = append(e.buf, "false"...)
		}
	case json.Number:
		if x == "" {
			x = "0" // as encoding/json renders the zero Number
		}
		if !validNumber(string(x)) {
			return e.fallback(v)
		}
		e.buf = append(e.buf, x...)
	case map[string]any:
		return e.object(x, nil)
	case Resource:
		return e.object(x, nil)
	case []any:
		if x == nil {
			e.buf = append(e.buf, "null"...)
			return nil
		}
		e.buf = append(e.buf, '[')
		for i, el := range x {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.value(el); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
	default:
		return e.fallback(v)
	}
	return nil
}

// fallback renders what the encoder does not know (or an invalid Number,
// for encoding/json's error) with json.Marshal.
func (e *encoder) fallback(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	e.buf = append(e.buf, b...)
	return nil
}

// validNumber reports whether s is a number in the JSON grammar.
func validNumber(s string) bool {
	if s == "" {
		return false
	}
	d := fastDecoder{s: s}
	_, ok := d.number()
	return ok && d.i == len(s)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as json.Marshal renders a string: quotes,
// backslashes and control characters escaped, and <, > and & too (HTML
// safety); invalid UTF-8 as \ufffd; U+2028 and U+2029 escaped.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

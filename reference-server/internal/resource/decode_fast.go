package resource

import (
	"encoding/json"
	"strings"
	"sync"
	"unicode/utf8"
)

// Fast path: one-pass decoding, fewer allocations than encoding/json (BenchmarkMemRequests/user-sequence, BenchmarkDecode).
//
// fastDecoder reads well-formed JSON into the values Decode's
// encoding/json path produces (map[string]any, []any, string, bool, nil,
// json.Number), in one pass and with fewer allocations: the input is
// converted to a string once and every key, plain string and number is a
// substring of it; maps and slices are allocated at their final size.
// Anything it does not handle itself (malformed input, very deep nesting)
// makes it give up, and the caller falls back to encoding/json, so errors
// and odd inputs keep encoding/json's exact behaviour
// (TestFastDecodeAgreesWithEncodingJSON, FuzzFastDecode).
type fastDecoder struct {
	s     string
	i     int
	depth int
	// stack holds the elements and key/value pairs of the arrays and
	// objects being read, reused across nesting levels.
	stack []any
	keys  []string
	// uniqueKeys makes a repeated key in an object a reason to give up.
	uniqueKeys bool
}

// maxFastDepth bounds the nesting the fast decoder follows; deeper input
// goes to encoding/json, which has its own limit.
const maxFastDepth = 200

// decodeFast decodes b as one JSON value followed only by whitespace;
// ok is false when the caller must use encoding/json instead.
func decodeFast(b []byte) (v any, ok bool) { return decodeFastOpts(b, false) }

// DecodeObjectUniqueKeys decodes a JSON object as Decode does, for a
// caller that must mirror how json.Unmarshal fills a struct: ok is false
// when b is not a well-formed object or when any object in it repeats a
// key (json.Unmarshal merges a repeated struct field instead of replacing
// it).
func DecodeObjectUniqueKeys(b []byte) (map[string]any, bool) {
	v, ok := decodeFastOpts(b, true)
	m, isObj := v.(map[string]any)
	return m, ok && isObj
}

func decodeFastOpts(b []byte, uniqueKeys bool) (v any, ok bool) {
	d := decoders.Get().(*fastDecoder)
	d.s, d.i, d.depth, d.uniqueKeys = string(b), 0, 0, uniqueKeys
	defer d.release()
	d.skipSpace()
	v, ok = d.value()
	if !ok {
		return nil, false
	}
	d.skipSpace()
	return v, d.i == len(d.s)
}

// decoders keeps fastDecoders for their stacks, which then rarely grow.
// A decoder's stacks only hold values while it decodes (release clears
// them), and what it returns is freshly allocated, so no two decodes share
// anything (TestFastDecodeConcurrent).
var decoders = sync.Pool{New: func() any {
	return &fastDecoder{stack: make([]any, 0, 64), keys: make([]string, 0, 32)}
}}

func (d *fastDecoder) release() {
	clear(d.stack[:cap(d.stack)])
	clear(d.keys[:cap(d.keys)])
	d.stack, d.keys, d.s = d.stack[:0], d.keys[:0], ""
	if cap(d.stack) <= 1024 && cap(d.keys) <= 1024 {
		decoders.Put(d)
	}
}

func (d *fastDecoder) skipSpace() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *fastDecoder) value() (any, bool) {
	if d.i >= len(d.s) {
		return nil, false
	}
	switch c := d.s[d.i]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		return d.str()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return nil, false
}

func (d *fastDecoder) literal(word string) bool {
	if len(d.s)-d.i < len(word) || d.s[d.i:d.i+len(word)] != word {
		return false
	}
	d.i += len(word)
	return true
}

func (d *fastDecoder) object() (any, bool) {
	if d.depth++; d.depth > maxFastDepth {
		return nil, false
	}
	d.i++ // {
	base, kbase := len(d.stack), len(d.keys)
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		d.depth--
		return map[string]any{}, true
	}
	for {
		d.skipSpace()
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return nil, false
		}
		k, ok := d.str()
		if !ok {
			return nil, false
		}
		d.skipSpace()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return nil, false
		}
		d.i++
		d.skipSpace()
		v, ok := d.value()
		if !ok {
			return nil, false
		}
		d.keys = append(d.keys, k)
		d.stack = append(d.stack, v)
		more, ok := d.separator('}')
		if !ok {
			return nil, false
		}
		if !more {
			break
		}
	}
	keys, vals := d.keys[kbase:], d.stack[base:]
	m := make(map[string]any, len(keys))
	for j, k := range keys {
		m[k] = vals[j] // a repeated key: the last one wins, as in encoding/json
	}
	if d.uniqueKeys && len(m) != len(keys) {
		return nil, false
	}
	clear(vals) // drop references for the collector
	d.keys, d.stack = d.keys[:kbase], d.stack[:base]
	d.depth--
	return m, true
}

// separator reads what follows a member or element: a comma (more to
// come) or the closing bracket (done); anything else is not JSON.
func (d *fastDecoder) separator(close byte) (more, ok bool) {
	d.skipSpace()
	if d.i >= len(d.s) {
		return false, false
	}
	c := d.s[d.i]
	d.i++
	switch c {
	case ',':
		return true, true
	case close:
		return false, true
	}
	return false, false
}

func (d *fastDecoder) array() (any, bool) {
	if d.depth++; d.depth > maxFastDepth {
		return nil, false
	}
	d.i++ // [
	base := len(d.stack)
	d.skipSpace()
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		d.depth--
		return []any{}, true
	}
	for {
		d.skipSpace()
		v, ok := d.value()
		if !ok {
			return nil, false
		}
		d.stack = append(d.stack, v)
		more, ok := d.separator(']')
		if !ok {
			return nil, false
		}
		if !more {
			break
		}
	}
	out := make([]any, len(d.stack)-base)
	copy(out, d.stack[base:])
	clear(d.stack[base:])
	d.stack = d.stack[:base]
	d.depth--
	return out, true
}

// str reads a string. One without escapes or invalid UTF-8 is a substring
// of the input; any other is unquoted by encoding/json itself, so that
// escapes, surrogates and invalid bytes come out exactly as there.
func (d *fastDecoder) str() (string, bool) {
	start := d.i
	d.i++ // opening quote
	// Common case: up to the closing quote, nothing but plain ASCII.
	if end := strings.IndexByte(d.s[d.i:], '"'); end >= 0 {
		seg := d.s[d.i : d.i+end]
		simple := true
		for j := 0; j < len(seg); j++ {
			if c := seg[j]; c < 0x20 || c == '\\' || c >= utf8.RuneSelf {
				simple = false
				break
			}
		}
		if simple {
			d.i += end + 1
			return seg, true
		}
	}
	plain := true
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			if plain {
				return d.s[start+1 : d.i-1], true
			}
			var out string
			if json.Unmarshal([]byte(d.s[start:d.i]), &out) != nil {
				return "", false
			}
			return out, true
		case c == '\\':
			plain = false
			d.i += 2 // the escaped byte cannot end the string
			continue
		case c < 0x20:
			return "", false // a control character: malformed
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(d.s[d.i:])
			if r == utf8.RuneError && size == 1 {
				plain = false
			}
			d.i += size
			continue
		}
		d.i++
	}
	return "", false
}

// number reads a number in the JSON grammar as a json.Number.
func (d *fastDecoder) number() (any, bool) {
	s, start := d.s, d.i
	i := start
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return nil, false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return nil, false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return nil, false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	d.i = i
	return json.Number(s[start:i]), true
}

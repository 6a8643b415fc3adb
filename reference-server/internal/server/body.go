package server

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/httpbody"
	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
)

// body reads the request body, answering 413 above MaxBodyBytes and 400
// for a body that is empty or not UTF-8 text (checkText).
func (c *call) body() ([]byte, error) {
	if c.r.ContentLength > MaxBodyBytes {
		return nil, tooLarge()
	}
	// The journal has usually read the whole body already; its bytes are
	// shared with the journal entry and only ever read here.
	if cb, ok := c.r.Body.(journal.CapturedBody); ok {
		if b, whole := cb.Bytes(); whole && len(b) <= MaxBodyBytes {
			return checkText(b)
		}
	}
	b, err := httpbody.Read(http.MaxBytesReader(c.w, c.r.Body, MaxBodyBytes), c.r.ContentLength, MaxBodyBytes)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, tooLarge()
	}
	if err != nil {
		return nil, protocol.Errorf(http.StatusBadRequest, protocol.ScimTypeInvalidSyntax, "cannot read the request body: %v", err)
	}
	return checkText(b)
}

// checkText refuses an empty body (invalidSyntax) and one that is not
// UTF-8 text (invalidValue): invalid UTF-8 bytes, or a \u escape of a lone
// UTF-16 surrogate. encoding/json would silently turn either into U+FFFD,
// storing something else than the client sent; JSON text must be UTF-8
// (RFC 8259 §8.1, RFC 7644 §3.1).
func checkText(b []byte) ([]byte, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, protocol.NewError(http.StatusBadRequest, protocol.ScimTypeInvalidSyntax, "the request body is empty; a JSON object is required")
	}
	if !utf8.Valid(b) {
		off := 0
		for off < len(b) {
			r, n := utf8.DecodeRune(b[off:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			off += n
		}
		return nil, protocol.Errorf(http.StatusBadRequest, protocol.ScimTypeInvalidValue,
			"the request body is not valid UTF-8 (byte 0x%02x at offset %d); JSON text must be UTF-8", b[off], off)
	}
	if off := loneSurrogate(b); off >= 0 {
		return nil, protocol.Errorf(http.StatusBadRequest, protocol.ScimTypeInvalidValue,
			"the request body has a lone UTF-16 surrogate escape %s at offset %d; it names no character", b[off:off+6], off)
	}
	return b, nil
}

// loneSurrogate returns the offset of the first \uD800–\uDFFF escape that
// is not a high surrogate followed by a low one, or -1.
func loneSurrogate(b []byte) int {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if i+1 >= len(b) || b[i+1] != 'u' {
			i++ // \" \\ \/ …: skip the escaped byte
			continue
		}
		r, ok := hexRune(b[i+2:])
		switch {
		case !ok: // malformed: the decoder reports it
		case 0xD800 <= r && r < 0xDC00:
			if i+12 > len(b) || b[i+6] != '\\' || b[i+7] != 'u' {
				return i
			}
			if lo, ok := hexRune(b[i+8:]); !ok || lo < 0xDC00 || lo > 0xDFFF {
				return i
			}
			i += 6 // the pair's low half
		case 0xDC00 <= r && r <= 0xDFFF:
			return i
		}
		i += 5
	}
	return -1
}

// hexRune reads the 4 hex digits of a \u escape.
func hexRune(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[:4]), 16, 16)
	return rune(v), err == nil
}

func tooLarge() error {
	return protocol.Errorf(http.StatusRequestEntityTooLarge, "", "request body larger than %d bytes", MaxBodyBytes)
}

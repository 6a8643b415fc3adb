package journal

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Redacted replaces every secret in a recorded query or body.
const Redacted = "[REDACTED]"

// secretParams are query parameters whose values are secrets wherever they appear.
var secretParams = map[string]bool{
	"access_token": true, "token": true, "secret": true, "client_secret": true,
	"password": true, "api_key": true, "apikey": true, "code": true,
}

// secretParamList is secretParams as a slice, for scanning.
var secretParamList = func() []string {
	var out []string
	for p := range secretParams {
		out = append(out, p)
	}
	return out
}()

// redactor blanks the request's credentials in recorded text: the token,
// and its query- and path-escaped forms when they differ (a fixed array:
// no allocation per request).
type redactor struct {
	secrets [3]string
	n       int
}

func newRedactor(r *http.Request) redactor {
	var red redactor
	if auth := r.Header.Get("Authorization"); auth != "" {
		tok := auth
		if i := strings.IndexByte(auth, ' '); i >= 0 {
			tok = strings.TrimSpace(auth[i+1:])
		}
		// Very short values would blank ordinary text; no real token is that short.
		if len(tok) >= 6 {
			red.secrets[0], red.n = tok, 1
			if esc := url.QueryEscape(tok); esc != tok {
				red.secrets[red.n] = esc
				red.n++
			}
			if esc := url.PathEscape(tok); esc != tok && esc != red.secrets[red.n-1] {
				red.secrets[red.n] = esc
				red.n++
			}
		}
	}
	return red
}

// text blanks the request's token wherever it occurs.
func (red redactor) text(s string) string {
	for _, sec := range red.secrets[:red.n] {
		s = strings.ReplaceAll(s, sec, Redacted)
	}
	return s
}

// body blanks the token in a recorded body: as text, and inside JSON
// string literals whatever their escapes ("\u0074ok…", "a\/b", "a\"b").
func (red redactor) body(s string) string {
	if red.n == 0 || s == "" {
		return s
	}
	s = red.text(s)
	if strings.IndexByte(s, '\\') < 0 {
		return s // every literal is as it decodes: text found the token
	}
	tok := red.secrets[0]
	var out strings.Builder
	done := 0 // s[:done] is in out (once out is used)
	for i := 0; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		end, escaped := literalEnd(s, i+1)
		if escaped {
			var buf [512]byte
			if dec, ok := appendUnquote(buf[:0], s[i+1:end]); ok && strings.Contains(unsafeString(dec), tok) {
				out.WriteString(s[done:i])
				out.WriteString(quoteJSON(strings.ReplaceAll(string(dec), tok, Redacted)))
				done = min(end+1, len(s))
			}
		}
		i = end
	}
	if done == 0 {
		return s
	}
	out.WriteString(s[done:])
	return out.String()
}

// literalEnd returns the index of the quote closing the JSON string
// literal whose contents start at s[from] (len(s) when unterminated), and
// whether the contents have escapes.
func literalEnd(s string, from int) (int, bool) {
	escaped := false
	for i := from; i < len(s); i++ {
		switch s[i] {
		case '\\':
			escaped = true
			i++
		case '"':
			return i, escaped
		}
	}
	return len(s), escaped
}

// appendUnquote appends the decoded contents of a JSON string literal
// (without its quotes) to dst; ok is false for a malformed escape. A lone
// surrogate decodes to U+FFFD, as encoding/json does.
func appendUnquote(dst []byte, lit string) ([]byte, bool) {
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		if c != '\\' {
			dst = append(dst, c)
			continue
		}
		if i+1 >= len(lit) {
			return dst, false
		}
		i++
		switch lit[i] {
		case '"', '\\', '/':
			dst = append(dst, lit[i])
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r, ok := hex4(lit[i+1:])
			if !ok {
				return dst, false
			}
			i += 4
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if i+6 < len(lit) && lit[i+1] == '\\' && lit[i+2] == 'u' {
					if x, ok := hex4(lit[i+3:]); ok {
						r2 = x
					}
				}
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					r = d
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			dst = utf8.AppendRune(dst, r)
		default:
			return dst, false
		}
	}
	return dst, true
}

func hex4(s string) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	// ParseUint accepts a sign or underscores only with base 0; base 16
	// takes exactly the hex digits.
	v, err := strconv.ParseUint(s[:4], 16, 16)
	return rune(v), err == nil
}

// quoteJSON is s as a JSON string literal (no HTML escaping).
func quoteJSON(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// query blanks the token (also percent-encoded in any way) and the values
// of secret-carrying parameters, and otherwise keeps the query exactly as
// sent.
func (red redactor) query(raw string) string {
	if raw == "" {
		return raw
	}
	s := raw
	if mayHaveSecretParam(raw) {
		s = secretValues(raw)
	}
	s = red.text(s)
	if red.encodedInPair(s) {
		s = red.encodedPairs(s)
	}
	return s
}

// secretValues blanks the values of secret-carrying parameters.
func secretValues(raw string) string {
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		name, _, hasValue := strings.Cut(p, "=")
		if dec, err := url.QueryUnescape(name); err == nil {
			name = dec
		}
		if hasValue && secretParams[strings.ToLower(name)] {
			parts[i] = p[:strings.IndexByte(p, '=')+1] + Redacted
		}
	}
	return strings.Join(parts, "&")
}

// encodedPairs blanks every name or value that holds the token once
// unescaped (red.hides; text has blanked the plain occurrences already).
func (red redactor) encodedPairs(s string) string {
	parts := strings.Split(s, "&")
	for i, p := range parts {
		name, value, hasValue := strings.Cut(p, "=")
		if dec, err := url.QueryUnescape(name); err == nil && red.hides(dec) {
			name = Redacted
		}
		if dec, err := url.QueryUnescape(value); err == nil && red.hides(dec) {
			value = Redacted
		}
		if hasValue {
			parts[i] = name + "=" + value
		} else {
			parts[i] = name
		}
	}
	return strings.Join(parts, "&")
}

// encodedInPair reports whether a name or value of the query, unescaped,
// holds the token while its raw text may not (it has a '%', '+' or '\\'),
// without allocating for the usual short pairs.
func (red redactor) encodedInPair(raw string) bool {
	if red.n == 0 || !strings.ContainsAny(raw, "%+\\") {
		return false
	}
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		name, value, _ := strings.Cut(pair, "=")
		for _, part := range [2]string{name, value} {
			if !strings.ContainsAny(part, "%+\\") {
				continue
			}
			var buf [512]byte
			if dec, ok := appendQueryUnescape(buf[:0], part); ok && red.hides(unsafeString(dec)) {
				return true
			}
		}
	}
	return false
}

// hides reports whether s holds the token: as it is, or inside a JSON
// string literal (a SCIM filter's "…" value) once its escapes are decoded.
func (red redactor) hides(s string) bool {
	tok := red.secrets[0]
	if strings.Contains(s, tok) {
		return true
	}
	if strings.IndexByte(s, '\\') < 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '"' {
			continue
		}
		end, escaped := literalEnd(s, i+1)
		if escaped {
			var buf [512]byte
			if dec, ok := appendUnquote(buf[:0], s[i+1:end]); ok && strings.Contains(unsafeString(dec), tok) {
				return true
			}
		}
		i = end
	}
	return false
}

// appendQueryUnescape appends s with '+' as a space and %XX decoded to
// dst, as url.QueryUnescape does; ok is false where it would fail.
func appendQueryUnescape(dst []byte, s string) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			dst = append(dst, ' ')
		case '%':
			if i+2 >= len(s) {
				return dst, false
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return dst, false
			}
			dst = append(dst, hi<<4|lo)
			i += 2
		default:
			dst = append(dst, c)
		}
	}
	return dst, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// mayHaveSecretParam reports whether a pair of the query may name a secret
// parameter with a value; false means query would change no pair. Names
// with non-ASCII bytes count as possible (strings.ToLower's Unicode rules).
func mayHaveSecretParam(raw string) bool {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		name, _, hasValue := strings.Cut(pair, "=")
		if !hasValue {
			continue
		}
		if dec, err := url.QueryUnescape(name); err == nil {
			name = dec
		}
		for i := 0; i < len(name); i++ {
			if name[i] >= 0x80 {
				return true
			}
		}
		for _, p := range secretParamList {
			if strings.EqualFold(name, p) {
				return true
			}
		}
	}
	return false
}

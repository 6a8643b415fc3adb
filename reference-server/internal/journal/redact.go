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
	return red.encodedPairs(red.text(secretValues(raw)))
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

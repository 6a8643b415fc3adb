package journal

import (
	"net/http"
	"net/url"
	"strings"
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
// and its query-escaped form when that differs (a fixed array: no
// allocation per request).
type redactor struct {
	secrets [2]string
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
				red.secrets[1], red.n = esc, 2
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

// query blanks the token and the values of secret-carrying parameters, and
// otherwise keeps the query exactly as sent.
func (red redactor) query(raw string) string {
	if raw == "" {
		return raw
	}
	if !mayHaveSecretParam(raw) {
		return red.text(raw) // what splitting and joining gives back unchanged
	}
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
	return red.text(strings.Join(parts, "&"))
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

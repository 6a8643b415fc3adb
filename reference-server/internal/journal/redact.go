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

// redactor blanks the request's credentials in recorded text.
type redactor struct {
	secrets []string
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
			red.secrets = append(red.secrets, tok)
			if esc := url.QueryEscape(tok); esc != tok {
				red.secrets = append(red.secrets, esc)
			}
		}
	}
	return red
}

// text blanks the request's token wherever it occurs.
func (red redactor) text(s string) string {
	for _, sec := range red.secrets {
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

package journal

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
)

// Where the token hides in a query, a path or a body, the recorded text
// no longer holds it, and the rest stays as sent.
func TestRedactionForms(t *testing.T) {
	const tok = `tok/"q"+secret`
	jtok, _ := json.Marshal(tok) // "tok/\"q\"+secret"
	cases := []struct {
		name, kind, in, want string
	}{
		{"query plain value", "query", "filter=x&a=" + tok, "filter=x&a=" + Redacted},
		{"query percent-encoded", "query", "a=tok%2F%22q%22%2Bsecret&b=1", "a=" + Redacted + "&b=1"},
		{"query every byte encoded", "query", "a=%74%6f%6b%2f%22%71%22%2b%73%65%63%72%65%74", "a=" + Redacted},
		{"query in a filter", "query", "filter=userName+eq+%22tok%2F%5C%22q%5C%22%2Bsecret%22", "filter=" + Redacted},
		{"query without the token", "query", "filter=userName+eq+%22a%22&x=%zz", "filter=userName+eq+%22a%22&x=%zz"},
		{"path plain", "path", "/Users/" + tok, "/Users/" + Redacted},
		{"path escaped", "path", "/Users/tok%2F%22q%22+secret", "/Users/" + Redacted},
		{"body plain", "body", `{"a":"x ` + tok + ` y"}`, `{"a":"x ` + Redacted + ` y"}`},
		{"body JSON-escaped", "body", `{"a":` + string(jtok) + `}`, `{"a":"` + Redacted + `"}`},
		{"body \\u0022 quotes", "body", `{"a":"tok/\u0022q\u0022+secret","b":"\u0022keep\u0022"}`, `{"a":"` + Redacted + `","b":"\u0022keep\u0022"}`},
		{"body every byte escaped", "body", `{"a":"pre \u0074\u006f\u006b\/\"q\"\u002bsecret post","n":1}`, `{"a":"pre ` + Redacted + ` post","n":1}`},
		{"body escaped key", "body", `{"tok\/\"q\"+secret":1}`, `{"` + Redacted + `":1}`},
		{"body escapes without the token", "body", `{"path":"emails[type eq \"work\"].value"}`, `{"path":"emails[type eq \"work\"].value"}`},
		{"body not JSON", "body", `x "tok/\"q\"+secret`, `x "` + Redacted + `"`},
	}
	r := httptest.NewRequest("GET", "http://x/", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	red := newRedactor(r)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got string
			switch c.kind {
			case "query":
				got = red.query(c.in)
			case "path":
				got = red.text(c.in)
			case "body":
				got = red.body(c.in)
			}
			if got != c.want {
				t.Fatalf("%s %q\n got  %q\n want %q", c.kind, c.in, got, c.want)
			}
		})
	}
}

// FuzzBodyRedaction: a token written into a JSON string with any escapes
// never survives in the recorded body, as text or read back as JSON.
func FuzzBodyRedaction(f *testing.F) {
	f.Add("tok-secret-123", uint64(0))
	f.Add(`tok"with\quotes`, uint64(0xffff))
	f.Add("tök/é-secret", uint64(0xaaaa))
	f.Fuzz(func(t *testing.T, tok string, mask uint64) {
		if len(tok) < 6 || !validHeaderToken(tok) || strings.Contains(tok, Redacted) {
			return
		}
		// Escape the token's characters as \uXXXX where mask says so.
		var lit strings.Builder
		lit.WriteString(`{"a":"x`)
		for i, c := range tok {
			switch {
			case mask>>(uint(i)%64)&1 == 1 && c < 0x10000:
				lit.WriteString(`\u` + strings.ToUpper(hex16(uint16(c))))
			case c == '"' || c == '\\':
				lit.WriteString(`\` + string(c))
			default:
				lit.WriteRune(c)
			}
		}
		lit.WriteString(`y"}`)
		r := httptest.NewRequest("GET", "http://x/", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		got := newRedactor(r).body(lit.String())
		if strings.Contains(got, tok) {
			t.Fatalf("token %q survives as text in %q (from %q)", tok, got, lit.String())
		}
		var m map[string]string
		if err := json.Unmarshal([]byte(got), &m); err != nil {
			return // a token that spells part of an escape (e.g. "000000" in \u0030…) was blanked as text
		}
		if strings.Contains(m["a"], tok) {
			t.Fatalf("token %q survives in %q (from %q)", tok, got, lit.String())
		}
	})
}

func hex16(v uint16) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[v>>12], digits[v>>8&15], digits[v>>4&15], digits[v&15]})
}

// validHeaderToken: what a client can send as a bearer token (printable
// ASCII without spaces), or any UTF-8 without controls for the body form.
func validHeaderToken(s string) bool {
	for _, c := range s {
		if c < 0x21 || c == 0x7f || c == 0xfffd {
			return false
		}
	}
	return true
}

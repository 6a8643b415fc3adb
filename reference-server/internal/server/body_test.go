package server

import (
	"net/http"
	"strings"
	"testing"
)

// A JSON body that is not UTF-8 text is 400 invalidValue on every request
// that takes one, and nothing is written; encoding/json would have stored
// U+FFFD in its place. Valid text, escaped or not, still passes.
func TestInvalidUTF8BodyIs400InvalidValue(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("target@contoso.com")
	cases := []struct {
		name, method, path, body string
		want                     int
		detail                   string
	}{
		{"create, raw 0xff", "POST", "/Users", "{\"userName\":\"bad\xffname\"}", 400, "not valid UTF-8 (byte 0xff at offset 16)"},
		{"create, truncated sequence", "POST", "/Users", "{\"userName\":\"caf\xc3\"}", 400, "not valid UTF-8"},
		{"create, overlong encoding", "POST", "/Users", "{\"userName\":\"\xc0\xafx\"}", 400, "not valid UTF-8"},
		{"create, encoded surrogate", "POST", "/Users", "{\"userName\":\"\xed\xa0\x80x\"}", 400, "not valid UTF-8"},
		{"create, lone high surrogate escape", "POST", "/Users", `{"userName":"a\ud800b"}`, 400, `lone UTF-16 surrogate escape \ud800`},
		{"create, lone low surrogate escape", "POST", "/Users", `{"userName":"a\uDC00b"}`, 400, `surrogate escape \uDC00`},
		{"create, high then not low", "POST", "/Users", `{"userName":"a\ud800\u0041"}`, 400, `surrogate escape \ud800`},
		{"replace", "PUT", "/Users/" + id, "{\"userName\":\"target@contoso.com\",\"displayName\":\"\xfe\"}", 400, "not valid UTF-8"},
		{"patch", "PATCH", "/Users/" + id, "{\"Operations\":[{\"op\":\"replace\",\"path\":\"displayName\",\"value\":\"\xff\"}]}", 400, "not valid UTF-8"},
		{"search", "POST", "/Users/.search", "{\"filter\":\"userName eq \\\"\xff\\\"\"}", 400, "not valid UTF-8"},
		{"valid non-ASCII", "POST", "/Users", `{"userName":"zoë-ß-日本@contoso.com"}`, 201, ""},
		{"valid surrogate pair", "POST", "/Users", `{"userName":"emoji-\ud83d\ude00@contoso.com"}`, 201, ""},
		{"escaped backslash before u", "POST", "/Users", `{"userName":"not-an-escape-\\ud800@contoso.com"}`, 201, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.do(c.method, c.path, c.body)
			expect(t, r, c.want)
			if c.want == 400 && (r.str("scimType") != "invalidValue" || !strings.Contains(r.str("detail"), c.detail)) {
				t.Fatalf("scimType %q detail %q, want invalidValue with %q", r.str("scimType"), r.str("detail"), c.detail)
			}
		})
	}
	// Nothing of the refused requests was written.
	if u := e.do("GET", "/Users/"+id, nil); u.str("displayName") != "" || u.status != http.StatusOK {
		t.Fatalf("target changed: %d %s", u.status, u.raw)
	}
	if l := e.do("GET", "/Users?count=100", nil); l.total() != 4 {
		t.Fatalf("%d users, want 4 (target and the three valid creates): %s", l.total(), l.raw)
	}
}

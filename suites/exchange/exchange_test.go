package exchange

import (
	"net/http"
	"strings"
	"testing"
)

func TestStringRedactsTokenAndPrettyPrints(t *testing.T) {
	r := &Response{
		Request: &Request{Method: "POST", URL: "http://127.0.0.1:1/Users",
			Header: http.Header{"Authorization": {"Bearer s3cret"}, "Content-Type": {"application/scim+json"}},
			Body:   []byte(`{"userName":"a"}`)},
		Status: 409, Header: http.Header{"Content-Type": {"application/scim+json"}},
		Body: []byte(`{"status":"409","scimType":"uniqueness"}`),
	}
	s := r.String()
	if strings.Contains(s, "s3cret") {
		t.Fatalf("token leaked:\n%s", s)
	}
	for _, want := range []string{"> POST http://127.0.0.1:1/Users", "> Authorization: Bearer <redacted>", `>   "userName": "a"`, "< 409 Conflict", `<   "scimType": "uniqueness"`} {
		if !strings.Contains(s, want) {
			t.Errorf("dump lacks %q:\n%s", want, s)
		}
	}
}

func TestStringTruncatesHugeBodies(t *testing.T) {
	r := &Response{Request: &Request{Method: "GET", URL: "/x"}, Status: 200, Body: []byte(strings.Repeat("a", 3*MaxBodyDump))}
	s := r.String()
	if len(s) > 2*MaxBodyDump || !strings.Contains(s, "bytes in total") {
		t.Errorf("dump not truncated (len %d)", len(s))
	}
}

func TestDecodeJSONNamesTheRequest(t *testing.T) {
	r := &Response{Request: &Request{Method: "GET", URL: "/Schemas"}, Status: 200, Body: []byte("<html>")}
	var v map[string]any
	err := r.DecodeJSON(&v)
	if err == nil || !strings.Contains(err.Error(), "GET /Schemas") {
		t.Errorf("err = %v", err)
	}
}

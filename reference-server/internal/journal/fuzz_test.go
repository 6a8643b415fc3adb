package journal_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
	"github.com/quantive/entra-scim-harness/reference-server/internal/tenant"
)

// FuzzQueryRedaction: whatever the query, a recorded entry never contains
// the bearer token, nor the value of a token-carrying parameter.
func FuzzQueryRedaction(f *testing.F) {
	f.Add("filter=userName+eq+%22a%22", "tok-abcdef-123")
	f.Add("access_token=tok-abcdef-123&x=1", "tok-abcdef-123")
	f.Add("a=tok-abcdef-123&token=zzzzzz&token", "tok-abcdef-123")
	f.Add("%61ccess_token=qqqqqqqqqq", "tok+with/odd=chars")
	f.Fuzz(func(t *testing.T, rawQuery, tok string) {
		if len(tok) < 6 || strings.ContainsAny(tok, " \t\r\n") || strings.Contains(tok, journal.Redacted) ||
			!validHeaderValue(tok) {
			return
		}
		j := journal.New(1)
		h := j.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte("echo " + r.URL.RawQuery))
		}))
		req := httptest.NewRequest("GET", "/", nil)
		req.URL.RawQuery = rawQuery
		req.Header.Set("Authorization", "Bearer "+tok)
		req = req.WithContext(tenant.With(req.Context(), &tenant.Info{AccountID: "a", Path: "/Users", AccountKnown: true, Authorized: true}))
		h.ServeHTTP(httptest.NewRecorder(), req)
		e := j.Since("a", 0)[0]
		for _, s := range []string{e.Query, e.ResponseBody} {
			if strings.Contains(s, tok) {
				t.Fatalf("token %q recorded in %q", tok, s)
			}
		}
		vals, err := url.ParseQuery(e.Query)
		if err != nil {
			return
		}
		for _, name := range []string{"access_token", "token", "client_secret", "password"} {
			for _, v := range vals[name] {
				if v != journal.Redacted && v != "" {
					t.Fatalf("%s=%q recorded from query %q", name, v, rawQuery)
				}
			}
		}
	})
}

func validHeaderValue(s string) bool {
	for _, c := range s {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

package server

import (
	"net/http/httptest"
	"strings"
	"testing"
)

var querySeeds = []string{
	"", "filter=userName+eq+%22a%40b%22", "aadOptscim062020&filter=x", "excludedAttributes=members&filter=displayName+eq+%22G%22",
	"FILTER=a&filter=b", "filter=a&filter=b", "filter=%zz&filter=ok", "%66ilter=esc", "filter;x=1&count=2", "count=5&&startIndex=3",
	"attributes=id,userName&ATTRIBUTES=x", "sortBy=userName&sortOrder=descending", "filter", "filter=", "=x", "ſortby=x&sortby=y",
	"filter=a+b%20c", "count=1;2", strings.Repeat("x=1&", 70) + "filter=late",
}

// parseQuery reads each parameter as the url.ParseQuery map did: a value
// it gives is the first value of one of the spellings of that name, and
// it gives one whenever such a spelling has a value (ENTRA-HTTP-01/05).
func TestParseQueryAgreesWithURLQuery(t *testing.T) {
	for _, s := range querySeeds {
		checkParseQuery(t, s)
	}
}

func checkParseQuery(t *testing.T, raw string) {
	t.Helper()
	r := httptest.NewRequest("GET", "http://x/Users", nil)
	r.URL.RawQuery = raw
	q := parseQuery(r)
	vals := r.URL.Query()
	for _, name := range paramNames {
		got, has := q.get(name)
		var allowed []string
		for k, v := range vals {
			if strings.ToLower(k) == name && len(v) > 0 {
				allowed = append(allowed, v[0])
			}
		}
		if has != (len(allowed) > 0) {
			t.Fatalf("%q: %s present=%v, url.Query has %q", raw, name, has, allowed)
		}
		ok := !has
		for _, a := range allowed {
			ok = ok || a == got
		}
		if !ok {
			t.Fatalf("%q: %s=%q, url.Query allows %q", raw, name, got, allowed)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range querySeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) { checkParseQuery(t, raw) })
}

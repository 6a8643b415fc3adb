package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/query"
)

// boundedFilter is a filter of exactly n bytes whose parentheses nest
// depth levels: ((…(userName eq "aaa…"))…).
func boundedFilter(n, depth int) string {
	head := strings.Repeat("(", depth) + `userName eq "`
	tail := `"` + strings.Repeat(")", depth)
	return head + strings.Repeat("a", n-len(head)-len(tail)) + tail
}

// orChain is `title pr or title pr or …` with terms comparisons.
func orChain(terms int) string {
	return strings.TrimSuffix(strings.Repeat("title pr or ", terms), " or ")
}

// names is a comma-separated list of n attribute names of length size.
func names(n, size int) string {
	out := make([]string, n)
	for i := range out {
		s := fmt.Sprintf("n%d", i)
		out[i] = s + strings.Repeat("x", max(size-len(s), 0))
	}
	return strings.Join(out, ",")
}

// Every bound on a query's shape answers the same on an empty and on a
// populated account: 400 with the scimType RFC 7644 suggests, or 200 at
// the bound. Before, the filter was validated per resource, so
// `active gt true` was 400 with one user and 200 without.
func TestQueryBoundsIndependentOfData(t *testing.T) {
	q := url.QueryEscape
	long, deep := protocol.MaxFilterLength, protocol.MaxFilterDepth
	cases := []struct {
		name, method, path string
		body               any
		status             int
		scimType, detail   string
	}{
		{"gt_on_boolean", "GET", "/Users?filter=" + q(`active gt true`), nil, 400, "invalidFilter", "is a boolean"},
		{"gt_on_boolean_groups", "GET", "/Groups?filter=" + q(`displayName gt true`), nil, 400, "invalidFilter", "is a string"},
		{"gt_on_boolean_index_lookup", "GET", "/Users?filter=" + q(`userName eq "a@x" and active gt true`), nil, 400, "invalidFilter", "is a boolean"},
		{"gt_on_boolean_sorted", "GET", "/Users?sortBy=userName&filter=" + q(`active lt false`), nil, 400, "invalidFilter", "is a boolean"},
		{"gt_on_boolean_users_search", "POST", "/Users/.search", map[string]any{"filter": "active gt true"}, 400, "invalidFilter", "is a boolean"},
		{"gt_on_boolean_root_search", "POST", "/.search", map[string]any{"filter": "active gt true"}, 400, "invalidFilter", "is a boolean"},
		{"date_not_a_date", "GET", "/Users?filter=" + q(`meta.lastModified gt "yesterday"`), nil, 400, "invalidFilter", "not an xsd:dateTime"},
		{"filter_at_length_and_depth", "GET", "/Users?filter=" + q(boundedFilter(long, deep)), nil, 200, "", ""},
		{"filter_too_long", "GET", "/Users?filter=" + q(boundedFilter(long+1, deep)), nil, 400, "invalidFilter", "longer than 4096 bytes"},
		{"filter_too_long_search", "POST", "/Users/.search", map[string]any{"filter": boundedFilter(long+1, 1)}, 400, "invalidFilter", "longer than 4096 bytes"},
		{"filter_too_deep", "GET", "/Users?filter=" + q(boundedFilter(200, deep+1)), nil, 400, "invalidFilter", "more than 32 levels deep"},
		{"filter_too_deep_not", "GET", "/Users?filter=" + q(strings.Repeat("not (", deep+1)+"title pr"+strings.Repeat(")", deep+1)), nil, 400, "invalidFilter", "levels deep"},
		{"filter_too_deep_brackets", "GET", "/Users?filter=" + q("emails["+strings.Repeat("(", deep)+`type eq "work"`+strings.Repeat(")", deep)+"]"), nil, 400, "invalidFilter", "levels deep"},
		// A flat chain is bounded by the length alone; 300 terms used to
		// pass the parser and fail validation only when a user existed.
		{"long_or_chain", "GET", "/Users?filter=" + q(orChain(300)), nil, 200, "", ""},
		{"attributes_at_bound", "GET", "/Users?attributes=" + names(query.MaxAttributeNames, 8), nil, 200, "", ""},
		{"attributes_too_many", "GET", "/Users?attributes=" + names(query.MaxAttributeNames+1, 8), nil, 400, "invalidValue", "more than 100 attribute names"},
		{"excluded_too_many", "GET", "/Users?excludedAttributes=" + names(query.MaxAttributeNames+1, 2), nil, 400, "invalidValue", "excludedAttributes lists more than 100"},
		{"attribute_name_at_bound", "GET", "/Users?attributes=" + names(1, query.MaxAttributeNameLength), nil, 200, "", ""},
		{"attribute_name_too_long", "GET", "/Users?attributes=" + names(1, query.MaxAttributeNameLength+1), nil, 400, "invalidValue", "longer than 256 bytes"},
		{"attributes_too_many_search", "POST", "/.search", map[string]any{"attributes": strings.Split(names(query.MaxAttributeNames+1, 3), ",")}, 400, "invalidValue", "more than 100"},
		{"excluded_too_many_users_search", "POST", "/Users/.search", map[string]any{"excludedAttributes": strings.Split(names(query.MaxAttributeNames+1, 3), ",")}, 400, "invalidValue", "more than 100"},
		{"attributes_too_many_on_get_by_id", "GET", "/Users/nosuch?attributes=" + names(query.MaxAttributeNames+1, 2), nil, 400, "invalidValue", "more than 100"},
		{"attributes_too_many_on_discovery", "GET", "/Schemas?excludedAttributes=" + names(query.MaxAttributeNames+1, 2), nil, 400, "invalidValue", "more than 100"},
		{"empty_names_not_counted", "GET", "/Users?attributes=" + strings.Repeat(",", 500) + "userName", nil, 200, "", ""},
	}
	for _, populated := range []bool{false, true} {
		t.Run(map[bool]string{false: "empty", true: "populated"}[populated], func(t *testing.T) {
			e := newEnv(t)
			if populated {
				e.createUser("a@x", "title", "t")
				e.createUser("b@x")
				e.createGroup("g")
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					r := e.do(c.method, c.path, c.body)
					expect(t, r, c.status)
					if c.status != 400 {
						return
					}
					if r.str("scimType") != c.scimType || !strings.Contains(r.str("detail"), c.detail) {
						t.Fatalf("scimType %q detail %q, want %q and %q", r.str("scimType"), r.str("detail"), c.scimType, c.detail)
					}
				})
			}
		})
	}
}

// A projection over the bound is refused before the write: nothing is
// created, replaced or patched.
func TestProjectionBoundRefusedBeforeWrites(t *testing.T) {
	e := newEnv(t)
	id := e.createUser("a@x", "title", "before")
	tooMany := "?attributes=" + names(query.MaxAttributeNames+1, 2)
	expect(t, e.do("POST", "/Users"+tooMany, user("b@x")), http.StatusBadRequest)
	expect(t, e.do("PUT", "/Users/"+id+tooMany, user("a@x", "title", "put")), http.StatusBadRequest)
	expect(t, e.do("PATCH", "/Users/"+id+tooMany, patchBody(op("replace", "title", "patched"))), http.StatusBadRequest)
	expect(t, e.do("DELETE", "/Users/"+id+tooMany, nil), http.StatusBadRequest)
	r := e.get("/Users")
	expect(t, r, http.StatusOK)
	if r.total() != 1 || r.resources()[0]["title"] != "before" {
		t.Fatalf("a refused request changed the account: %s", r.raw)
	}
}

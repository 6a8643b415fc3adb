package server

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/query"
)

// boundedShapes are the costliest queries within the bounds (filter
// length, filter depth, attribute names), for BenchmarkBoundedQuery. Each
// filter is at most protocol.MaxFilterLength bytes; none matches, so every
// user is scanned and every term evaluated.
func boundedShapes() map[string]string {
	fill := func(unit, last string) string { // as many units as fit, then last
		n := (protocol.MaxFilterLength - len(last)) / len(unit)
		return strings.Repeat(unit, n) + last
	}
	d := protocol.MaxFilterDepth
	deepUnit := strings.Repeat("(", d) + "title pr" + strings.Repeat(")", d) + " or "
	many := strings.Split(names(query.MaxAttributeNames, 8), ",")
	many[0] = "userName"
	return map[string]string{
		// 512 terms on an attribute no schema defines: each looks the
		// resource's keys up case-insensitively.
		"or-chain-unknown-attr": "filter=" + url.QueryEscape(fill("X pr or ", "X pr")),
		// 372 presence tests of a schema attribute.
		"or-chain-title-pr": "filter=" + url.QueryEscape(fill("title pr or ", "title pr")),
		// 210 substring tests, each lower-casing both sides.
		"or-chain-displayName-co": "filter=" + url.QueryEscape(fill(`displayName co "zz" or `, `displayName co "zz"`)),
		// One substring test with a 4 KB value.
		"co-4KB-value": "filter=" + url.QueryEscape(`displayName co "`+strings.Repeat("z", protocol.MaxFilterLength-18)+`"`),
		// Nested 32 deep, as many times as fit.
		"nested-32-chain": "filter=" + url.QueryEscape(fill(deepUnit, "title pr")),
		// 205 value filters on emails.
		"or-chain-value-path": "filter=" + url.QueryEscape(fill(`emails[type eq "x"] or `, `emails[type eq "x"]`)),
		// The longest chain with 100 projected names on the matches
		// (every user matches).
		"all-match-100-attributes": "filter=" + url.QueryEscape(fill("userName pr or ", "userName pr")) + "&attributes=" + strings.Join(many, ","),
	}
}

// BenchmarkBoundedQuery measures the slowest queries the bounds allow
// (boundedShapes) as GET /Users on an account of 1,000 users, through the
// whole handler chain in-process: the worst case a client can make one
// request cost.
func BenchmarkBoundedQuery(b *testing.B) {
	h := oddServer(b)
	for i := range 999 {
		body := fmt.Sprintf(`{"userName":"u%d@contoso.com","displayName":"User %d","title":"T","emails":[{"type":"work","value":"u%d@contoso.com"}]}`, i, i, i)
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "http://h"+TenantPrefix+"acme/Users", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer tok")
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusCreated {
			b.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
	}
	for name, qs := range boundedShapes() {
		b.Run(name, func(b *testing.B) {
			target := "http://h" + TenantPrefix + "acme/Users?" + qs
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", target, nil)
				req.Header.Set("Authorization", "Bearer tok")
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body.String()[:min(300, rec.Body.Len())])
				}
			}
		})
	}
}

// BenchmarkBoundedQueryRefused measures what a query just over a bound
// costs: refused before any lookup, whatever the account holds.
func BenchmarkBoundedQueryRefused(b *testing.B) {
	h := oddServer(b)
	shapes := map[string]string{
		"filter-too-long":  "filter=" + url.QueryEscape(boundedFilter(protocol.MaxFilterLength+1, 1)),
		"filter-too-deep":  "filter=" + url.QueryEscape(strings.Repeat("(", 4000)+"title pr"),
		"gt-on-boolean":    "filter=" + url.QueryEscape("active gt true"),
		"attributes-x1000": "attributes=" + names(1000, 8),
	}
	for name, qs := range shapes {
		b.Run(name, func(b *testing.B) {
			target := "http://h" + TenantPrefix + "acme/Users?" + qs
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", target, nil)
				req.Header.Set("Authorization", "Bearer tok")
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusBadRequest {
					b.Fatalf("%d", rec.Code)
				}
			}
		})
	}
}

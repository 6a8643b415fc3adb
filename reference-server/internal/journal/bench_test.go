package journal_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
	"github.com/quantive/entra-scim-harness/reference-server/internal/tenant"
)

// BenchmarkRecord is the journal's cost per request: a 1 KiB request body
// and a 1 KiB answer recorded into a full ring.
func BenchmarkRecord(b *testing.B) {
	j := journal.New(1000)
	answer := []byte(strings.Repeat("r", 1024))
	h := j.Middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(answer) }))
	body := strings.Repeat("q", 1024)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/Users?x=1", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer some-token-value")
		req = req.WithContext(tenant.With(req.Context(), &tenant.Info{AccountID: "acme", Path: "/Users", AccountKnown: true, Authorized: true}))
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}

// BenchmarkUnauthenticated is the journal's cost for a request without a
// live token (a 64 KiB body it never reads): a counter, no allocation.
func BenchmarkUnauthenticated(b *testing.B) {
	for _, c := range []struct {
		name  string
		known bool
	}{{"known-account", true}, {"unknown-account", false}} {
		b.Run(c.name, func(b *testing.B) {
			j := journal.New(1000)
			h := j.Middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(401) }))
			req := httptest.NewRequest("POST", "/Users", strings.NewReader(strings.Repeat("q", 64<<10)))
			req = req.WithContext(tenant.With(req.Context(), &tenant.Info{AccountID: "acme", Path: "/Users", AccountKnown: c.known}))
			w := httptest.NewRecorder()
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
			b.ReportMetric(float64(j.Stats().Bytes), "journal-bytes")
		})
	}
}

package faults_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
	"github.com/quantive/entra-scim-harness/reference-server/internal/tenant"
)

// BenchmarkMiddlewareNoMatch is the cost every SCIM request pays: a
// 20-rule plan none of whose rules match.
func BenchmarkMiddlewareNoMatch(b *testing.B) {
	e := faults.New(1)
	var rules []faults.Rule
	for i := range 20 {
		rules = append(rules, faults.Rule{Method: "GET", Path: fmt.Sprintf("^/Groups/g%d$", i), Query: "nomatch", Status: 500})
	}
	if err := e.SetPlan("acme", faults.Meta{}, rules); err != nil {
		b.Fatal(err)
	}
	benchChain(b, e)
}

// BenchmarkMiddlewareNoPlan is the cost for an account without faults.
func BenchmarkMiddlewareNoPlan(b *testing.B) { benchChain(b, faults.New(1)) }

func benchChain(b *testing.B, e *faults.Injector) {
	h := e.Middleware(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) }))
	req := httptest.NewRequest("GET", "/Users?filter=userName+eq+%22a%22", nil)
	info := &tenant.Info{AccountID: "acme", Path: "/Users"}
	req = req.WithContext(tenant.With(req.Context(), info))
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
	}
}

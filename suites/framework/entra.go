package framework

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified

	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/suites/exchange"
)

// Entra returns the builder of Entra's requests in the spec's dialect
// (legacy outside ForEachDialect), so specs send exactly what Entra sends.
func (f *Framework) Entra() scim.Builder {
	d := scim.Legacy
	if f.Dialect == string(scim.Compliant) {
		d = scim.Compliant
	}
	return scim.Builder{Dialect: d, TenantURL: f.Target.TenantURL}
}

// Send sends a request built by Entra() through the spec's recording client
// and returns the answer. A POST that creates a resource is cleaned up
// after the spec, as with Create.
func (f *Framework) Send(r scim.Request) *exchange.Response {
	GinkgoHelper()
	req := Request{Method: r.Method, Path: r.Path, RawQuery: r.Query}
	if r.Body != nil {
		req.Body = r.Body
	}
	x := f.Do(req)
	if r.Method == http.MethodPost && x.Status/100 == 2 {
		var created struct {
			ID string `json:"id"`
		}
		if err := x.DecodeJSON(&created); err == nil && created.ID != "" {
			f.deleteLater(r.Path[1:], created.ID)
		}
	}
	return x
}

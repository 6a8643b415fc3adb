package framework

import (
	"encoding/json"
	"net/http"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified
	"github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/suites/exchange"
	"github.com/quantive/entra-scim-harness/suites/matchers"
)

// Entra returns the builder of Entra's requests in the spec's dialect
// (legacy outside ForEachDialect), so specs send exactly what Entra sends.
func (f *Framework) Entra() scim.Builder {
	d := scim.Legacy
	if f.Dialect == scim.Compliant {
		d = scim.Compliant
	}
	return scim.Builder{Dialect: d, TenantURL: f.Target.TenantURL, ManagerShape: f.Config.ManagerForm}
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

// UserAttributes returns a default-mapped Entra user (MAP-01) whose
// userName, externalId and mail carry the run prefix.
func (f *Framework) UserAttributes(base string) scim.Attributes {
	name := f.Name(base)
	mail := name + "@conformance.example.test"
	return scim.Attributes{
		"userName":                     mail,
		"externalId":                   name,
		"active":                       true,
		"displayName":                  "Given " + base,
		"name.givenName":               "Given",
		"name.familyName":              base,
		"name.formatted":               "Given " + base,
		`emails[type eq "work"].value`: mail,
		protocol.EnterpriseUserSchema + ":department": "Conformance",
	}
}

// CreateUser creates a user as Entra does (ENTRA-FLOW-04), fails the spec
// unless the answer is a 201 Entra accepts, and returns the target id. The
// user is deleted after the spec.
func (f *Framework) CreateUser(attrs scim.Attributes) string {
	GinkgoHelper()
	x := f.Send(f.Entra().CreateUser(attrs))
	return f.createdID(x, outcome.CreateUser, "ENTRA-FLOW-04", "create a user as Entra does")
}

// CreateGroup creates a group as Entra does (ENTRA-FLOW-13) and returns its
// id; it is deleted after the spec.
func (f *Framework) CreateGroup(displayName string) string {
	GinkgoHelper()
	x := f.Send(f.Entra().CreateGroup(displayName, displayName))
	return f.createdID(x, outcome.CreateGroup, "ENTRA-FLOW-13", "create a group as Entra does")
}

// createdID requires a create that Entra accepts (behaviour id; a spec that
// does not check id itself is blocked by it otherwise) and returns the id.
func (f *Framework) createdID(x *exchange.Response, call outcome.Call, id, what string) string {
	GinkgoHelper()
	f.Require(id, x, gomega.SatisfyAll(matchers.HaveStatus(http.StatusCreated), matchers.BeAcceptedByEntra(call), matchers.HaveResourceID()), what)
	var created struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(x.Body, &created) // HaveResourceID held
	return created.ID
}

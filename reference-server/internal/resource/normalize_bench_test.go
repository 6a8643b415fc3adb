package resource

import (
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// BenchmarkNormalize is a POST /Users body as Entra sends it
// (ENTRA-FLOW-04), decoded and normalised.
func BenchmarkNormalize(b *testing.B) {
	body := []byte(`{"active":true,"displayName":"User 7","emails":[{"primary":true,"type":"work","value":"u7@contoso.com"}],"externalId":"ext7","name":{"familyName":"F7","givenName":"G7"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Dept7","employeeNumber":"7"},"userName":"u7@contoso.com"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Normalize(schema.User(), body); err != nil {
			b.Fatal(err)
		}
	}
}

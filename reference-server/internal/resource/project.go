package resource

import "github.com/quantive/entra-scim-harness/reference-server/internal/schema"

// Project applies the attributes / excludedAttributes query parameters
// (RFC 7644 §3.4.2.5) to a resource of type rt and returns a new Resource
// (res is not modified):
//   - attributes non-empty: only the named attributes (and sub-attributes,
//     "name.givenName", URN-qualified names) plus those returned "always"
//     (id, schemas) are kept;
//   - otherwise excludedAttributes removes the named attributes unless they
//     are returned "always"; `excludedAttributes=members` drops members
//     (ENTRA-FLOW-12, FLOW-14, ENTRA-REQ-06);
//   - attributes returned "never" (password) are always dropped.
//
// Names are matched case-insensitively; names that match nothing are
// ignored.
func Project(rt *schema.Resource, res Resource, attributes, excludedAttributes []string) Resource {
	return res.Clone()
}

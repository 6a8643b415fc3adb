package query

import (
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// Sort orders resources in place by the attribute path sortBy
// (RFC 7644 §3.4.2.3), ascending unless sortOrder is "descending"
// (case-insensitive). Multi-valued attributes sort by their primary (else
// first) value; resources without a value sort last in either order. Strings
// compare according to caseExact. An empty sortBy leaves the order as is;
// the sort is stable. A sortBy that is not a valid attribute path is 400
// invalidValue; attributes no schema defines sort as case-insensitive
// strings. (Skeleton: ordering not implemented yet.)
func Sort(rt *schema.Resource, resources []resource.Resource, sortBy, sortOrder string) error {
	return nil
}

// Package query evaluates SCIM filters (RFC 7644 §3.4.2.2, as parsed by
// protocol.ParseFilter) against resource.Resource values, finds the
// equality a store can answer from an index (IndexLookup), and sorts
// results (RFC 7644 §3.4.2.3).
//
// String comparisons honour the attribute's caseExact (userName,
// displayName and email values ignore case; id and externalId do not).
// Attributes no schema defines compare as case-insensitive strings.
// Unsupported comparisons (gt on a boolean, a string compared with a
// number, …) are *protocol.Error 400 invalidFilter.
package query

import (
	filter "github.com/scim2/filter-parser/v2"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// Match reports whether res, of type rt, satisfies expr.
func Match(expr filter.Expression, res resource.Resource, rt *schema.Resource) (bool, error) {
	return false, protocol.NewError(501, "", "query.Match: not implemented yet")
}

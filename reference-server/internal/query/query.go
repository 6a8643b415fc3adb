// Package query evaluates SCIM filters (RFC 7644 §3.4.2.2, as parsed by
// protocol.ParseFilter) against resource.Resource values, finds the
// equality a store can answer from an index (IndexLookup), and sorts
// results (RFC 7644 §3.4.2.3).
//
// String comparisons honour the attribute's caseExact (userName,
// displayName and email values ignore case; id and externalId do not).
// A complex attribute named without a sub-attribute compares its "value"
// (`manager eq "id"`, `members eq "id"`, `emails co "@x"`). A multi-valued
// attribute matches when any of its values does. Attributes no schema
// defines are compared by the JSON type they hold, strings ignoring case.
// Unsupported comparisons (gt on a boolean, co on a number, a date that is
// not a date, …) are *protocol.Error 400 invalidFilter, whatever the data:
// Validate finds them before any resource is looked at.
package query

import (
	filter "github.com/scim2/filter-parser/v2"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// Match reports whether res, of type rt, satisfies expr. The expression is
// validated first (see Validate), so an unsupported comparison is an error
// even when res has no value for the attribute.
func Match(expr filter.Expression, res resource.Resource, rt *schema.Resource) (bool, error) {
	if err := Validate(expr, rt); err != nil {
		return false, err
	}
	return eval(expr, res, rt), nil
}

// MatchValidated is Match for an expression Validate has already accepted;
// a store scanning many resources validates once and calls this.
func MatchValidated(expr filter.Expression, res resource.Resource, rt *schema.Resource) bool {
	return eval(expr, res, rt)
}

// MatchElement reports whether one element of the multi-valued complex
// attribute a (an email, a member) satisfies the value filter expr, whose
// attribute names are sub-attributes of a, as in `emails[type eq "work"]`
// or `members[value eq "id"]`. PATCH uses it for value paths.
func MatchElement(expr filter.Expression, elem map[string]any, a *schema.Attribute) (bool, error) {
	if err := validateElement(expr, a); err != nil {
		return false, err
	}
	return evalElement(expr, elem, a), nil
}

func invalidFilter(format string, args ...any) error {
	return protocol.Errorf(400, protocol.ScimTypeInvalidFilter, format, args...)
}

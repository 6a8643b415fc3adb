// Package patch applies SCIM PATCH operations (RFC 7644 §3.5.2) to a
// resource.Resource in both of Entra's dialects (spec section 3,
// ENTRA-PATCH-01..13, ENTRA-FLOW-07..10 and 15..17).
//
// Operations are applied in order to a deep copy; the first failing
// operation aborts the whole request and the input is left untouched
// (ENTRA-PATCH-11). Errors are *protocol.Error with status 400:
// invalidSyntax (missing or unknown op, missing value), invalidPath (bad or
// unknown path), invalidValue (value of the wrong type, duplicate type),
// noTarget (a value filter that matches nothing where an upsert is not
// possible), mutability (readOnly or required attributes).
package patch

import (
	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// Result is what Apply produced.
type Result struct {
	// Resource is the patched copy.
	Resource resource.Resource
	// MembersAdded and MembersRemoved are the member ids (Group "members"
	// values) that the request added or removed, compared with the input,
	// in first-seen order. An id added and removed in the same request
	// appears in neither (ENTRA-PATCH-13).
	MembersAdded   []string
	MembersRemoved []string
	// Password is set when an operation set the write-only password; it is
	// never stored in Resource.
	Password *string
}

// Apply applies ops to a copy of res (of type rt) and returns the copy.
// res is never modified.
func Apply(rt *schema.Resource, res resource.Resource, ops []protocol.PatchOperation) (resource.Resource, error) {
	r, err := ApplyDetailed(rt, res, ops)
	if err != nil {
		return nil, err
	}
	return r.Resource, nil
}

// ApplyDetailed is Apply that also reports the member changes and a
// password set by the request.
func ApplyDetailed(rt *schema.Resource, res resource.Resource, ops []protocol.PatchOperation) (*Result, error) {
	return nil, protocol.NewError(501, "", "patch.ApplyDetailed: not implemented yet")
}

package resource

import (
	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// Secrets holds what a body carried that must never be stored in the
// resource nor returned: the write-only password.
type Secrets struct {
	// Password is the cleartext password, or "" when none was sent.
	Password    string
	HasPassword bool
}

// Normalize turns a POST or PUT body into a Resource of type rt:
//   - keys get canonical casing ("USERNAME" -> "userName", the enterprise
//     URN key -> its canonical spelling), also inside complex values;
//   - nulls are dropped, at any depth; unknown schema URIs in "schemas" and
//     attributes no schema defines are kept as sent (ENTRA-REQ-12);
//   - id, meta and groups sent by the client are ignored (RFC-05), and so is
//     any other readOnly attribute; password is taken out (see
//     NormalizeWithSecrets);
//   - active accepts a bool or "true"/"false" in any case, stored as bool
//     (ENTRA-FLOW-09); other booleans (primary) likewise;
//   - manager accepts a string, {"value":…} or [{"value":…,"$ref":…}] and
//     is stored as {"value":…[, "$ref":…]}; an empty value means no manager
//     (ENTRA-FLOW-08);
//   - values of the wrong type give 400 invalidValue naming the attribute;
//     a missing userName (User) or displayName (Group) gives 400
//     invalidValue; two elements with the same type in a multi-valued
//     complex attribute give 400 invalidValue (ENTRA-REQ-15);
//   - "schemas" is kept when present and set to the core schema (plus the
//     extensions in use) when absent.
//
// Errors are *protocol.Error with status 400.
func Normalize(rt *schema.Resource, body []byte) (Resource, error) {
	r, _, err := NormalizeWithSecrets(rt, body)
	return r, err
}

// NormalizeWithSecrets is Normalize that also returns the password the body
// carried, for a server that wants to check or hash it.
func NormalizeWithSecrets(rt *schema.Resource, body []byte) (Resource, Secrets, error) {
	m, err := Decode(body)
	if err != nil {
		return nil, Secrets{}, err
	}
	return NormalizeMap(rt, m)
}

// NormalizeMap is NormalizeWithSecrets for an already decoded body. m is not
// modified.
func NormalizeMap(rt *schema.Resource, m map[string]any) (Resource, Secrets, error) {
	return nil, Secrets{}, protocol.NewError(501, "", "resource.NormalizeMap: not implemented yet")
}

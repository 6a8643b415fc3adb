package resource

import (
	"strings"

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
	out := make(Resource, len(m)+1) // +1: schemas, when absent
	var sec Secrets
	for k, v := range m {
		if v == nil {
			continue
		}
		if strings.EqualFold(k, "schemas") {
			uris, err := normalizeSchemas(v)
			if err != nil {
				return nil, Secrets{}, err
			}
			if err := putOnce(out, "schemas", uris, k); err != nil {
				return nil, Secrets{}, err
			}
			continue
		}
		if ext := rt.Extension(k); ext != nil {
			obj, err := normalizeExtension(ext, k, v)
			if err != nil {
				return nil, Secrets{}, err
			}
			if err := mergeExtension(out, ext.ID, obj); err != nil {
				return nil, Secrets{}, err
			}
			continue
		}
		ref, known := lookupTopKey(rt, k)
		if !known {
			// Attributes no schema defines are kept as sent (ENTRA-REQ-12).
			v = CloneValue(v)
			if err := putOnce(out, k, v, k); err != nil {
				return nil, Secrets{}, err
			}
			continue
		}
		a := ref.Attr
		switch {
		case a.Mutability == schema.ReadOnly:
			// id, meta, groups: the server owns them (RFC-05).
			continue
		case a.Mutability == schema.WriteOnly:
			pw, ok := v.(string)
			if !ok {
				return nil, Secrets{}, invalidValue(a.Name, "must be a string, got %s", kindOf(v))
			}
			sec = Secrets{Password: pw, HasPassword: true}
			continue
		}
		nv, keep, err := NormalizeAttr(a, ref.String(), v)
		if err != nil {
			return nil, Secrets{}, err
		}
		if !keep {
			continue
		}
		if ref.Extension {
			if err := mergeExtension(out, ref.Schema.ID, map[string]any{a.Name: nv}); err != nil {
				return nil, Secrets{}, err
			}
			continue
		}
		if err := putOnce(out, a.Name, nv, k); err != nil {
			return nil, Secrets{}, err
		}
	}
	if err := checkRequired(rt, out); err != nil {
		return nil, Secrets{}, err
	}
	out["schemas"] = completeSchemas(rt, out)
	return out, sec, nil
}

// lookupTopKey resolves a top-level body key: a core attribute name, or a
// URN-qualified name of a core or extension attribute
// ("urn:…:enterprise:2.0:User:department"). Bare extension attribute names
// at the top level are not the extension's: they stay unknown attributes.
func lookupTopKey(rt *schema.Resource, k string) (schema.Ref, bool) {
	uri, rest := schema.SplitURN(rt, k)
	if uri == "" {
		a := rt.Core.Attr(k)
		if a == nil {
			return schema.Ref{}, false
		}
		return schema.Ref{Schema: rt.Core, Attr: a}, true
	}
	if strings.Contains(rest, ".") {
		return schema.Ref{}, false
	}
	return rt.Lookup(uri, rest, "")
}

// normalizeExtension normalises the object under an extension URN.
func normalizeExtension(ext *schema.Schema, key string, v any) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, invalidValue(key, "must be an object, got %s", kindOf(v))
	}
	out := make(map[string]any, len(m))
	for k, sv := range m {
		if sv == nil {
			continue
		}
		a := ext.Attr(k)
		if a == nil {
			if err := putOnce(out, k, CloneValue(sv), key); err != nil {
				return nil, err
			}
			continue
		}
		if a.Mutability == schema.ReadOnly {
			continue
		}
		nv, keep, err := NormalizeAttr(a, ext.ID+":"+a.Name, sv)
		if err != nil {
			return nil, err
		}
		if keep {
			if err := putOnce(out, a.Name, nv, key); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// mergeExtension adds attrs to the extension object at out[id]; an empty
// object is not stored.
func mergeExtension(out Resource, id string, attrs map[string]any) error {
	if len(attrs) == 0 {
		return nil
	}
	obj, _ := out[id].(map[string]any)
	if obj == nil {
		// attrs is always a map made for this call: it becomes the object.
		out[id] = attrs
		return nil
	}
	for k, v := range attrs {
		if err := putOnce(obj, k, v, id); err != nil {
			return err
		}
	}
	return nil
}

// normalizeSchemas checks that "schemas" is an array of strings. Unknown
// URIs (misspelled ones included, ENTRA-FLOW-04) are kept.
func normalizeSchemas(v any) ([]any, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, protocol.Errorf(400, protocol.ScimTypeInvalidSyntax, "attribute \"schemas\": must be an array of schema URIs, got %s", kindOf(v))
	}
	out := make([]any, 0, len(arr))
	for i, e := range arr {
		if _, ok := e.(string); !ok {
			return nil, protocol.Errorf(400, protocol.ScimTypeInvalidSyntax, "attribute \"schemas[%d]\": must be a string, got %s", i, kindOf(e))
		}
		out = append(out, e) // the string as it is, without boxing it again
	}
	return out, nil
}

// completeSchemas returns the resource's schemas with the core schema and
// every extension in use present (Entra leaves extension URNs out,
// ENTRA-FLOW-20). Known URIs get their canonical spelling.
func completeSchemas(rt *schema.Resource, r Resource) []any {
	have, _ := r["schemas"].([]any)
	out := make([]any, 0, len(have)+2)
	var seenBuf [8]string
	seen := seenBuf[:0]
	// add appends s (boxed: s itself in an interface) unless a spelling
	// with the same lower case is already there; a known URI gets its
	// canonical spelling, boxed once for all.
	add := func(s string, boxed any) {
		if sc := rt.Schema(s); sc != nil {
			s, boxed = sc.ID, canonicalURI(sc.ID)
		}
		for _, o := range seen {
			if strings.ToLower(o) == strings.ToLower(s) { //nolint:staticcheck // ToLower, not EqualFold, is meant
				return
			}
		}
		seen = append(seen, s)
		out = append(out, boxed)
	}
	add(rt.Core.ID, nil)
	for _, e := range have {
		add(e.(string), e)
	}
	for _, ext := range rt.Extensions {
		if _, ok := r[ext.Schema.ID]; ok {
			add(ext.Schema.ID, nil)
		}
	}
	return out
}

// canonicalIDs holds the schema ids of the resource types already in an
// interface, so that "schemas" lists do not box them again per resource.
var canonicalIDs = func() map[string]any {
	m := map[string]any{}
	for _, rt := range []*schema.Resource{schema.User(), schema.Group()} {
		for _, s := range rt.Schemas() {
			m[s.ID] = s.ID
		}
	}
	return m
}()

func canonicalURI(id string) any {
	if v, ok := canonicalIDs[id]; ok {
		return v
	}
	return id
}

// checkRequired enforces the required attributes: userName for users,
// displayName for groups (and any other required one).
func checkRequired(rt *schema.Resource, r Resource) error {
	for _, a := range rt.Core.Attributes {
		if !a.Required {
			continue
		}
		v, ok := r[a.Name]
		if !ok {
			return invalidValue(a.Name, "is required")
		}
		if s, isStr := v.(string); isStr && strings.TrimSpace(s) == "" {
			return invalidValue(a.Name, "is required and must not be empty")
		}
	}
	return nil
}

package scim

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
)

// Attributes is a set of SCIM target attribute values keyed by target
// attribute path, as the provisioning engine produces them from attribute
// mappings: "userName", "name.givenName", `emails[type eq "work"].value`,
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber".
// Values are strings, booleans, numbers or JSON-ready slices; nil means "no
// value" and is never sent (ENTRA-NULL-01, FLOW-04).
type Attributes map[string]any

// valuePathRE matches Entra's filtered multi-valued paths such as
// emails[type eq "work"].value or roles[primary eq "True"].value.
var valuePathRE = regexp.MustCompile(`^([A-Za-z][\w-]*)\[([A-Za-z][\w-]*) eq "([^"]*)"\](?:\.([A-Za-z][\w-]*))?$`)

// isManagerPath reports whether p names the manager, which Entra never puts
// in a create or a diff: it follows as a reference update (FLOW-08).
func isManagerPath(p string) bool {
	return strings.EqualFold(p, "manager") || strings.EqualFold(p, protocol.ManagerPath)
}

// isValuePath reports whether p filters a multi-valued attribute.
func isValuePath(p string) bool { return strings.Contains(p, "[") }

// splitURN splits "urn:…:User:attr" into the schema URN and the attribute.
func splitURN(p string) (urn, attr string, ok bool) {
	if !strings.HasPrefix(strings.ToLower(p), "urn:") {
		return "", "", false
	}
	i := strings.LastIndex(p, ":")
	return p[:i], p[i+1:], true
}

// objectAt returns the object at key in o (an extension schema object, a
// complex attribute, a multi-valued element), putting a new one last when
// there is none.
func objectAt(o *object, key string) *object {
	v, _ := o.get(key)
	obj, _ := v.(*object)
	if obj == nil {
		obj = newObject()
		o.set(key, obj)
	}
	return obj
}

// nameOrder is the order of the name sub-attributes in RFC 7643 section
// 4.1.1. The SCIM tutorial's "Create User" request
// (use-scim-to-provision-users-and-groups, "User Operations > Create User >
// Request") writes name as formatted, familyName, givenName, which is this
// order and not the mapping's (MAP-01 maps givenName, familyName, then
// formatted).
var nameOrder = []string{"formatted", "familyName", "givenName", "middleName", "honorificPrefix", "honorificSuffix"}

// leadingCreateKeys open every create body Microsoft shows, in this order.
var leadingCreateKeys = []string{"externalId", "userName", "active"}

// userCreateBody builds the POST /Users body from attributes in Entra's
// shape (ENTRA-FLOW-04): active as a JSON boolean whatever the dialect;
// meta.resourceType, an empty roles array, the work email flagged primary,
// extension attributes in their schema object, nulls left out.
//
// Key order is the order Microsoft's create examples show: schemas,
// externalId, userName, active, then the other core attributes in
// alphabetical order (the tutorial's "Create User" request: emails, meta,
// name, roles; its "Example 2. Provision a user": addresses, displayName,
// emails, meta, name, phoneNumbers, preferredLanguage, title; the
// SingleAppRoleAssignment POST of customize-application-attributes:
// displayName, meta, roles), then the extension schema objects. Inside
// name the RFC 7643 order the "Create User" example shows (nameOrder);
// inside a multi-valued element primary, the filter's key, then the
// sub-attributes ("primary","type","value" as in that example). Where no
// example shows an order, the mapping's attribute order (rank) decides:
// the elements of a multi-valued attribute, the keys of an extension
// object, the sub-attributes of other complex attributes.
func userCreateBody(attrs Attributes, rank attributeRank) *object {
	core := map[string]any{}
	ext := newObject()   // schema URN -> *object
	multi := newObject() // attribute -> *object of elements keyed "key=value"
	for _, path := range rank.paths(attrs) {
		v := attrs[path]
		if v == nil || isManagerPath(path) {
			continue
		}
		if isActivePath(path) {
			// ENTRA-FLOW-04: the create carries "active" as a JSON boolean
			// in both dialects; the mapping's Switch yields the strings
			// "True"/"False" (MAP-03), which only PATCH keeps (PATCH-02).
			if b, ok := activeValue(v); ok {
				v = b
			}
			core["active"] = v
			continue
		}
		if urn, attr, ok := splitURN(path); ok {
			objectAt(ext, urn).set(attr, v)
			continue
		}
		if m := valuePathMatch(path); m != nil {
			attr, key, keyVal, sub := m[1], m[2], m[3], m[4]
			if sub == "" {
				sub = "value"
			}
			elems := objectAt(multi, attr)
			id := key + "=" + keyVal
			if _, ok := elems.get(id); !ok {
				el := newObject()
				if attr == "emails" && key == "type" && keyVal == "work" {
					el.set("primary", true)
				}
				el.set(key, filterValue(key, keyVal))
				elems.set(id, el)
			}
			objectAt(elems, id).set(sub, v)
			continue
		}
		if parent, child, ok := strings.Cut(path, "."); ok {
			o, _ := core[parent].(*object)
			if o == nil {
				o = newObject()
				core[parent] = o
			}
			o.set(child, v)
			continue
		}
		core[path] = v
	}
	for _, attr := range multi.keys {
		elems := multi.values[attr].(*object)
		list := make([]any, 0, len(elems.keys))
		for _, id := range elems.keys {
			list = append(list, elems.values[id])
		}
		core[attr] = list
	}
	if name, ok := core["name"].(*object); ok {
		core["name"] = reorder(name, nameOrder)
	}
	if _, ok := core["roles"]; !ok {
		core["roles"] = []any{}
	}
	core["meta"] = map[string]any{"resourceType": "User"}

	body := newObject()
	body.set("schemas", []string{protocol.UserSchema, protocol.EnterpriseUserSchema})
	for _, k := range leadingCreateKeys {
		if v, ok := core[k]; ok {
			body.set(k, v)
			delete(core, k)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(core)) {
		body.set(k, core[k])
	}
	for _, urn := range ext.keys {
		body.set(urn, ext.values[urn])
	}
	return body
}

// reorder returns o with the keys named in first (those present) ahead of
// the others, which keep their order.
func reorder(o *object, first []string) *object {
	out := newObject()
	for _, k := range first {
		if v, ok := o.get(k); ok {
			out.set(k, v)
		}
	}
	for _, k := range o.keys {
		if _, done := out.get(k); !done {
			out.set(k, o.values[k])
		}
	}
	return out
}

// filterValue turns the value of a valuePath filter into the element's
// value: primary eq "True" means the boolean true (FLOW-19).
func filterValue(key, v string) any {
	if key == "primary" {
		return strings.EqualFold(v, "true")
	}
	return v
}

// valuePathMatch runs the valuePath pattern only on paths that can match.
func valuePathMatch(p string) []string {
	if !isValuePath(p) {
		return nil
	}
	return valuePathRE.FindStringSubmatch(p)
}

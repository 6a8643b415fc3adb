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

// objectAt returns the object at key in m (an extension schema object, a
// complex attribute), putting a new one there when there is none.
func objectAt(m map[string]any, key string) map[string]any {
	obj, _ := m[key].(map[string]any)
	if obj == nil {
		obj = map[string]any{}
		m[key] = obj
	}
	return obj
}

// userCreateBody builds the POST /Users body from attributes in Entra's
// shape (ENTRA-FLOW-04): schemas, externalId, userName, active first, then
// the rest; active as a JSON boolean whatever the dialect; meta.resourceType,
// an empty roles array, the work email flagged primary, extension attributes
// in their schema object, nulls left out.
func userCreateBody(attrs Attributes) *object {
	top := map[string]any{}
	multi := map[string]map[string]map[string]any{} // attr -> "key=val" -> element
	for path, v := range attrs {
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
			top["active"] = v
			continue
		}
		if urn, attr, ok := splitURN(path); ok {
			objectAt(top, urn)[attr] = v
			continue
		}
		if m := valuePathMatch(path); m != nil {
			attr, key, keyVal, sub := m[1], m[2], m[3], m[4]
			if sub == "" {
				sub = "value"
			}
			elems := multi[attr]
			if elems == nil {
				elems = map[string]map[string]any{}
				multi[attr] = elems
			}
			id := key + "=" + keyVal
			el := elems[id]
			if el == nil {
				el = map[string]any{key: filterValue(key, keyVal)}
				if attr == "emails" && key == "type" && keyVal == "work" {
					el["primary"] = true
				}
				elems[id] = el
			}
			el[sub] = v
			continue
		}
		if parent, child, ok := strings.Cut(path, "."); ok {
			objectAt(top, parent)[child] = v
			continue
		}
		top[path] = v
	}
	for attr, elems := range multi {
		list := make([]any, 0, len(elems))
		for _, id := range slices.Sorted(maps.Keys(elems)) {
			list = append(list, elems[id])
		}
		top[attr] = list
	}
	if _, ok := top["roles"]; !ok {
		top["roles"] = []any{}
	}
	top["meta"] = map[string]any{"resourceType": "User"}
	top["schemas"] = []string{protocol.UserSchema, protocol.EnterpriseUserSchema}
	return orderedObject(top, "schemas", "externalId", "userName", "active")
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

package resource

import (
	"maps"
	"strings"

	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// Project applies the attributes / excludedAttributes query parameters
// (RFC 7644 §3.4.2.5) to a resource of type rt and returns a new Resource
// (res is not modified):
//   - attributes non-empty: only the named attributes (and sub-attributes,
//     "name.givenName", URN-qualified names, a bare extension URN for the
//     whole extension) plus those returned "always" (id, schemas) are kept;
//     excludedAttributes is then ignored;
//   - otherwise excludedAttributes removes the named attributes unless they
//     are returned "always"; `excludedAttributes=members` drops members
//     (ENTRA-FLOW-12, FLOW-14, ENTRA-REQ-06);
//   - attributes returned "never" (password) are always dropped.
//
// Names are matched case-insensitively; names that match nothing are
// ignored. Elements of the lists may themselves be comma-separated, as in
// the raw query parameter.
func Project(rt *schema.Resource, res Resource, attributes, excludedAttributes []string) Resource {
	attributes, excludedAttributes = splitNames(attributes), splitNames(excludedAttributes)
	var out Resource
	if len(attributes) > 0 {
		out = Resource{}
		for _, name := range attributes {
			include(rt, res, out, name)
		}
		for _, a := range rt.Core.Attributes {
			if a.Returned == schema.ReturnedAlways {
				if v, ok := res[a.Name]; ok {
					out[a.Name] = CloneValue(v)
				}
			}
		}
		if v, ok := res["schemas"]; ok {
			out["schemas"] = CloneValue(v)
		}
	} else {
		out = res.Clone()
		for _, name := range excludedAttributes {
			exclude(rt, out, name)
		}
	}
	dropNever(rt, out)
	return out
}

func splitNames(names []string) []string {
	var out []string
	for _, n := range names {
		for _, p := range strings.Split(n, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// container returns the map holding the attribute ref points at in r
// (the resource itself or the extension object), or nil.
func container(r Resource, ref schema.Ref) map[string]any {
	if !ref.Extension {
		return r
	}
	m, _ := r[ref.Schema.ID].(map[string]any)
	return m
}

// include copies the attribute called name from res into out.
func include(rt *schema.Resource, res, out Resource, name string) {
	if ext := rt.Extension(name); ext != nil {
		if v, ok := res[ext.ID]; ok {
			out[ext.ID] = CloneValue(v)
		}
		return
	}
	ref, ok := rt.Find(name)
	if !ok {
		// An attribute no schema defines, kept as sent: match its key.
		if k, ok := findKey(res, name); ok {
			out[k] = CloneValue(res[k])
		}
		return
	}
	src := container(res, ref)
	if src == nil {
		return
	}
	v, ok := src[ref.Attr.Name]
	if !ok {
		return
	}
	dst := map[string]any(out)
	if ref.Extension {
		m, _ := out[ref.Schema.ID].(map[string]any)
		if m == nil {
			m = map[string]any{}
			out[ref.Schema.ID] = m
		}
		dst = m
	}
	if ref.Sub == nil {
		dst[ref.Attr.Name] = CloneValue(v)
		return
	}
	// A sub-attribute: keep only it, merged with sub-attributes already
	// included for the same attribute.
	sub := ref.Sub.Name
	switch x := v.(type) {
	case map[string]any:
		sv, ok := x[sub]
		if !ok {
			return
		}
		m, _ := dst[ref.Attr.Name].(map[string]any)
		if m == nil {
			m = map[string]any{}
			dst[ref.Attr.Name] = m
		}
		m[sub] = CloneValue(sv)
	case []any:
		prev, _ := dst[ref.Attr.Name].([]any)
		elems := make([]any, len(x))
		for i, e := range x {
			m := map[string]any{}
			if i < len(prev) {
				if pm, ok := prev[i].(map[string]any); ok {
					m = pm
				}
			}
			if em, ok := e.(map[string]any); ok {
				if sv, ok := em[sub]; ok {
					m[sub] = CloneValue(sv)
				}
			}
			elems[i] = m
		}
		dst[ref.Attr.Name] = elems
	}
}

// exclude removes the attribute called name from out, unless it is
// returned "always".
func exclude(rt *schema.Resource, out Resource, name string) {
	if ext := rt.Extension(name); ext != nil {
		delete(out, ext.ID)
		return
	}
	ref, ok := rt.Find(name)
	if !ok {
		if k, ok := findKey(out, name); ok && !strings.EqualFold(k, "schemas") {
			delete(out, k)
		}
		return
	}
	if ref.Target().Returned == schema.ReturnedAlways || ref.Attr.Returned == schema.ReturnedAlways {
		return
	}
	c := container(out, ref)
	if c == nil {
		return
	}
	if ref.Sub == nil {
		delete(c, ref.Attr.Name)
	} else {
		switch x := c[ref.Attr.Name].(type) {
		case map[string]any:
			delete(x, ref.Sub.Name)
		case []any:
			for _, e := range x {
				if m, ok := e.(map[string]any); ok {
					delete(m, ref.Sub.Name)
				}
			}
		}
	}
	if ref.Extension && len(c) == 0 {
		delete(out, ref.Schema.ID)
	}
}

// dropNever removes attributes returned "never", should any be stored.
// out may be a top-level copy sharing nested values with a stored
// document, so an extension object is copied before a deletion.
func dropNever(rt *schema.Resource, out Resource) {
	for _, s := range rt.Schemas() {
		for _, a := range s.Attributes {
			if a.Returned != schema.ReturnedNever {
				continue
			}
			if s == rt.Core {
				delete(out, a.Name)
			} else if m, ok := out[s.ID].(map[string]any); ok {
				if _, has := m[a.Name]; has {
					m = maps.Clone(m)
					delete(m, a.Name)
					out[s.ID] = m
				}
			}
		}
	}
}

// findKey finds the key of m equal to name ignoring case.
func findKey(m map[string]any, name string) (string, bool) {
	if _, ok := m[name]; ok {
		return name, true
	}
	for k := range m {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

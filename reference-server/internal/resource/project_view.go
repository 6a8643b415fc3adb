package resource

import (
	"maps"
	"strings"

	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// MarshalProjected renders Project(rt, res, attributes, excludedAttributes)
// as Marshal does, byte for byte, without Project's deep copy when only
// excludedAttributes is given: the rendered view shares res's nested values
// and copies just the containers an exclusion changes, so res is still not
// modified (TestMarshalProjectedMatchesProject).
func MarshalProjected(rt *schema.Resource, res Resource, attributes, excludedAttributes []string) ([]byte, error) {
	attributes, excludedAttributes = splitNames(attributes), splitNames(excludedAttributes)
	if len(attributes) > 0 {
		return Project(rt, res, attributes, nil).Marshal()
	}
	if res == nil {
		return Resource(nil).Marshal()
	}
	out := maps.Clone(res)
	for _, name := range excludedAttributes {
		excludeShared(rt, out, name)
	}
	dropNever(rt, out)
	return out.Marshal()
}

// excludeShared is exclude on a top-level copy whose nested values are
// shared: a nested container is copied before anything is deleted from it.
func excludeShared(rt *schema.Resource, out Resource, name string) {
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
	c := map[string]any(out)
	if ref.Extension {
		m, _ := out[ref.Schema.ID].(map[string]any)
		if m == nil {
			return
		}
		c = maps.Clone(m)
		out[ref.Schema.ID] = c
	}
	if ref.Sub == nil {
		delete(c, ref.Attr.Name)
	} else {
		switch x := c[ref.Attr.Name].(type) {
		case map[string]any:
			m := maps.Clone(x)
			delete(m, ref.Sub.Name)
			c[ref.Attr.Name] = m
		case []any:
			elems := make([]any, len(x))
			for i, e := range x {
				if m, ok := e.(map[string]any); ok {
					m = maps.Clone(m)
					delete(m, ref.Sub.Name)
					e = m
				}
				elems[i] = e
			}
			c[ref.Attr.Name] = elems
		}
	}
	if ref.Extension && len(c) == 0 {
		delete(out, ref.Schema.ID)
	}
}

package patch

import (
	"reflect"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// whole applies an operation to a whole attribute (no sub-attribute, no
// value filter).
func (a *applier) whole(op string, ref schema.Ref, val any, hasValue bool) error {
	attr := ref.Attr
	path := ref.String()
	if op == protocol.OpRemove {
		c := a.container(ref, false)
		if c == nil {
			return nil
		}
		if hasValue && val != nil && attr.MultiValued {
			return a.removeValues(c, attr, path, val)
		}
		delete(c, attr.Name)
		return nil
	}
	if isEmpty(val) {
		if attr.Required {
			return invalidValue("attribute %q is required and cannot be cleared", path)
		}
		if c := a.container(ref, false); c != nil {
			delete(c, attr.Name)
		}
		return nil
	}
	c := a.container(ref, true)
	switch {
	case resource.IsManager(attr):
		mgr, keep, err := resource.NormalizeManager(path, val)
		if err != nil {
			return err
		}
		if keep {
			c[attr.Name] = mgr
		} else {
			delete(c, attr.Name)
		}
		return nil
	case attr.MultiValued:
		if _, isObj := val.(map[string]any); isObj {
			val = []any{val} // one element sent without its array
		}
		nv, keep, err := resource.NormalizeAttr(attr, path, val)
		if err != nil {
			return err
		}
		var elems []any
		if keep {
			elems = nv.([]any)
		}
		if op == protocol.OpReplace {
			return setList(c, attr, path, elems)
		}
		return a.addValues(c, attr, path, elems)
	case attr.Complex():
		nv, keep, err := resource.NormalizeAttr(attr, path, val)
		if err != nil {
			return err
		}
		// add and replace both merge the sub-attributes given, leaving the
		// others as they are (RFC 7644 §3.5.2.1, §3.5.2.3); a sub-attribute
		// given as null or "" is cleared (ENTRA-PATCH-12).
		obj, _ := c[attr.Name].(map[string]any)
		if obj == nil {
			obj = map[string]any{}
		}
		if keep {
			mergeInto(obj, nv.(map[string]any))
		}
		clearSubs(obj, attr, val)
		if len(obj) == 0 {
			delete(c, attr.Name)
			return nil
		}
		c[attr.Name] = obj
		return nil
	default:
		nv, keep, err := resource.NormalizeAttr(attr, path, val)
		if err != nil {
			return err
		}
		if keep {
			c[attr.Name] = nv
		} else {
			delete(c, attr.Name)
		}
		return nil
	}
}

// setList replaces a multi-valued attribute's elements; an empty list
// removes the attribute.
func setList(c map[string]any, attr *schema.Attribute, path string, elems []any) error {
	if err := resource.CheckMulti(attr, path, elems); err != nil {
		return err
	}
	if len(elems) == 0 {
		delete(c, attr.Name)
		return nil
	}
	c[attr.Name] = elems
	return nil
}

// addValues adds elements to a multi-valued attribute (RFC 7644
// §3.5.2.1): an element equal to one already there, or with the same
// "value" (a member added twice, ENTRA-FLOW-16), is merged into it; where
// types are unique (ENTRA-REQ-15) an element with the same type replaces
// the old one; a new primary clears the others' primary.
func (a *applier) addValues(c map[string]any, attr *schema.Attribute, path string, add []any) error {
	list, _ := c[attr.Name].([]any)
	list = append([]any(nil), list...)
	for _, e := range add {
		em, isMap := e.(map[string]any)
		idx := -1
		for i, old := range list {
			if sameElement(attr, old, e) {
				idx = i
				break
			}
		}
		if isMap && primaryOf(em) {
			for _, old := range list {
				if om, ok := old.(map[string]any); ok && primaryOf(om) {
					om["primary"] = false
				}
			}
		}
		if idx < 0 {
			list = append(list, e)
			continue
		}
		if om, ok := list[idx].(map[string]any); ok && isMap && !attr.UniqueTypes {
			for k, v := range em {
				om[k] = v
			}
			continue
		}
		list[idx] = e
	}
	return setList(c, attr, path, list)
}

// sameElement reports whether b is the same element as a for an add: equal,
// the same non-empty "value", or, where types are unique, the same type.
func sameElement(attr *schema.Attribute, a, b any) bool {
	am, ok1 := a.(map[string]any)
	bm, ok2 := b.(map[string]any)
	if !ok1 || !ok2 {
		return reflect.DeepEqual(a, b)
	}
	if attr.UniqueTypes {
		at, _ := am["type"].(string)
		bt, _ := bm["type"].(string)
		if at != "" && strings.EqualFold(at, bt) {
			return true
		}
	} else if av, _ := am["value"].(string); av != "" {
		// Decided by value alone: cheap for a large member list.
		bs, isStr := bm["value"].(string)
		return isStr && stringValueEqual(attr, av, bs)
	}
	return reflect.DeepEqual(a, b)
}

func primaryOf(m map[string]any) bool {
	p, _ := m["primary"].(bool)
	return p
}

// removeValues removes the given elements from a multi-valued attribute,
// as Entra's legacy dialect removes members
// ({"op":"Remove","path":"members","value":[{"value":"id"}]},
// ENTRA-FLOW-17). Elements are matched by "value" when the given element
// has one, else by equality. Values that are not there are ignored.
func (a *applier) removeValues(c map[string]any, attr *schema.Attribute, path string, val any) error {
	if _, isObj := val.(map[string]any); isObj {
		val = []any{val}
	}
	arr, ok := val.([]any)
	if !ok {
		return invalidValue("remove from %q: value must be an array of elements, got %s", path, kindOf(val))
	}
	var drop []map[string]any
	for i, e := range arr {
		if e == nil {
			continue
		}
		em, ok := e.(map[string]any)
		if !ok {
			return invalidValue("remove from %q: value[%d] must be an object, got %s", path, i, kindOf(e))
		}
		drop = append(drop, em)
	}
	list, _ := c[attr.Name].([]any)
	kept := make([]any, 0, len(list))
	for _, old := range list {
		if !matchesAny(attr, old, drop) {
			kept = append(kept, old)
		}
	}
	return setList(c, attr, path, kept)
}

func matchesAny(attr *schema.Attribute, old any, drop []map[string]any) bool {
	om, _ := old.(map[string]any)
	for _, d := range drop {
		if v, ok := d["value"]; ok && v != nil {
			if om != nil && valueEqual(attr, om["value"], v) {
				return true
			}
			continue
		}
		norm, keep, err := resource.NormalizeElement(attr, attr.Name, d)
		if err == nil && keep && reflect.DeepEqual(norm, old) {
			return true
		}
	}
	return false
}

// valueEqual compares two "value"s, ignoring case unless caseExact.
func valueEqual(attr *schema.Attribute, a, b any) bool {
	as, ok1 := a.(string)
	bs, ok2 := b.(string)
	if !ok1 || !ok2 {
		return reflect.DeepEqual(a, b)
	}
	return stringValueEqual(attr, as, bs)
}

// stringValueEqual is valueEqual for two strings (no boxing per compare).
func stringValueEqual(attr *schema.Attribute, as, bs string) bool {
	if v := attr.Sub("value"); v != nil && !v.CaseExact {
		return strings.EqualFold(as, bs)
	}
	return as == bs
}

// mergeInto copies src's keys into dst.
func mergeInto(dst, src map[string]any) {
	for k, v := range src {
		dst[k] = v
	}
}

// clearSubs deletes from obj the sub-attributes of attr that the raw value
// val gives as null or "" (ENTRA-PATCH-12).
func clearSubs(obj map[string]any, attr *schema.Attribute, val any) {
	raw, ok := val.(map[string]any)
	if !ok {
		return
	}
	for k, v := range raw {
		if !isEmpty(v) {
			continue
		}
		if sub := attr.Sub(k); sub != nil {
			if _, isStr := v.(string); isStr && sub.Type != schema.TypeString && sub.Type != schema.TypeReference {
				continue // "" is not a value of a non-string type; NormalizeAttr judged it
			}
			delete(obj, sub.Name)
		}
	}
}

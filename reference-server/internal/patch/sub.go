package patch

import (
	"strings"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/query"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// subAttr applies an operation to a sub-attribute without a value filter:
// "name.givenName", "manager.value", or "emails.value" (every element).
func (a *applier) subAttr(op string, ref schema.Ref, val any) error {
	attr, sub, path := ref.Attr, ref.Sub, ref.String()
	if attr.MultiValued {
		return a.subOfEvery(op, ref, val)
	}
	if resource.IsManager(attr) && sub.Name == "value" {
		// The manager is its value: setting it replaces the reference
		// (a stale $ref would point elsewhere), clearing it clears the manager.
		return a.whole(op, schema.Ref{Schema: ref.Schema, Extension: ref.Extension, Attr: attr}, val, true)
	}
	c := a.container(ref, op != protocol.OpRemove && !isEmpty(val))
	if c == nil {
		return nil
	}
	obj, _ := c[attr.Name].(map[string]any)
	if op == protocol.OpRemove || isEmpty(val) {
		if obj != nil {
			delete(obj, sub.Name)
			if len(obj) == 0 {
				delete(c, attr.Name)
			}
		}
		return nil
	}
	nv, err := resource.NormalizeScalar(sub, path, val)
	if err != nil {
		return err
	}
	if obj == nil {
		obj = map[string]any{}
		c[attr.Name] = obj
	}
	obj[sub.Name] = nv
	return nil
}

// subOfEvery applies a sub-attribute operation to every element of a
// multi-valued attribute ("emails.value" without a filter).
func (a *applier) subOfEvery(op string, ref schema.Ref, val any) error {
	c := a.container(ref, false)
	var list []any
	if c != nil {
		list, _ = c[ref.Attr.Name].([]any)
	}
	all := make([]int, len(list))
	for i := range list {
		all[i] = i
	}
	if len(all) == 0 && op != protocol.OpRemove && !isEmpty(val) {
		return noTarget("%q has no values to set %q in", ref.Attr.Name, ref.Sub.Name)
	}
	return a.setSubIn(op, ref, c, list, all, val)
}

// setSubIn sets (or clears) sub-attribute ref.Sub in the elements at idx.
// Elements left with nothing but type, primary and display are dropped.
func (a *applier) setSubIn(op string, ref schema.Ref, c map[string]any, list []any, idx []int, val any) error {
	if len(idx) == 0 {
		return nil
	}
	attr, sub, path := ref.Attr, ref.Sub, ref.String()
	clear := op == protocol.OpRemove || isEmpty(val)
	var nv any
	if !clear {
		v, err := resource.NormalizeScalar(sub, path, val)
		if err != nil {
			return err
		}
		nv = v
	}
	drop := map[int]bool{}
	for _, i := range idx {
		m, ok := list[i].(map[string]any)
		if !ok {
			continue
		}
		if clear {
			delete(m, sub.Name)
			if !meaningful(m) {
				drop[i] = true
			}
		} else {
			m[sub.Name] = nv
		}
	}
	kept := make([]any, 0, len(list))
	for i, e := range list {
		if !drop[i] {
			kept = append(kept, e)
		}
	}
	return setList(c, attr, path, kept)
}

// meaningful reports whether an element still says something beyond its
// label: any sub-attribute other than type, primary and display.
func meaningful(m map[string]any) bool {
	for k := range m {
		switch k {
		case "type", "primary", "display":
		default:
			return true
		}
	}
	return false
}

// valuePath applies an operation whose path has a value filter:
// `emails[type eq "work"].value`, `members[value eq "id"]`.
func (a *applier) valuePath(op string, ref schema.Ref, expr filter.Expression, val any, hasValue bool) error {
	attr := ref.Attr
	if !attr.MultiValued || !attr.Complex() {
		return invalidPath("value filter on %q, which is not a multi-valued complex attribute", attr.Name)
	}
	c := a.container(ref, false)
	var list []any
	if c != nil {
		list, _ = c[attr.Name].([]any)
	}
	var idx []int
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		hit, err := query.MatchElement(expr, m, attr)
		if err != nil {
			return err
		}
		if hit {
			idx = append(idx, i)
		}
	}
	if len(list) == 0 {
		// Validate the filter even when there is nothing to match.
		if _, err := query.MatchElement(expr, map[string]any{}, attr); err != nil {
			return err
		}
	}
	clear := op == protocol.OpRemove || isEmpty(val)
	if ref.Sub != nil {
		if len(idx) > 0 || clear {
			return a.setSubIn(op, ref, c, list, idx, val)
		}
		return a.upsert(ref, expr, map[string]any{ref.Sub.Name: val})
	}
	if clear {
		// Remove the matching elements; none is not an error (ENTRA-FLOW-17).
		if c == nil || len(idx) == 0 {
			return nil
		}
		hit := map[int]bool{}
		for _, i := range idx {
			hit[i] = true
		}
		kept := make([]any, 0, len(list))
		for i, e := range list {
			if !hit[i] {
				kept = append(kept, e)
			}
		}
		return setList(c, attr, ref.String(), kept)
	}
	obj, ok := val.(map[string]any)
	if !ok {
		return invalidValue("%s on %q with a value filter needs an object value, got %s", op, ref.String(), kindOf(val))
	}
	if len(idx) == 0 {
		return a.upsert(ref, expr, obj)
	}
	nv, keep, err := resource.NormalizeElement(attr, ref.String(), obj)
	if err != nil {
		return err
	}
	for _, i := range idx {
		m := list[i].(map[string]any)
		if keep {
			mergeInto(m, nv.(map[string]any))
		}
		clearSubs(m, attr, obj)
	}
	return setList(c, attr, ref.String(), list)
}

// upsert adds the element a value filter describes when it matched
// nothing (ENTRA-PATCH-07): the filter must be `type eq "<canonical>"`,
// possibly joined by `and` with further equalities, which all become
// sub-attributes of the new element. Otherwise the answer is noTarget
// (RFC 7644 §3.5.2.3).
func (a *applier) upsert(ref schema.Ref, expr filter.Expression, fields map[string]any) error {
	attr := ref.Attr
	eqs, ok := equalities(expr)
	typ := attr.Sub("type")
	t, hasType := eqs["type"].(string)
	if !ok || typ == nil || !hasType || !typ.IsCanonical(t) {
		return noTarget("filter %q matched no value of %q", describeExpr(expr), attr.Name)
	}
	elem := map[string]any{}
	for k, v := range eqs {
		elem[k] = v
	}
	for k, v := range fields {
		elem[k] = v
	}
	nv, keep, err := resource.NormalizeElement(attr, ref.String(), elem)
	if err != nil || !keep {
		return err
	}
	c := a.container(ref, true)
	list, _ := c[attr.Name].([]any)
	return setList(c, attr, ref.String(), append(append([]any(nil), list...), nv))
}

// equalities collects the `sub eq value` terms of a filter made only of
// such terms joined by `and`; ok is false for anything else.
func equalities(expr filter.Expression) (map[string]any, bool) {
	out := map[string]any{}
	var walk func(filter.Expression) bool
	walk = func(e filter.Expression) bool {
		switch x := e.(type) {
		case *filter.LogicalExpression:
			return x.Operator == filter.AND && walk(x.Left) && walk(x.Right)
		case *filter.AttributeExpression:
			if x.Operator != filter.EQ || x.AttributePath.SubAttribute != nil || x.AttributePath.URIPrefix != nil || x.CompareValue == nil {
				return false
			}
			out[x.AttributePath.AttributeName] = x.CompareValue
			return true
		}
		return false
	}
	if !walk(expr) {
		return nil, false
	}
	return canonicalKeys(out), true
}

// canonicalKeys spells "type" in lower case so that `Type eq "work"`
// upserts too; the other names are normalised by NormalizeElement.
func canonicalKeys(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if strings.EqualFold(k, "type") {
			k = "type"
		}
		out[k] = v
	}
	return out
}

func describeExpr(e filter.Expression) string {
	if s, ok := e.(interface{ String() string }); ok {
		return s.String()
	}
	return "value filter"
}

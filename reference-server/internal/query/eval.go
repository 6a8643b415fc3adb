package query

import (
	"encoding/json"
	"strings"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// eval evaluates a validated expression.
func eval(expr filter.Expression, res resource.Resource, rt *schema.Resource) bool {
	switch x := expr.(type) {
	case *filter.LogicalExpression:
		if strings.EqualFold(string(x.Operator), string(filter.OR)) {
			return eval(x.Left, res, rt) || eval(x.Right, res, rt)
		}
		return eval(x.Left, res, rt) && eval(x.Right, res, rt)
	case *filter.NotExpression:
		return !eval(x.Expression, res, rt)
	case *filter.ValuePath:
		ref, ok := lookup(rt, x.AttributePath)
		var a *schema.Attribute
		var v any
		if ok {
			a = ref.Attr
			v = attrValue(res, ref)
		} else {
			v = genericValue(res, x.AttributePath)
		}
		for _, e := range elements(v) {
			if m, ok := e.(map[string]any); ok && evalElement(x.ValueFilter, m, a) {
				return true
			}
		}
		return false
	case *filter.AttributeExpression:
		ref, ok := lookup(rt, x.AttributePath)
		if !ok {
			return compareAll(genericValues(genericValue(res, x.AttributePath), x.AttributePath.SubAttributeName()), nil, x)
		}
		target := ref.Target()
		if normOp(x.Operator) == filter.PR {
			return compareAll(values(attrValue(res, ref), false, ref.Sub), target, x)
		}
		vals := values(attrValue(res, ref), ref.Sub == nil && ref.Attr.Complex(), ref.Sub)
		if target.Complex() {
			target = target.Sub("value")
		}
		return compareAll(vals, target, x)
	}
	return false
}

// evalElement evaluates a validated value filter against one element of a
// (a may be nil for an attribute no schema defines).
func evalElement(expr filter.Expression, elem map[string]any, a *schema.Attribute) bool {
	switch x := expr.(type) {
	case *filter.LogicalExpression:
		if strings.EqualFold(string(x.Operator), string(filter.OR)) {
			return evalElement(x.Left, elem, a) || evalElement(x.Right, elem, a)
		}
		return evalElement(x.Left, elem, a) && evalElement(x.Right, elem, a)
	case *filter.NotExpression:
		return !evalElement(x.Expression, elem, a)
	case *filter.AttributeExpression:
		name := x.AttributePath.AttributeName
		var sub *schema.Attribute
		if a != nil {
			sub = a.Sub(name)
		}
		var v any
		if sub != nil {
			v = elem[sub.Name]
		} else {
			v = getCI(elem, name)
		}
		return compareAll(elements(v), sub, x)
	}
	return false
}

// attrValue returns the stored value of the attribute ref names (the
// whole attribute, sub-attributes are picked by values).
func attrValue(res resource.Resource, ref schema.Ref) any {
	c := map[string]any(res)
	if ref.Extension {
		c, _ = res[ref.Schema.ID].(map[string]any)
		if c == nil {
			// Stored under a differently cased URN (kept as sent).
			c, _ = getCI(res, ref.Schema.ID).(map[string]any)
		}
	}
	if c == nil {
		return nil
	}
	if v, ok := c[ref.Attr.Name]; ok {
		return v
	}
	return getCI(c, ref.Attr.Name)
}

// values flattens v (one value or an array of values) to the list of
// values compared: sub-attribute sub of each element when sub is set, the
// "value" sub-attribute when useValue is set.
func values(v any, useValue bool, sub *schema.Attribute) []any {
	var out []any
	for _, e := range elements(v) {
		switch {
		case sub != nil:
			if m, ok := e.(map[string]any); ok {
				out = append(out, elements(m[sub.Name])...)
			}
		case useValue:
			if m, ok := e.(map[string]any); ok {
				out = append(out, elements(m["value"])...)
			} else {
				out = append(out, e) // a bare string manager, as some stores keep it
			}
		default:
			out = append(out, e)
		}
	}
	return out
}

// elements returns the elements of an array, or v itself as one element.
func elements(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// genericValue finds an attribute no schema defines, matching keys
// case-insensitively, inside an extension object when a URI is given.
func genericValue(res resource.Resource, p filter.AttributePath) any {
	var c map[string]any = res
	if p.URIPrefix != nil {
		c, _ = getCI(res, p.URI()).(map[string]any)
		if c == nil {
			return getCI(res, p.URI()+":"+p.AttributeName)
		}
	}
	return getCI(c, p.AttributeName)
}

// genericValues picks sub (if any) from each element of v.
func genericValues(v any, sub string) []any {
	if sub == "" {
		return elements(v)
	}
	var out []any
	for _, e := range elements(v) {
		if m, ok := e.(map[string]any); ok {
			out = append(out, elements(getCI(m, sub))...)
		}
	}
	return out
}

func getCI(m map[string]any, k string) any {
	if m == nil {
		return nil
	}
	if v, ok := m[k]; ok {
		return v
	}
	for mk, v := range m {
		if strings.EqualFold(mk, k) {
			return v
		}
	}
	return nil
}

// compareAll applies the comparison to the values (any may match); a is
// the attribute the values belong to, nil when no schema defines it.
func compareAll(vals []any, a *schema.Attribute, x *filter.AttributeExpression) bool {
	op := normOp(x.Operator)
	switch op {
	case filter.PR:
		for _, v := range vals {
			if present(v) {
				return true
			}
		}
		return false
	case filter.NE:
		eq := *x
		eq.Operator = filter.EQ
		return !compareAll(vals, a, &eq)
	}
	if x.CompareValue == nil { // eq null: absent
		for _, v := range vals {
			if present(v) {
				return false
			}
		}
		return op == filter.EQ
	}
	for _, v := range vals {
		if compare(v, a, op, x.CompareValue) {
			return true
		}
	}
	return false
}

func present(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case map[string]any:
		return len(x) > 0
	}
	return true
}

// compare compares one stored value with the filter's compare value.
func compare(v any, a *schema.Attribute, op filter.CompareOperator, cv any) bool {
	typ := ""
	caseExact := false
	if a != nil {
		typ, caseExact = a.Type, a.CaseExact
	} else {
		typ = guessType(v)
	}
	switch typ {
	case schema.TypeBoolean:
		b, ok1 := resource.ParseBool(v)
		c, ok2 := resource.ParseBool(cv)
		return ok1 && ok2 && op == filter.EQ && b == c
	case schema.TypeInteger, schema.TypeDecimal:
		f, ok1 := resource.Number(v)
		c, ok2 := resource.Number(cv)
		if !ok1 || !ok2 {
			return false
		}
		return ordered(cmpFloat(f, c), op)
	case schema.TypeDateTime:
		s, ok := v.(string)
		c, ok2 := cv.(string)
		if !ok || !ok2 {
			return false
		}
		switch op {
		case filter.CO, filter.SW, filter.EW:
			return compareString(s, c, op, true)
		}
		t1, err1 := resource.ParseDateTime(s)
		t2, err2 := resource.ParseDateTime(c)
		if err1 != nil || err2 != nil {
			return false
		}
		return ordered(t1.Compare(t2), op)
	default:
		s, ok := v.(string)
		if !ok {
			return false
		}
		return compareString(s, textOf(cv), op, caseExact)
	}
}

// guessType names the schema type of a value of an attribute no schema
// defines.
func guessType(v any) string {
	switch v.(type) {
	case bool:
		return schema.TypeBoolean
	case json.Number, float64, int, int64:
		return schema.TypeDecimal
	}
	return schema.TypeString
}

// textOf renders a compare value for a string comparison; bare numbers in
// a filter (`employeeNumber eq 1001`) compare with their text.
func textOf(cv any) string {
	switch x := cv.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	b, _ := json.Marshal(cv) // numbers and booleans always marshal
	return string(b)
}

func compareString(s, c string, op filter.CompareOperator, caseExact bool) bool {
	if !caseExact {
		s, c = strings.ToLower(s), strings.ToLower(c)
	}
	switch op {
	case filter.EQ:
		return s == c
	case filter.CO:
		return strings.Contains(s, c)
	case filter.SW:
		return strings.HasPrefix(s, c)
	case filter.EW:
		return strings.HasSuffix(s, c)
	}
	return ordered(strings.Compare(s, c), op)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ordered maps a three-way comparison result to the operator.
func ordered(c int, op filter.CompareOperator) bool {
	switch op {
	case filter.EQ:
		return c == 0
	case filter.GT:
		return c > 0
	case filter.GE:
		return c >= 0
	case filter.LT:
		return c < 0
	case filter.LE:
		return c <= 0
	}
	return false
}

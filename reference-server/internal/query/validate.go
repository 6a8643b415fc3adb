package query

import (
	"fmt"
	"strings"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// maxDepth bounds expression nesting so that evaluation cannot exhaust
// the stack. It is a safety net for expressions built by hand: a filter
// protocol.ParseFilter accepts never reaches it, since its parentheses and
// brackets nest at most protocol.MaxFilterDepth deep and a flat chain of
// `or`/`and` adds one level per term, of which MaxFilterLength bytes hold
// at most ~520 (`a pr or …`). It used to be 200, which turned a chain of
// 200 terms into a 400 only when the account had a resource to match.
const maxDepth = protocol.MaxFilterLength

// Validate checks that every comparison in expr is supported for the
// attribute it names: operators against the attribute's type, compare
// values against the type (a date for dateTime, a number for numbers, a
// boolean for booleans), value filters on complex attributes only.
// Attributes no schema defines are not checked. Errors are
// *protocol.Error 400 invalidFilter.
func Validate(expr filter.Expression, rt *schema.Resource) error {
	return validate(expr, rt, 0)
}

// validateTree checks the logical structure of a filter (nesting depth,
// and/or, not) and hands every other node to leaf with its depth.
func validateTree(expr filter.Expression, depth int, leaf func(filter.Expression, int) error) error {
	if depth > maxDepth {
		return invalidFilter("filter nested more than %d levels", maxDepth)
	}
	switch x := expr.(type) {
	case *filter.LogicalExpression:
		if err := checkLogical(x.Operator); err != nil {
			return err
		}
		if err := validateTree(x.Left, depth+1, leaf); err != nil {
			return err
		}
		return validateTree(x.Right, depth+1, leaf)
	case *filter.NotExpression:
		return validateTree(x.Expression, depth+1, leaf)
	}
	return leaf(expr, depth)
}

func validate(expr filter.Expression, rt *schema.Resource, depth int) error {
	return validateTree(expr, depth, func(expr filter.Expression, depth int) error {
		return validateNode(expr, rt, depth)
	})
}

// validateNode checks one comparison or value path of a resource filter.
func validateNode(expr filter.Expression, rt *schema.Resource, depth int) error {
	switch x := expr.(type) {
	case *filter.ValuePath:
		ref, ok := lookup(rt, x.AttributePath)
		if !ok {
			if isKnownSchemaPath(rt, x.AttributePath) {
				return invalidFilter("unknown attribute %q", x.AttributePath.String())
			}
			return nil
		}
		if ref.Sub != nil || !ref.Attr.Complex() {
			return invalidFilter("value filter on %q, which is not a complex attribute", ref.String())
		}
		return validateElementDepth(x.ValueFilter, ref.Attr, depth+1)
	case *filter.AttributeExpression:
		ref, ok := lookup(rt, x.AttributePath)
		if !ok {
			if isKnownSchemaPath(rt, x.AttributePath) {
				return invalidFilter("unknown attribute %q", x.AttributePath.String())
			}
			return checkOperator(x.Operator)
		}
		if normOp(x.Operator) == filter.PR {
			return nil // presence applies to any attribute, complex ones too
		}
		name := attrName{ref: ref, isRef: true}
		target, err := comparedAttr(ref.Target(), name)
		if err != nil {
			return err
		}
		return checkComparison(target, name, x)
	case nil:
		return invalidFilter("empty filter")
	}
	return invalidFilter("unsupported filter expression %T", expr)
}

func validateElement(expr filter.Expression, a *schema.Attribute) error {
	return validateElementDepth(expr, a, 0)
}

func validateElementDepth(expr filter.Expression, a *schema.Attribute, depth int) error {
	return validateTree(expr, depth, func(expr filter.Expression, _ int) error {
		return validateElementNode(expr, a)
	})
}

// validateElementNode checks one comparison inside a value filter of a.
func validateElementNode(expr filter.Expression, a *schema.Attribute) error {
	switch x := expr.(type) {
	case *filter.AttributeExpression:
		if x.AttributePath.URIPrefix != nil || x.AttributePath.SubAttribute != nil {
			return invalidFilter("%q: a value filter names sub-attributes of %q only", x.AttributePath.String(), a.Name)
		}
		sub := a.Sub(x.AttributePath.AttributeName)
		if sub == nil {
			// Elements may carry sub-attributes no schema defines (kept as
			// sent); they compare generically.
			return checkOperator(x.Operator)
		}
		return checkComparison(sub, attrName{parent: a.Name, sub: sub.Name}, x)
	case *filter.ValuePath:
		return invalidFilter("value filters cannot be nested (%q)", x.AttributePath.String())
	case nil:
		return invalidFilter("empty value filter")
	}
	return invalidFilter("unsupported filter expression %T", expr)
}

func checkLogical(op filter.LogicalOperator) error {
	switch filter.LogicalOperator(strings.ToLower(string(op))) {
	case filter.AND, filter.OR:
		return nil
	}
	return invalidFilter("unknown logical operator %q", op)
}

func checkOperator(op filter.CompareOperator) error {
	switch normOp(op) {
	case filter.PR, filter.EQ, filter.NE, filter.CO, filter.SW, filter.EW, filter.GT, filter.GE, filter.LT, filter.LE:
		return nil
	}
	return invalidFilter("unknown operator %q", op)
}

func normOp(op filter.CompareOperator) filter.CompareOperator {
	return filter.CompareOperator(strings.ToLower(string(op)))
}

// attrName names the attribute of a comparison in an error message: a
// resolved Ref, or a sub-attribute of a value filter's element. The name
// is built only when an error needs it (Ref.String concatenates, and a
// filter on the enterprise manager would allocate twice per request).
type attrName struct {
	ref         schema.Ref
	isRef       bool
	parent, sub string
}

func (n attrName) String() string {
	if n.isRef {
		return n.ref.String()
	}
	return n.parent + "." + n.sub
}

// comparedAttr is the attribute whose values a comparison on a sees: a
// complex attribute compares its "value" sub-attribute.
func comparedAttr(a *schema.Attribute, name attrName) (*schema.Attribute, error) {
	if !a.Complex() {
		return a, nil
	}
	if v := a.Sub("value"); v != nil {
		return v, nil
	}
	return nil, invalidFilter("%q is complex; name one of its sub-attributes", name.String())
}

// checkComparison checks operator and compare value against a's type.
func checkComparison(a *schema.Attribute, name attrName, x *filter.AttributeExpression) error {
	op := normOp(x.Operator)
	if err := checkOperator(op); err != nil {
		return err
	}
	if op == filter.PR {
		return nil
	}
	v := x.CompareValue
	if v == nil {
		if op == filter.EQ || op == filter.NE {
			return nil // `attr eq null`: absent / present
		}
		return invalidFilter("%q %s null is not supported", name.String(), op)
	}
	switch a.Type {
	case schema.TypeBoolean:
		if op != filter.EQ && op != filter.NE {
			return invalidFilter("%q is a boolean; only eq, ne and pr apply, not %s", name.String(), op)
		}
		if _, ok := resource.ParseBool(v); !ok {
			return invalidFilter("%q is a boolean; %v is not", name.String(), describe(v))
		}
	case schema.TypeInteger, schema.TypeDecimal:
		switch op {
		case filter.CO, filter.SW, filter.EW:
			return invalidFilter("%q is a number; %s does not apply", name.String(), op)
		}
		if _, ok := resource.Number(v); !ok {
			return invalidFilter("%q is a number; %v is not", name.String(), describe(v))
		}
	case schema.TypeDateTime:
		s, ok := v.(string)
		if !ok {
			return invalidFilter("%q is a dateTime; compare it with a quoted date", name.String())
		}
		switch op {
		case filter.CO, filter.SW, filter.EW:
			return nil // textual comparison
		}
		if _, err := resource.ParseDateTime(s); err != nil {
			return invalidFilter("%q is a dateTime; %q is not an xsd:dateTime", name.String(), s)
		}
	case schema.TypeBinary:
		if op != filter.EQ && op != filter.NE {
			return invalidFilter("%q is binary; only eq, ne and pr apply", name.String())
		}
	default: // string, reference
		if _, ok := v.(bool); ok {
			return invalidFilter("%q is a string; compare it with a quoted value, not %v", name.String(), v)
		}
	}
	return nil
}

func describe(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

// lookup resolves a filter attribute path against rt.
func lookup(rt *schema.Resource, p filter.AttributePath) (schema.Ref, bool) {
	return rt.Lookup(p.URI(), p.AttributeName, p.SubAttributeName())
}

// isKnownSchemaPath reports whether p names one of rt's schemas explicitly
// (so an attribute missing from it is an error, not a custom attribute).
func isKnownSchemaPath(rt *schema.Resource, p filter.AttributePath) bool {
	return p.URIPrefix != nil && rt.Schema(p.URI()) != nil
}

package resource

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// invalidValue is the 400 invalidValue error for the attribute at path.
func invalidValue(path, format string, args ...any) error {
	return protocol.Errorf(400, protocol.ScimTypeInvalidValue, "attribute %q: %s", path, fmt.Sprintf(format, args...))
}

// IsManager reports whether a is the enterprise manager attribute, which
// takes three input shapes (ENTRA-FLOW-08).
func IsManager(a *schema.Attribute) bool {
	return a == managerAttr
}

// managerAttr is looked up once: IsManager runs for every attribute of
// every body.
var managerAttr = schema.User().Extension(protocol.EnterpriseUserSchema).Attr("manager")

// NormalizeAttr checks and normalises a whole value v of attribute a (an
// array for a multi-valued attribute), as found at path (used in error
// details). It returns keep=false when the value amounts to nothing (null,
// an empty manager, a complex value whose sub-attributes are all null);
// the caller then leaves the attribute out. Errors are *protocol.Error 400
// invalidValue.
func NormalizeAttr(a *schema.Attribute, path string, v any) (out any, keep bool, err error) {
	if v == nil {
		return nil, false, nil
	}
	if IsManager(a) {
		return NormalizeManager(path, v)
	}
	if !a.MultiValued {
		return normalizeElement(a, valuePath{base: path, index: -1}, v)
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, false, invalidValue(path, "must be an array, got %s", kindOf(v))
	}
	elems := make([]any, 0, len(arr))
	for i, e := range arr {
		ev, keep, err := normalizeElement(a, valuePath{base: path, index: i}, e)
		if err != nil {
			return nil, false, err
		}
		if keep {
			elems = append(elems, ev)
		}
	}
	if err := CheckMulti(a, path, elems); err != nil {
		return nil, false, err
	}
	return elems, true, nil
}

// CheckMulti checks the rules across the elements of a multi-valued
// complex attribute: at most one element per type where types must be
// unique (ENTRA-REQ-15) and at most one primary (RFC 7643 §2.4).
func CheckMulti(a *schema.Attribute, path string, elems []any) error {
	if !a.Complex() {
		return nil
	}
	seen := map[string]bool{}
	primaries := 0
	for _, e := range elems {
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		if a.UniqueTypes {
			if t, ok := m["type"].(string); ok && t != "" {
				k := strings.ToLower(t)
				if seen[k] {
					return invalidValue(path, "more than one element has type %q; each type may appear once", t)
				}
				seen[k] = true
			}
		}
		if p, ok := m["primary"].(bool); ok && p {
			primaries++
		}
	}
	if primaries > 1 {
		return invalidValue(path, "more than one element is primary")
	}
	return nil
}

// NormalizeElement checks and normalises one (non-array) value of
// attribute a: a single-valued attribute's value or one element of a
// multi-valued one.
func NormalizeElement(a *schema.Attribute, path string, v any) (any, bool, error) {
	return normalizeElement(a, valuePath{base: path, index: -1}, v)
}

// valuePath is where a value sits, for error details: base, then [index]
// when index >= 0, then .sub when sub is set. It is only turned into a
// string when an error needs it, because a member list of 20 elements
// otherwise costs 20 formatted paths and more for their sub-attributes.
type valuePath struct {
	base  string
	index int
	sub   string
}

func (p valuePath) String() string {
	s := p.base
	if p.index >= 0 {
		s = fmt.Sprintf("%s[%d]", s, p.index)
	}
	if p.sub != "" {
		s += "." + p.sub
	}
	return s
}

func normalizeElement(a *schema.Attribute, path valuePath, v any) (any, bool, error) {
	if v == nil {
		return nil, false, nil
	}
	if a.Complex() {
		return normalizeComplexAt(a, path, v)
	}
	out, err := normalizeScalarAt(a, path, v)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

func normalizeComplex(a *schema.Attribute, path string, v any) (any, bool, error) {
	return normalizeComplexAt(a, valuePath{base: path, index: -1}, v)
}

// normalizeComplexAt normalises a complex value at path (path.sub unset).
func normalizeComplexAt(a *schema.Attribute, path valuePath, v any) (any, bool, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false, invalidValue(path.String(), "must be an object, got %s", kindOf(v))
	}
	out := make(map[string]any, len(m))
	for k, sv := range m {
		if sv == nil {
			continue
		}
		sub := a.Sub(k)
		if sub == nil {
			// Unknown sub-attributes are kept as sent (ENTRA-REQ-12).
			if err := putOnceAt(out, k, CloneValue(sv), path); err != nil {
				return nil, false, err
			}
			continue
		}
		// readOnly sub-attributes sent by a client are ignored (RFC 7643 §2.2),
		// except in readOnly parents, where the server itself writes them.
		if sub.Mutability == schema.ReadOnly && a.Mutability != schema.ReadOnly {
			continue
		}
		subPath := path
		subPath.sub = sub.Name
		nv, err := normalizeScalarAt(sub, subPath, sv)
		if err != nil {
			return nil, false, err
		}
		if err := putOnceAt(out, sub.Name, nv, path); err != nil {
			return nil, false, err
		}
	}
	if len(out) == 0 {
		return nil, false, nil
	}
	return checkRequiredSubs(a, path, out)
}

// checkRequiredSubs returns out unless a required sub-attribute is missing
// or empty.
func checkRequiredSubs(a *schema.Attribute, path valuePath, out map[string]any) (any, bool, error) {
	for _, sub := range a.SubAttributes {
		if !sub.Required {
			continue
		}
		if s, isStr := out[sub.Name].(string); !isStr || s == "" {
			if _, present := out[sub.Name]; !present || isStr {
				subPath := path
				subPath.sub = sub.Name
				return nil, false, invalidValue(subPath.String(), "is required")
			}
		}
	}
	return out, true, nil
}

// putOnce stores k unless a differently cased spelling of the same key is
// already there, which would make the value ambiguous.
func putOnce(m map[string]any, k string, v any, path string) error {
	return putOnceAt(m, k, v, valuePath{base: path, index: -1})
}

func putOnceAt(m map[string]any, k string, v any, path valuePath) error {
	if _, dup := m[k]; dup {
		return protocol.Errorf(400, protocol.ScimTypeInvalidSyntax, "attribute %q: %q given more than once (keys are case-insensitive)", path.String(), k)
	}
	m[k] = v
	return nil
}

// NormalizeScalar checks a value of a non-complex attribute against its
// type. Booleans also accept "true"/"false" strings in any case
// (ENTRA-PATCH-02, VAL-05) and are stored as bool; strings are kept exactly
// as sent; numbers stay json.Number (float64 is accepted too).
func NormalizeScalar(a *schema.Attribute, path string, v any) (any, error) {
	return normalizeScalarAt(a, valuePath{base: path, index: -1}, v)
}

func normalizeScalarAt(a *schema.Attribute, path valuePath, v any) (any, error) {
	if a.MultiValued && !a.Complex() {
		// No such attribute in our schemas; guard against misuse.
		return nil, invalidValue(path.String(), "multi-valued simple attributes are not supported")
	}
	switch a.Type {
	case schema.TypeBoolean:
		b, ok := ParseBool(v)
		if !ok {
			return nil, invalidValue(path.String(), "must be a boolean (true/false), got %s", describe(v))
		}
		return b, nil
	case schema.TypeString, schema.TypeReference, schema.TypeBinary:
		if _, ok := v.(string); !ok {
			return nil, invalidValue(path.String(), "must be a string, got %s", kindOf(v))
		}
		return v, nil // the string as it is, without boxing it again
	case schema.TypeDateTime:
		s, ok := v.(string)
		if !ok {
			return nil, invalidValue(path.String(), "must be a dateTime string, got %s", kindOf(v))
		}
		if _, err := ParseDateTime(s); err != nil {
			return nil, invalidValue(path.String(), "must be an xsd:dateTime such as 2011-05-13T04:42:34Z, got %q", s)
		}
		return v, nil
	case schema.TypeInteger, schema.TypeDecimal:
		f, ok := Number(v)
		if !ok {
			return nil, invalidValue(path.String(), "must be a number, got %s", kindOf(v))
		}
		if a.Type == schema.TypeInteger && f != math.Trunc(f) {
			return nil, invalidValue(path.String(), "must be an integer, got %v", v)
		}
		return v, nil
	case schema.TypeComplex:
		if path.sub != "" {
			path = valuePath{base: path.String(), index: -1}
		}
		out, _, err := normalizeComplexAt(a, path, v)
		return out, err
	}
	return v, nil
}

// ParseBool reads a JSON boolean or a "true"/"false" string in any case.
func ParseBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// Number reads a json.Number, float64 or int as float64.
func Number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

// ParseDateTime parses an xsd:dateTime (RFC 7643 §2.3.5); a value without
// a zone is read as UTC.
func ParseDateTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not an xsd:dateTime: %q", s)
}

// NormalizeManager reads the enterprise manager in the three shapes Entra
// and the validator send (ENTRA-FLOW-08): "id", {"value":"id"} and
// [{"value":"id","$ref":…}]. It returns {"value":…} (plus "$ref" when a
// non-null one was sent, and unknown keys as sent); keep is false when the
// value is empty, which means "no manager".
func NormalizeManager(path string, v any) (any, bool, error) {
	switch x := v.(type) {
	case nil:
		return nil, false, nil
	case string:
		if x == "" {
			return nil, false, nil
		}
		return map[string]any{"value": x}, true, nil
	case []any:
		switch len(x) {
		case 0:
			return nil, false, nil
		case 1:
			return NormalizeManager(path, x[0])
		}
		return nil, false, invalidValue(path, "a user has one manager, got %d", len(x))
	case map[string]any:
		mgr := managerAttr
		out, keep, err := normalizeComplex(mgr, path, x)
		if err != nil || !keep {
			return nil, false, err
		}
		m := out.(map[string]any)
		if s, _ := m["value"].(string); s == "" {
			return nil, false, nil
		}
		return m, true, nil
	}
	return nil, false, invalidValue(path, "must be a string or {\"value\":…}, got %s", kindOf(v))
}

// kindOf names the JSON type of v for error details.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number, float64, int, int64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// describe renders v for an error detail: strings quoted, others by kind.
func describe(v any) string {
	if s, ok := v.(string); ok {
		if len(s) > 64 {
			s = s[:64] + "…"
		}
		return fmt.Sprintf("%q", s)
	}
	return kindOf(v)
}

// KindOf names the JSON type of v ("a string", "an object", …) for error
// details.
func KindOf(v any) string { return kindOf(v) }

package elimity

import (
	"reflect"
	"strings"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/filter"
	"github.com/elimity-com/scim/schema"
	parser "github.com/scim2/filter-parser/v2"
)

// apply performs one validated PATCH operation on attrs. The library has
// already checked the path against the schema and coerced the value; what is
// left is the data manipulation, which the library leaves to the handler.
func (s *store) apply(attrs scim.ResourceAttributes, op scim.PatchOperation) error {
	opName := strings.ToLower(op.Op)
	if op.Path == nil {
		return s.applyNoPath(attrs, opName, op.Value)
	}

	// Pick the map that holds the attribute: the resource itself, or the
	// extension object when the path carries an extension URN.
	container := map[string]any(attrs)
	attrSchema := s.schema
	if uri := op.Path.AttributePath.URI(); uri != "" && !strings.EqualFold(uri, s.schema.ID) {
		ext, ok := s.extension(uri)
		if !ok {
			return scimerrors.ScimErrorInvalidPath
		}
		attrSchema = ext
		key := keyOf(attrs, ext.ID)
		m, ok := attrs[key].(map[string]any)
		if !ok {
			if opName == scim.PatchOperationRemove {
				return nil
			}
			m = map[string]any{}
			attrs[key] = m
		}
		container = m
	}

	name := keyOf(container, op.Path.AttributePath.AttributeName)
	sub := op.Path.AttributePath.SubAttribute
	if op.Path.SubAttribute != nil {
		sub = op.Path.SubAttribute
	}

	if op.Path.ValueExpression != nil {
		return applyFiltered(container, name, sub, attrSchema, op)
	}

	if sub != nil {
		// name.sub on a complex attribute.
		m, ok := container[name].(map[string]any)
		if !ok {
			if opName == scim.PatchOperationRemove {
				return nil
			}
			m = map[string]any{}
			container[name] = m
		}
		subKey := keyOf(m, *sub)
		if opName == scim.PatchOperationRemove {
			delete(m, subKey)
		} else {
			m[subKey] = op.Value
		}
		return nil
	}

	// A single-valued complex attribute (name, manager) keeps the
	// sub-attributes the value does not mention (RFC 7644 §3.5.2.1, §3.5.2.3).
	if dst, isMap := container[name].(map[string]any); isMap && opName != scim.PatchOperationRemove {
		if src, valueIsMap := op.Value.(map[string]any); valueIsMap {
			for k, v := range src {
				dst[keyOf(dst, k)] = v
			}
			return nil
		}
	}

	switch opName {
	case scim.PatchOperationAdd:
		existing, isList := container[name].([]any)
		values, valueIsList := asList(op.Value)
		if isList && valueIsList {
			// A value already present is not added again (RFC 7644 §3.5.2.1).
			for _, v := range values {
				if !containsValue(existing, v) {
					existing = append(existing, v)
				}
			}
			container[name] = existing
		} else {
			container[name] = op.Value
		}
	case scim.PatchOperationReplace:
		container[name] = op.Value
	case scim.PatchOperationRemove:
		existing, isList := container[name].([]any)
		values, valueIsList := asList(op.Value)
		if isList && valueIsList && len(values) > 0 {
			// Remove the listed values (matched on "value"), as sent for group
			// members; without a value the whole attribute goes.
			container[name] = removeValues(existing, values)
		} else {
			delete(container, name)
		}
	}
	return nil
}

// applyNoPath applies add/replace without a path (RFC 7644 §3.5.2.1 and
// §3.5.2.3). The library hands the value over as a map whose keys are
// attribute paths ("title", "name.familyName", an extension attribute with
// its URN prefix) or an extension URN whose value is that extension's object;
// each entry is applied as if it had been sent with that path.
func (s *store) applyNoPath(attrs scim.ResourceAttributes, opName string, value any) error {
	m, ok := value.(map[string]any)
	if !ok || opName == scim.PatchOperationRemove {
		return scimerrors.ScimErrorInvalidValue
	}
	for k, v := range m {
		if ext, isExt := s.extension(k); isExt {
			sub, isMap := v.(map[string]any)
			if !isMap {
				return scimerrors.ScimErrorInvalidValue
			}
			for sk, sv := range sub {
				path, err := parser.ParsePath([]byte(ext.ID + ":" + sk))
				if err != nil {
					return scimerrors.ScimErrorInvalidPath
				}
				if err := s.apply(attrs, scim.PatchOperation{Op: opName, Path: &path, Value: sv}); err != nil {
					return err
				}
			}
			continue
		}
		path, err := parser.ParsePath([]byte(k))
		if err != nil {
			return scimerrors.ScimErrorInvalidPath
		}
		if err := s.apply(attrs, scim.PatchOperation{Op: opName, Path: &path, Value: v}); err != nil {
			return err
		}
	}
	return nil
}

// applyFiltered handles paths with a value filter, e.g.
// emails[type eq "work"].value or members[value eq "id"].
func applyFiltered(container map[string]any, name string, sub *string, s schema.Schema, op scim.PatchOperation) error {
	attr, ok := s.Attributes.ContainsAttribute(name)
	if !ok {
		return scimerrors.ScimErrorInvalidPath
	}
	validator := filter.NewFilterValidator(op.Path.ValueExpression, schema.Schema{
		ID:         s.ID,
		Attributes: filter.MultiValuedFilterAttributes(attr),
	})
	list, _ := asList(container[name])
	opName := strings.ToLower(op.Op)

	matched := 0
	kept := make([]any, 0, len(list))
	for _, e := range list {
		elem, isElem := e.(map[string]any)
		if !isElem || validator.PassesFilter(elem) != nil {
			kept = append(kept, e)
			continue
		}
		matched++
		switch {
		case opName == scim.PatchOperationRemove && sub == nil:
			continue // drop the element
		case opName == scim.PatchOperationRemove:
			delete(elem, keyOf(elem, *sub))
		case sub != nil:
			elem[keyOf(elem, *sub)] = op.Value
		default:
			if v, isMapValue := op.Value.(map[string]any); isMapValue {
				for k, val := range v {
					elem[keyOf(elem, k)] = val
				}
			}
		}
		kept = append(kept, elem)
	}
	if matched == 0 {
		return scimerrors.ScimErrorNoTarget
	}
	container[name] = kept
	return nil
}

// extension returns the resource type's extension schema with the given URN.
func (s *store) extension(uri string) (schema.Schema, bool) {
	for _, e := range s.extensions {
		if strings.EqualFold(e.ID, uri) {
			return e, true
		}
	}
	return schema.Schema{}, false
}

// keyOf returns the key of m that equals name case-insensitively, or name.
func keyOf(m map[string]any, name string) string {
	if _, ok := m[name]; ok {
		return name
	}
	for k := range m {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return name
}

// containsValue reports whether list holds an element equal to v.
func containsValue(list []any, v any) bool {
	for _, e := range list {
		if reflect.DeepEqual(e, v) {
			return true
		}
	}
	return false
}

// asList returns v as a []any when it is a list.
func asList(v any) ([]any, bool) {
	switch t := v.(type) {
	case []any:
		return t, true
	case []map[string]any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = e
		}
		return out, true
	default:
		return nil, false
	}
}

// removeValues drops the elements of list whose "value" equals the "value" of
// one of the given elements.
func removeValues(list, values []any) []any {
	drop := map[string]bool{}
	for _, v := range values {
		if m, ok := v.(map[string]any); ok {
			if s, isString := m["value"].(string); isString {
				drop[s] = true
			}
		}
	}
	out := make([]any, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			if s, isString := m["value"].(string); isString && drop[s] {
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

package patch

import (
	"strings"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

func kindOf(v any) string { return resource.KindOf(v) }

func mutability(format string, args ...any) error {
	return protocol.Errorf(400, protocol.ScimTypeMutability, format, args...)
}

func invalidPath(format string, args ...any) error {
	return protocol.Errorf(400, protocol.ScimTypeInvalidPath, format, args...)
}

func invalidValue(format string, args ...any) error {
	return protocol.Errorf(400, protocol.ScimTypeInvalidValue, format, args...)
}

func noTarget(format string, args ...any) error {
	return protocol.Errorf(400, protocol.ScimTypeNoTarget, format, args...)
}

// isEmpty reports whether a value asks to clear the target
// (ENTRA-PATCH-12): null or "".
func isEmpty(v any) bool {
	if v == nil {
		return true
	}
	s, ok := v.(string)
	return ok && s == ""
}

// applyPath applies one operation to the attribute the path names.
func (a *applier) applyPath(op, path string, val any, hasValue bool) error {
	if ext := a.rt.Extension(path); ext != nil {
		return a.wholeExtension(op, ext, val)
	}
	if strings.EqualFold(path, "schemas") {
		return invalidPath("schemas cannot be patched; it follows from the attributes")
	}
	p, err := protocol.ParsePathCached(path)
	if err != nil {
		return err
	}
	uri, name := p.AttributePath.URI(), p.AttributePath.AttributeName
	sub := p.AttributePath.SubAttributeName()
	if p.SubAttribute != nil {
		if sub != "" {
			return invalidPath("path %q names two sub-attributes", path)
		}
		sub = *p.SubAttribute
	}
	ref, ok := a.rt.Lookup(uri, name, sub)
	if !ok {
		if uri != "" && a.rt.Schema(uri) != nil {
			return invalidPath("schema %s has no attribute %q", a.rt.Schema(uri).ID, strings.TrimPrefix(path, uri+":"))
		}
		if known, ok := a.rt.Lookup(uri, name, ""); ok {
			return invalidPath("attribute %q has no sub-attribute %q", known.String(), sub)
		}
		return a.generic(op, p, val)
	}
	if err := checkMutability(op, ref, p.ValueExpression != nil); err != nil {
		return err
	}
	if ref.Attr.Mutability == schema.WriteOnly {
		return a.setPassword(op, ref, val)
	}
	if p.ValueExpression != nil {
		return a.valuePath(op, ref, p.ValueExpression, val, hasValue)
	}
	if ref.Sub != nil {
		return a.subAttr(op, ref, val)
	}
	return a.whole(op, ref, val, hasValue)
}

// checkMutability rejects writes to readOnly attributes and removal of
// required ones (RFC 7644 §3.5.2, scimType mutability).
func checkMutability(op string, ref schema.Ref, filtered bool) error {
	if ref.Attr.Mutability == schema.ReadOnly || (ref.Sub != nil && ref.Sub.Mutability == schema.ReadOnly) {
		return mutability("attribute %q is readOnly", ref.String())
	}
	if op == protocol.OpRemove {
		if ref.Sub == nil && !filtered && ref.Attr.Required {
			return mutability("attribute %q is required and cannot be removed", ref.String())
		}
		if ref.Sub != nil && ref.Sub.Required {
			return mutability("sub-attribute %q is required and cannot be removed", ref.String())
		}
	}
	if op != protocol.OpRemove && ref.Sub != nil && ref.Sub.Mutability == schema.Immutable {
		// A member's value or type is set with the member, never changed
		// in place; add or remove the member instead.
		return mutability("sub-attribute %q is immutable", ref.String())
	}
	return nil
}

// setPassword records a password set by the request; it is never stored.
func (a *applier) setPassword(op string, ref schema.Ref, val any) error {
	if op == protocol.OpRemove || ref.Sub != nil {
		return mutability("attribute %q is writeOnly; it can only be set", ref.String())
	}
	s, ok := val.(string)
	if !ok {
		return invalidValue("attribute %q: must be a string, got %s", ref.String(), kindOf(val))
	}
	a.password = &s
	return nil
}

// container returns the map holding ref's attribute: the resource, or the
// extension object (created when create is set).
func (a *applier) container(ref schema.Ref, create bool) map[string]any {
	if !ref.Extension {
		a.own(ref.Attr.Name) // callers change only this attribute of the resource
		return a.res
	}
	a.own(ref.Schema.ID)
	m, ok := a.res[ref.Schema.ID].(map[string]any)
	if !ok && create {
		m = map[string]any{}
		a.res[ref.Schema.ID] = m
	}
	return m
}

// wholeExtension applies an operation whose path is an extension URN.
func (a *applier) wholeExtension(op string, ext *schema.Schema, val any) error {
	if op == protocol.OpRemove {
		delete(a.res, ext.ID)
		return nil
	}
	if val == nil {
		delete(a.res, ext.ID)
		return nil
	}
	obj, ok := val.(map[string]any)
	if !ok {
		return invalidValue("%s must be an object, got %s", ext.ID, kindOf(val))
	}
	// Replace, like add, leaves attributes the object does not name as they
	// are, as for any complex attribute (RFC 7644 §3.5.2.3).
	for _, k := range sortedKeys(obj) {
		if err := a.applyPath(op, ext.ID+":"+k, obj[k], true); err != nil {
			return err
		}
	}
	return nil
}

// generic applies an operation to an attribute no schema defines, stored
// as sent (ENTRA-REQ-12): under its URN object when the path has one.
func (a *applier) generic(op string, p filter.Path, val any) error {
	if p.ValueExpression != nil {
		return invalidPath("value filters apply to defined multi-valued attributes; %q is not defined", p.AttributePath.String())
	}
	var c map[string]any = a.res
	if uri := p.AttributePath.URI(); uri != "" {
		key := findKey(a.res, uri)
		a.own(key)
		m, ok := a.res[key].(map[string]any)
		if !ok {
			if a.res[key] != nil || op == protocol.OpRemove {
				if op == protocol.OpRemove {
					return nil
				}
				return invalidPath("%q is not an extension object", uri)
			}
			m = map[string]any{}
			a.res[key] = m
		}
		c = m
	}
	key := findKey(c, p.AttributePath.AttributeName)
	if p.AttributePath.URI() == "" {
		a.own(key)
	}
	sub := p.AttributePath.SubAttributeName()
	if p.SubAttribute != nil {
		sub = *p.SubAttribute
	}
	if sub != "" {
		m, ok := c[key].(map[string]any)
		if !ok {
			if op == protocol.OpRemove || isEmpty(val) {
				return nil
			}
			if c[key] != nil {
				return invalidPath("%q is not an object", p.AttributePath.AttributeName)
			}
			m = map[string]any{}
			c[key] = m
		}
		c, key = m, findKey(m, sub)
	}
	if op == protocol.OpRemove || val == nil {
		delete(c, key)
		return nil
	}
	c[key] = resource.CloneValue(val)
	return nil
}

// findKey returns the key of m equal to k ignoring case, or k.
func findKey(m map[string]any, k string) string {
	if _, ok := m[k]; ok {
		return k
	}
	for mk := range m {
		if strings.EqualFold(mk, k) {
			return mk
		}
	}
	return k
}

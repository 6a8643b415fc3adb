package scim

import (
	"reflect"
	"strings"
)

// Change is one target attribute whose value Entra would update
// (ENTRA-FLOW-07: only attributes that differ are sent).
type Change struct {
	Path string
	New  any
	// HadOld is true when the target had a value, which makes the op a
	// replace rather than an add (ENTRA-PATCH-03).
	HadOld bool
}

// Diff compares the target's current values with the values computed from
// the source and returns the changes in the default attribute order (the
// MAP-01 row order, DefaultAttributeOrder; paths it does not list last, by
// path). Builder.UpdateUser sends them in its own AttributeOrder. A nil new
// value is not a change: Entra does not flow nulls (ENTRA-NULL-01). The
// manager is left out: it is a reference, updated by SetManager (FLOW-08).
func Diff(current, desired Attributes) []Change {
	var out []Change
	for path, nv := range desired {
		if nv == nil || isManagerPath(path) {
			continue
		}
		ov, had := current[path]
		had = had && ov != nil
		if had && equalValue(ov, nv) {
			continue
		}
		out = append(out, Change{Path: path, New: nv, HadOld: had})
	}
	return rankOf(nil).sortChanges(out)
}

// equalValue compares a target value with a desired one. A boolean and the
// string the mapping produces for it ("True"/"False", MAP-03) are equal, so
// a target's active true is not re-sent against the mapping's "True".
func equalValue(a, b any) bool {
	if ab, ok := activeValue(a); ok {
		if bb, ok := activeValue(b); ok {
			_, aStr := a.(string)
			_, bStr := b.(string)
			if aStr != bStr {
				return ab == bb
			}
		}
	}
	if as, ok := a.(string); ok {
		bs, ok := b.(string)
		return ok && as == bs
	}
	return reflect.DeepEqual(a, b)
}

// isActivePath reports whether p is the active flag, which each dialect
// encodes its own way and always sends with a path (FLOW-09).
func isActivePath(p string) bool { return strings.EqualFold(p, "active") }

// activeValue reads a desired active value as a boolean.
func activeValue(v any) (bool, bool) {
	switch t := v.(type) {
	case bool:
		return t, true
	case string:
		switch strings.ToLower(t) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

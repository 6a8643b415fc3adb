package scim

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ReadAttributes reads the values at the given target attribute paths from
// a SCIM resource, the inverse of what CreateUser writes: plain, dotted,
// valuePath (`emails[type eq "work"].value`) and URN-qualified paths.
// Absent values are left out. active given as "True"/"False" is read as a
// boolean so that it compares equal to what Entra holds.
func ReadAttributes(resource []byte, paths []string) (Attributes, error) {
	var m map[string]any
	if err := json.Unmarshal(resource, &m); err != nil {
		return nil, fmt.Errorf("read attributes: %w", err)
	}
	out := Attributes{}
	for _, p := range paths {
		if v, ok := readPath(m, p); ok && v != nil {
			if isActivePath(p) {
				if b, ok := activeValue(v); ok {
					v = b
				}
			}
			out[p] = v
		}
	}
	return out, nil
}

func readPath(m map[string]any, p string) (any, bool) {
	if urn, attr, ok := splitURN(p); ok {
		ext, _ := lookup(m, urn).(map[string]any)
		if ext == nil {
			return nil, false
		}
		v := lookup(ext, attr)
		if mv, ok := v.(map[string]any); ok && strings.EqualFold(attr, "manager") {
			v = lookup(mv, "value") // the manager's complex form
		}
		return v, v != nil
	}
	if sm := valuePathMatch(p); sm != nil {
		attr, key, keyVal, sub := sm[1], sm[2], sm[3], sm[4]
		if sub == "" {
			sub = "value"
		}
		list, _ := lookup(m, attr).([]any)
		for _, el := range list {
			em, _ := el.(map[string]any)
			if em != nil && strings.EqualFold(fmt.Sprint(lookup(em, key)), keyVal) {
				v := lookup(em, sub)
				return v, v != nil
			}
		}
		return nil, false
	}
	if parent, child, ok := strings.Cut(p, "."); ok {
		obj, _ := lookup(m, parent).(map[string]any)
		if obj == nil {
			return nil, false
		}
		v := lookup(obj, child)
		return v, v != nil
	}
	v := lookup(m, p)
	return v, v != nil
}

// lookup reads a key case-insensitively (SCIM attribute names are).
func lookup(m map[string]any, k string) any {
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

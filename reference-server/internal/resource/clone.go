package resource

// Clone returns a deep copy of r: maps and slices are copied, scalars
// (strings, bools, json.Number, float64) are shared as they are immutable.
func (r Resource) Clone() Resource {
	if r == nil {
		return nil
	}
	return Resource(CloneValue(map[string]any(r)).(map[string]any))
}

// CloneValue deep-copies a value of the shape encoding/json produces.
func CloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = CloneValue(e)
		}
		return m
	case Resource:
		return Resource(CloneValue(map[string]any(x)).(map[string]any))
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = CloneValue(e)
		}
		return s
	case []map[string]any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = CloneValue(e)
		}
		return s
	default:
		return v
	}
}

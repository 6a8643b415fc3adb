package engine

import (
	"slices"
	"strings"
)

// refValues are an item's reference values (manager, members) by target
// path, as mapping.Result.References gives them. An item holds them from
// its export to its reference phase, and a map of one entry costs about
// 380 bytes where this costs about 70: a large cycle holds an item per
// object (issue 16).
type refValues []refValue

type refValue struct {
	path string
	ids  []string
}

// compactRefs copies a mapping's references, in path order.
func compactRefs(m map[string][]string) refValues {
	if len(m) == 0 {
		return nil
	}
	out := make(refValues, 0, len(m))
	for p, ids := range m {
		out = append(out, refValue{path: p, ids: ids})
	}
	slices.SortFunc(out, func(a, b refValue) int { return strings.Compare(a.path, b.path) })
	return out
}

// get returns the values of path, nil when it has none.
func (rv refValues) get(path string) []string {
	for _, v := range rv {
		if v.path == path {
			return v.ids
		}
	}
	return nil
}

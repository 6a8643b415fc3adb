package engine

import (
	"slices"
	"strings"
	"sync"

	"github.com/quantive/entra-scim-harness/client/arena"
	"github.com/quantive/entra-scim-harness/client/state"
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

// refArena holds the items' reference values. Made during the exports,
// one by one among their garbage, each kept a span of the heap in use to
// the commit, and the ids were the directory's own strings, which kept
// its spans too (issue 16). Safe for concurrent use.
type refArena struct {
	mu   sync.Mutex
	vals arena.Slab[refValue]
	ids  arena.Slab[string]
	// canon returns the copy of an id to keep (run.canonID).
	canon func(string) string
}

// compact copies a mapping's references, in path order.
func (a *refArena) compact(m map[string][]string) refValues {
	if len(m) == 0 {
		return nil
	}
	n := 0
	for _, ids := range m {
		n += len(ids)
	}
	a.mu.Lock()
	out := a.vals.Take(len(m))[:0]
	all := a.ids.Take(n)
	a.mu.Unlock()
	for p, ids := range m {
		dst := all[:len(ids):len(ids)]
		all = all[len(ids):]
		for i, id := range ids {
			dst[i] = a.canon(id)
		}
		out = append(out, refValue{path: p, ids: dst})
	}
	slices.SortFunc(out, func(a, b refValue) int { return strings.Compare(a.path, b.path) })
	return out
}

// canonID is the copy of a source id the cycle keeps anyway, that of the
// object's state entry, so that references (a million managers, a million
// memberships) share it rather than hold their own; an id of no object is
// copied into the arena. Safe for concurrent use once planning is done.
func (r *run) canonID(id string) string {
	for _, k := range []state.Kind{state.KindUser, state.KindGroup} {
		if o := r.object(state.Key{Kind: k, SourceID: id}); o != nil {
			return o.SourceID
		}
	}
	return r.strs.keep(id)
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

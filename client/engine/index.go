package engine

import (
	"cmp"
	"slices"
	"strings"

	"github.com/quantive/entra-scim-harness/client/state"
)

// The cycle finds objects by key in two places: the state entries it read
// (run.objs, as Store.Objects gives them) and the items it planned, sorted
// by key once planning is done (run.byKey). The items' entries are not
// added to the map: at a million users an initial cycle's map of new
// entries and a map of items by id were a large share of its memory
// peak, where the sorted slice takes a pointer per item; the lookups
// (references, about five per user) cost a binary search each (issue 16).

// indexItems sorts the planned items by key; lookups may start after it.
func (r *run) indexItems() {
	r.byKey = make([]*item, 0, len(r.users)+len(r.groups))
	r.byKey = append(append(r.byKey, r.users...), r.groups...)
	slices.SortFunc(r.byKey, func(a, b *item) int { return compareKeys(a.key(), b.key()) })
}

func compareKeys(a, b state.Key) int {
	if c := strings.Compare(a.SourceID, b.SourceID); c != 0 {
		return c
	}
	return cmp.Compare(a.Kind, b.Kind)
}

// itemOf returns the planned item of k, nil when k has none (unchanged
// since its last cycle, or not in the cycle).
func (r *run) itemOf(k state.Key) *item {
	i, ok := slices.BinarySearchFunc(r.byKey, k, func(it *item, k state.Key) int { return compareKeys(it.key(), k) })
	if !ok {
		return nil
	}
	return r.byKey[i]
}

// object returns the state entry of k: its item's, else the one read.
func (r *run) object(k state.Key) *state.Object {
	if it := r.itemOf(k); it != nil {
		return it.obj
	}
	return r.objs[k]
}

// userItem is itemOf for a user.
func (r *run) userItem(id string) *item {
	return r.itemOf(state.Key{Kind: state.KindUser, SourceID: id})
}
